import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { PRODUCTION_NODE_FLAGS, sessionCookieName } from '@alliance/server';
import pg from 'pg';

const repoRoot = resolve(import.meta.dirname, '../../..');

/** The compiled server, as `npm start` runs it (turbo builds it before these tests). */
export const serverEntry = join(repoRoot, 'apps/server/dist/index.js');

/** Production, served over http on loopback only, as `npm start` does for local use. */
const productionEnv = { NODE_ENV: 'production', ALLOW_HTTP_LOCALHOST: 'true' } as const;

export interface ServerProcess {
  url: string;
  /** The child's process id, e.g. to read its command line. */
  pid: number;
  /** The session cookie's name under the server's configuration. */
  sessionCookieName: string;
  /** Everything the server printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** One fresh Postgres database that several server processes share. */
export interface SharedDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh Postgres database for several processes: next to DATABASE_URL, else the local Postgres. */
export async function sharedPostgres(): Promise<SharedDatabase> {
  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const database = await freshDatabase(base);
  return { url: database.env.DATABASE_URL!, drop: database.drop };
}

/**
 * A fresh database for one run: a new Postgres database next to DATABASE_URL when it is set,
 * else a new PGlite folder. Returns the server environment for it and how to remove it.
 */
async function freshDatabase(baseUrl = process.env.DATABASE_URL): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  if (!baseUrl) {
    const dataDir = mkdtempSync(join(tmpdir(), 'alliance-e2e-'));
    return { env: { DATA_DIR: dataDir }, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `alliance_e2e_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: baseUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return { env: { DATABASE_URL: url.toString() }, drop: () => admin(`drop database if exists ${name} with (force)`) };
}

/**
 * Starts the real server, compiled (`apps/server/dist/index.js` under plain node, nothing
 * loaded to run TypeScript), as a child process on a free port, serving the web app from
 * `webDist`, and resolves once it logs `server.started`.
 */
export async function startServerProcess(webDist: string, options: { shared?: SharedDatabase; redis?: { url: string; prefix: string } } = {}): Promise<ServerProcess> {
  if (!existsSync(serverEntry)) throw new Error(`${serverEntry} is missing: build the server first (npm run build, or npm test, which builds it)`);
  // A process of several leaves the shared database to whoever made it.
  const database = options.shared ? { env: { DATABASE_URL: options.shared.url }, drop: async () => {} } : await freshDatabase();
  let log = '';
  const env: NodeJS.ProcessEnv = { ...process.env, ...productionEnv, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', WEB_DIST: webDist, ...database.env };
  if (!database.env.DATABASE_URL) delete env.DATABASE_URL;
  for (const key of ['REDIS_URL', 'PUBLIC_URL', 'TRUST_PROXY', 'NODE_OPTIONS']) delete env[key];
  if (options.redis) Object.assign(env, { REDIS_URL: options.redis.url, REDIS_PREFIX: options.redis.prefix });
  const child: ChildProcess = spawn(process.execPath, [...PRODUCTION_NODE_FLAGS, serverEntry], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));

  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString('utf8');
  });
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start within 90 s:\n${log}`)), 90_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`server exited (${String(code)}) before starting:\n${log}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      log += `${line}\n`;
      try {
        const entry = JSON.parse(line) as { event?: string; url?: string };
        if (entry.event === 'server.started' && entry.url) {
          clearTimeout(timer);
          done(entry.url);
        }
      } catch {
        // not a log line
      }
    });
  }).catch(async (error: unknown) => {
    child.kill('SIGKILL');
    await database.drop().catch(() => {});
    throw error;
  });

  return {
    url,
    pid: child.pid!,
    sessionCookieName: sessionCookieName(productionEnv),
    output: () => log,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(killer);
      }
      await database.drop();
    },
  };
}
