const REQUEST_TIMEOUT_MS = 30_000;

/** One person using the HTTP API: keeps the cookies from signup (the session's among them) and sends them back. */
export class ApiClient {
  private readonly jar = new Map<string, string>();
  constructor(readonly baseUrl: string) {}

  /** The Cookie header this person's browser would send. */
  get cookie(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async post<T>(path: string, body: unknown = {}): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.cookie ? { cookie: this.cookie } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    for (const line of response.headers.getSetCookie()) {
      const match = /^([^=;]+)=([^;]*)/.exec(line);
      if (!match) continue;
      if (match[2]) this.jar.set(match[1]!, match[2]);
      else this.jar.delete(match[1]!);
    }
    const text = await response.text();
    if (!response.ok) throw new Error(`POST ${path} → ${response.status} ${text.slice(0, 200)}`);
    return (text ? JSON.parse(text) : null) as T;
  }

  async get<T>(path: string): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, { headers: this.cookie ? { cookie: this.cookie } : {}, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await response.text();
    if (!response.ok) throw new Error(`GET ${path} → ${response.status} ${text.slice(0, 200)}`);
    return (text ? JSON.parse(text) : null) as T;
  }
}

/** Runs `task` for 0…count-1 with at most `concurrency` in flight; results in index order. */
export async function mapConcurrent<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker));
  return results;
}

export interface BenchWorkspace {
  id: string;
}

/**
 * One therapist and one client (two signups, then their cookies are reused: login is rate
 * limited per account), `count` workspaces, each with an invite the client accepts.
 */
export async function createWorkspaces(baseUrl: string, count: number, concurrency: number): Promise<{ therapist: ApiClient; client: ApiClient; workspaces: BenchWorkspace[] }> {
  const therapist = new ApiClient(baseUrl);
  const client = new ApiClient(baseUrl);
  const suffix = Math.random().toString(36).slice(2, 8);
  const password = 'bench-Passw0rd-long-enough';
  await therapist.post('/api/auth/signup', { email: `therapist-${suffix}@bench.test`, password, name: 'Bench Therapist' });
  await client.post('/api/auth/signup', { email: `client-${suffix}@bench.test`, password, name: 'Bench Client' });
  if (!therapist.cookie || !client.cookie) throw new Error('signup did not set a session cookie');
  const workspaces = await mapConcurrent(count, concurrency, async (index) => {
    const workspace = await therapist.post<{ id: string }>('/api/workspaces', { title: `Bench workspace ${index}` });
    const invite = await therapist.post<{ token: string }>(`/api/workspaces/${workspace.id}/invites`);
    await client.post(`/api/invites/${invite.token}/accept`);
    return { id: workspace.id };
  });
  return { therapist, client, workspaces };
}
