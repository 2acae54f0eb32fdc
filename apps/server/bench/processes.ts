import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { PRODUCTION_NODE_FLAGS } from '../src/node-flags.js';

/** The repository root: children run from there so `--import tsx` and the built server resolve. */
export const REPO_ROOT = resolve(import.meta.dirname, '../../..');

const children = new Set<ChildProcess>();

/** Kills every child still running: called on every way out of the bench. */
export function killAllChildren(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}

export interface ChildServer {
  url: string;
  pid: number;
  /** Lines at warn/error level the child printed (kept for the report). */
  problems: string[];
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL now: nothing gets a chance to flush. */
  kill(): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  script: string;
  env: Record<string, string>;
  /** Print the child's warnings and errors as they come. */
  verbose: boolean;
  startTimeoutMs?: number;
  /** Extra node flags (e.g. --cpu-prof). */
  nodeArgs?: string[];
}

/**
 * Builds our server as production runs it (`npm run build`: one bundle, plain `node`) and
 * returns the script to spawn, relative to the repository root. The bench measures that
 * bundle, not the TypeScript source under tsx, whose helpers add work to every call.
 */
export function buildServer(): string {
  const built = spawnSync(process.execPath, ['--import', 'tsx', 'apps/server/scripts/build.ts'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`building the server failed: ${(built.stderr || built.stdout).trim().slice(0, 2000)}`);
  return 'apps/server/dist/index.js';
}

/**
 * Starts `node <script>` (with `--import tsx` for a TypeScript one, and source maps as
 * `npm start` has them) and waits for its JSON log line with event "server.started" and a "url".
 */
export async function spawnServer(options: SpawnOptions): Promise<ChildServer> {
  const loader = options.script.endsWith('.ts') ? ['--import', 'tsx'] : PRODUCTION_NODE_FLAGS;
  const child = spawn(process.execPath, ['--expose-gc', ...(options.nodeArgs ?? []), ...loader, options.script], {
    cwd: REPO_ROOT,
    // Only what the child needs: the bench's own BENCH_*/DATABASE_URL must not leak in.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const problems: string[] = [];
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  void exited.then(() => children.delete(child));

  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`${options.name} did not start within ${options.startTimeoutMs ?? 30_000} ms`)), options.startTimeoutMs ?? 30_000);
    let started = false;
    const onLine = (line: string, stream: 'stdout' | 'stderr') => {
      if (!started && line.includes('server.started')) {
        const entry = parseJson(line);
        if (entry?.event === 'server.started' && typeof entry.url === 'string') {
          started = true;
          clearTimeout(timer);
          done(entry.url);
          return;
        }
      }
      // Cheap test first: info lines can be many under load.
      const isProblem = stream === 'stderr' || line.includes('"level":"warn"') || line.includes('"level":"error"');
      if (isProblem && line.trim()) {
        if (problems.length < 200) problems.push(line);
        if (options.verbose) console.error(`[${options.name}] ${line}`);
      }
    };
    createInterface({ input: child.stdout! }).on('line', (line) => onLine(line, 'stdout'));
    createInterface({ input: child.stderr! }).on('line', (line) => onLine(line, 'stderr'));
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`${options.name} exited with ${code} before it started:\n${problems.slice(-20).join('\n')}`));
    });
  });

  const waitExit = (ms: number) => Promise.race([exited.then(() => true), new Promise<boolean>((done) => setTimeout(() => done(false), ms))]);
  return {
    url: url.replace('localhost', '127.0.0.1'),
    pid: child.pid ?? -1,
    problems,
    exited,
    stop: async (graceMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      if (!(await waitExit(graceMs))) {
        child.kill('SIGKILL');
        await exited;
      }
    },
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

function parseJson(line: string): { event?: unknown; url?: unknown } | null {
  try {
    return JSON.parse(line) as { event?: unknown; url?: unknown };
  } catch {
    return null;
  }
}

/** Where the server keeps its data for this run: a fresh Postgres database or PGlite folder. */
export interface BenchDatabase {
  kind: 'postgres' | 'pglite';
  env: Record<string, string>;
  /** A connection to the bench database for plausibility checks (Postgres only). */
  query<T extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

export async function createBenchDatabase(databaseUrl: string | undefined): Promise<BenchDatabase> {
  if (!databaseUrl) {
    const dataDir = mkdtempSync(join(tmpdir(), 'alliance-bench-'));
    return {
      kind: 'pglite',
      env: { DATA_DIR: dataDir },
      query: () => Promise.reject(new Error('the PGlite database belongs to the server process')),
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `alliance_bench_${randomBytes(6).toString('hex')}`;
  await withAdmin(databaseUrl, (admin) => admin.query(`create database ${name}`));
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  pool.on('error', () => {});
  let dropped = false;
  return {
    kind: 'postgres',
    env: { DATABASE_URL: url.toString() },
    query: async <T extends pg.QueryResultRow>(text: string, values?: unknown[]) => (await pool.query<T>(text, values)).rows,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await pool.end().catch(() => {});
      await withAdmin(databaseUrl, (admin) => admin.query(`drop database if exists ${name} with (force)`));
    },
  };
}

async function withAdmin<T>(databaseUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    return await run(admin);
  } finally {
    await admin.end();
  }
}
