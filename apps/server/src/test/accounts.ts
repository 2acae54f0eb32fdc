import { randomUUID } from 'node:crypto';
import { TestClient } from './harness.js';

/**
 * A TestClient that also writes every response (body and headers) into a shared transcript,
 * so a test can check that no secret ever left the server.
 */
export class RecordingClient extends TestClient {
  constructor(
    baseUrl: string,
    readonly transcript: string[],
  ) {
    super(baseUrl);
  }

  override async request(...args: Parameters<TestClient['request']>): ReturnType<TestClient['request']> {
    const response = await super.request(...args);
    this.transcript.push(typeof response.body === 'string' ? response.body : JSON.stringify(response.body));
    for (const [name, value] of response.headers) this.transcript.push(`${name}: ${value}`);
    return response;
  }
}

export interface TestAccount {
  client: RecordingClient;
  id: string;
  email: string;
  name: string;
  password: string;
}

/** Signs a new person up (unique email) and returns their logged-in client. */
export async function signUp(baseUrl: string, name: string, transcript: string[] = []): Promise<TestAccount> {
  const client = new RecordingClient(baseUrl, transcript);
  const email = `${name.toLowerCase().replace(/\W+/g, '-')}-${randomUUID()}@example.com`;
  const password = `pw-${randomUUID()}`;
  const response = await client.post('/api/auth/signup', { email, password, name });
  if (response.status !== 201) throw new Error(`signup failed with ${response.status}: ${JSON.stringify(response.body)}`);
  return { client, id: response.body.id, email, name, password };
}
