import { testBackends, createTestDatabase, type DbKind, type TestDatabase } from '@alliance/db/testing';
import { sessionCookieName } from '../auth/sessions.js';
import { loadEnv, type Env } from '../env.js';
import { invariantLogger } from './invariants.js';
import { startServer, type RunningServer } from '../server.js';

export { testBackends };
export type { DbKind };

export interface TestServer extends RunningServer {
  database: TestDatabase;
  env: Env;
  /** Stops the server and drops its database. */
  stop(): Promise<void>;
}

/** The configuration every test server starts from, before a test's own settings. */
export const TEST_ENV_DEFAULTS = { NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', VALIDATE_EVERY_UPDATE: 'true' } as const;

/** That configuration read: what names the session cookie unless a test configures otherwise. */
export const defaultTestEnv: Env = loadEnv(TEST_ENV_DEFAULTS);

/** A real server on a free port over a fresh database of the given kind. */
export async function startTestServer(kind: DbKind, overrides: Record<string, string> = {}): Promise<TestServer> {
  const database = await createTestDatabase(kind);
  const env = loadEnv({
    ...TEST_ENV_DEFAULTS,
    ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : { DATA_DIR: database.dataDir }),
    ...overrides,
  });
  const invariants = invariantLogger(env.LOG_LEVEL);
  const server = await startServer(env, { logger: invariants.logger });
  return {
    ...server,
    database,
    env,
    stop: async () => {
      await server.close();
      await database.drop();
      invariants.assertHeld();
    },
  };
}

/** A tiny cookie-keeping HTTP client for tests: one instance per simulated person. */
export class TestClient {
  /** The session cookie as a `name=value` pair ('' when none). */
  cookie = '';
  /** The device cookie as a `name=value` pair ('' when none): a browser that has logged in before. */
  deviceCookie = '';
  private readonly cookieName: string;
  /** `env`: the configuration of the server it talks to, which names the session cookie. */
  constructor(
    readonly baseUrl: string,
    env: Pick<Env, 'NODE_ENV'> = defaultTestEnv,
  ) {
    this.cookieName = sessionCookieName(env);
  }

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
      if (pair?.startsWith(`${this.cookieName}=`)) this.cookie = pair.endsWith('=') ? '' : pair;
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
