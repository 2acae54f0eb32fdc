import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { createWorkspaces } from './api-client.js';
import { loadWorkersFor, type BenchConfig } from './config.js';
import type { LoadResult } from './load.js';
import { LoadGroup } from './load-pool.js';
import { waitForRoomsClosed } from './metrics-probe.js';
import { createBenchDatabase, spawnServer, type ChildServer } from './processes.js';

/**
 * Several server processes on one Postgres and one Redis (see the README, "Several server
 * processes"). Two questions:
 *
 * - What does an edit cost when the other person is on another process? The same rooms and
 *   load, with both members on one process (no Redis: the plain single-process server; and
 *   with Redis, where edits are shown once stored) and with them on two processes.
 * - What do more processes buy on this machine? The load rises step by step for 1, 2 and 4
 *   processes (each room's members on different ones); the figure is the highest load whose
 *   propagation p99 stays within a bound, so the configurations are compared at equal p99.
 *
 * It brings its own database and processes, so it runs whichever database the rest uses.
 */
export interface ScaleOutResult {
  rooms: number;
  /** Same rooms and rate: single process (no Redis), single process with Redis, two processes. */
  latency: { label: string; run: LoadResult }[];
  /** Updates per second per client tried, in order. */
  rates: number[];
  p99BoundMs: number;
  throughput: { processes: number; steps: { ratePerClient: number; run: LoadResult }[]; bestSentPerS: number | null }[];
}

/** Propagation p99 the throughput steps must stay within. */
const P99_BOUND_MS = 50;

export async function scaleOutPhase(config: BenchConfig, script: string, serverEnv: Record<string, string>): Promise<ScaleOutResult> {
  const redisUrl = config.redisUrl;
  const database = await createBenchDatabase(config.scaleDatabaseUrl);
  const servers: ChildServer[] = [];
  try {
    const env = { ...serverEnv, ...database.env };
    const start = async (name: string, extra: Record<string, string>) => {
      const nodeArgs = config.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(config.profileDir, name)}`] : [];
      const server = await spawnServer({ name, script, env: { ...env, ...extra }, verbose: config.verbose, nodeArgs });
      servers.push(server);
      return server;
    };
    const prefix = `alliance-bench-${randomBytes(4).toString('hex')}`;
    const single = await start('single', {});
    const joined: ChildServer[] = [];
    for (let index = 0; index < 4; index++) joined.push(await start(`process-${index + 1}`, { REDIS_URL: redisUrl, REDIS_PREFIX: prefix }));
    const rooms = config.rooms[0] ?? 200;
    const people = await createWorkspaces(single.url, rooms, config.setupConcurrency);

    /** Opens every room with its therapist on `placeA(index)` and its client on `placeB(index)`. */
    const open = (placeA: (index: number) => ChildServer, placeB: (index: number) => ChildServer, ratePerClient: number) =>
      LoadGroup.open(
        people.workspaces.slice(0, rooms).map(({ id: workspaceId }, index) => ({
          // The therapist joins first: their process owns the document.
          a: { transport: 'socketio', url: placeA(index).url, cookie: people.therapist.cookie, workspaceId },
          b: { transport: 'socketio', url: placeB(index).url, cookie: people.client.cookie, workspaceId },
        })),
        { workers: loadWorkersFor(config, rooms * 2 * ratePerClient), setupConcurrency: config.setupConcurrency },
      );

    const measure = async (label: string, used: ChildServer[], placeA: (index: number) => ChildServer, placeB: (index: number) => ChildServer, ratePerClient: number, durationS: number) => {
      const group = await open(placeA, placeB, ratePerClient);
      try {
        const stats = await group.runSlice({ ratePerClient, warmupS: config.warmupS, durationS, metricsUrl: used[0]!.url, alsoCpuOf: used.slice(1).map((server) => server.url) });
        return group.summarize(label, [stats]);
      } finally {
        await group.close();
        for (const server of used) await waitForRoomsClosed(server.url);
      }
    };

    const durationS = Math.max(3, config.durationS / 2);
    const [p1, p2] = [joined[0]!, joined[1]!];
    const latency = [
      { label: 'one process (no Redis)', run: await measure('single', [single], () => single, () => single, config.ratePerClient, durationS) },
      { label: 'one process with Redis', run: await measure('one of several', [p1], () => p1, () => p1, config.ratePerClient, durationS) },
      { label: 'two processes (members on different ones)', run: await measure('cross-process', [p1, p2], () => p1, () => p2, config.ratePerClient, durationS) },
    ];

    // From a quarter of the usual rate up: on 2 cores more processes may stay within the bound only below it.
    const base = config.ratePerClient;
    const rates = config.quick ? [base / 4, base, base * 4] : [base / 4, base / 2, base, base * 2, base * 4, base * 8];
    const throughput: ScaleOutResult['throughput'] = [];
    for (const count of [1, 2, 4]) {
      const used = joined.slice(0, count);
      const steps: { ratePerClient: number; run: LoadResult }[] = [];
      for (const rate of rates) {
        const run = await measure(`${count} processes at ${rate}/s`, used, (index) => used[index % count]!, (index) => used[(index + 1) % count]!, rate, Math.max(2, durationS / 2) * Math.max(1, base / rate));
        steps.push({ ratePerClient: rate, run });
        console.log(`bench: scale-out ${count} process(es), ${rate}/s per client: sent ${Math.round(run.sentPerS)}/s, p99 ${run.propagationMs.p99} ms`);
        // Past the bound, a higher rate only overloads the machine further.
        if (run.propagationMs.p99 > P99_BOUND_MS) break;
      }
      const within = steps.filter((step) => step.run.propagationMs.p99 <= P99_BOUND_MS && step.run.undelivered === 0);
      throughput.push({ processes: count, steps, bestSentPerS: within.length > 0 ? Math.max(...within.map((step) => step.run.sentPerS)) : null });
    }
    return { rooms, latency, rates, p99BoundMs: P99_BOUND_MS, throughput };
  } finally {
    for (const server of servers) await server.stop().catch(() => {});
    await database.drop().catch(() => {});
  }
}
