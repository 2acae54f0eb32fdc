import { testBackends, createTestDatabase, type DbKind, type TestDatabase } from '@alliance/db/testing';
import { loadEnv, type Env } from '../env.js';
import { createLogger } from '../logger.js';
import { startServer, type RunningServer } from '../server.js';

export { testBackends };
export type { DbKind };

export interface TestServer extends RunningServer {
  database: TestDatabase;
  env: Env;
  /** Stops the server and drops its database. */
  stop(): Promise<void>;
}

/** A real server on a free port over a fresh database of the given kind. */
export async function startTestServer(kind: DbKind, overrides: Record<string, string> = {}): Promise<TestServer> {
  const database = await createTestDatabase(kind);
  const env = loadEnv({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : { DATA_DIR: database.dataDir }),
    ...overrides,
  });
  const server = await startServer(env, { logger: createLogger(env.LOG_LEVEL) });
  return {
    ...server,
    database,
    env,
    stop: async () => {
      await server.close();
      await database.drop();
    },
  };
}

/** A tiny cookie-keeping HTTP client for tests: one instance per simulated person. */
export class TestClient {
  /** The session cookie as a `name=value` pair ('' when none). */
  cookie = '';
  /** The device cookie as a `name=value` pair ('' when none): a browser that has logged in before. */
  deviceCookie = '';
  constructor(readonly baseUrl: string) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.cookie || this.deviceCookie ? { cookie: [this.cookie, this.deviceCookie].filter(Boolean).join('; ') } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const setCookie = response.headers.getSetCookie();
    for (const line of setCookie) {
      const [pair] = line.split(';');
      if (pair?.startsWith('alliance_session=')) this.cookie = pair.endsWith('=') ? '' : pair;
      if (pair?.startsWith('alliance_device=')) this.deviceCookie = pair.endsWith('=') ? '' : pair;
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }

  get(path: string) {
    return this.request('GET', path);
  }
  post(path: string, body?: unknown) {
    return this.request('POST', path, body ?? {});
  }
}
