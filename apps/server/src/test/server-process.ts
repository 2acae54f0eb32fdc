import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { PRODUCTION_NODE_FLAGS } from '../node-flags.js';

export const REPO_ROOT = resolve(import.meta.dirname, '../../../..');

/** The bundle `npm run build` writes and `npm start` runs (turbo builds it before these tests). */
export const COMPILED_ENTRY = resolve(REPO_ROOT, 'apps/server/dist/index.js');

/**
 * How a child server runs: from TypeScript source through tsx, as in development, or the
 * compiled bundle under plain node, as in production.
 */
export type ServerBuild = 'source' | 'compiled';

const NODE_ARGS: Record<ServerBuild, string[]> = {
  source: ['--import', 'tsx', 'apps/server/src/index.ts'],
  compiled: [...PRODUCTION_NODE_FLAGS, COMPILED_ENTRY],
};

export type ServerLaunch =
  | { started: true; url: string; child: ChildProcess; output(): string }
  | { started: false; code: number | null; output(): string };

/**
 * Starts the server in a child process with only `env` (over PATH, HOME and test defaults) and
 * resolves once it logs `server.started`, or once it exits without starting.
 */
export function launchServer(env: Record<string, string>, build: ServerBuild = 'source'): Promise<ServerLaunch> {
  const child = spawn(process.execPath, NODE_ARGS[build], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const output = () => log;
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
  return new Promise<ServerLaunch>((resolveLaunch, reject) => {
    const timer = setTimeout(() => reject(new Error(`server neither started nor exited: ${log}`)), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolveLaunch({ started: false, code, output });
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      log += `${line}\n`;
      try {
        const entry = JSON.parse(line) as { event?: string; url?: string };
        if (entry.event === 'server.started' && entry.url) {
          clearTimeout(timer);
          resolveLaunch({ started: true, url: entry.url, child, output });
        }
      } catch {
        // not a log line
      }
    });
  });
}

/** Starts the server in a child process (see `launchServer`); throws if it exits instead. */
export async function spawnServer(env: Record<string, string>, build: ServerBuild = 'source'): Promise<{ url: string; child: ChildProcess }> {
  const launch = await launchServer(env, build);
  if (!launch.started) throw new Error(`server exited with ${launch.code}: ${launch.output()}`);
  return launch;
}

export function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolveExit();
    child.once('exit', () => resolveExit());
    child.kill('SIGKILL');
  });
}
