/**
 * `npm run bench`: the figures of DESIGN.md "Performance", measured end to end.
 *
 * Our server and the reference (`@y/websocket-server`, storing nothing) each run in their
 * own child process on 127.0.0.1; this process is the load generator and talks to them as
 * real clients would. Our server gets a fresh database (Postgres when DATABASE_URL is set,
 * PGlite otherwise) that is dropped at the end, whatever happens.
 *
 * Phases: memory per open document → edit propagation at each room count (ours, then the
 * reference with the same load) → durable confirmation at a fixed rate → cold load of a
 * document with a long history → the same after a SIGKILL. Prints a table and one line
 * `BENCH_JSON {…}` with every figure. Configuration: BENCH_* variables (see config.ts).
 */
import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { createWorkspaces } from './api-client.js';
import { loadBenchConfig } from './config.js';
import { scaleOutPhase } from './scale-out.js';
import { coldLoadPhase, confirmationPhase, crashLoadPhase, exportPhase, historyPhase, memoryPhase, propagationPhase, type BenchContext, type Target } from './phases.js';
import { buildServer, createBenchDatabase, killAllChildren, spawnServer, type BenchDatabase, type ChildServer } from './processes.js';
import { checkTargets, formatReport, type BenchResults, type PropagationRow } from './report.js';
import { round } from './stats.js';

const config = loadBenchConfig();
const startedAt = new Date();
/** Other programs' load when the bench started: figures from a busy machine are noisy. */
const loadAverageAtStart = loadavg().map((value) => round(value, 2));
const started = performance.now();
const errors: string[] = [];
const servers: ChildServer[] = [];
let database: BenchDatabase | null = null;

let cleaning: Promise<void> | null = null;
const cleanup = () =>
  (cleaning ??= (async () => {
    await Promise.all(servers.map((server) => server.stop(5_000).catch(() => {})));
    killAllChildren();
    await database?.drop().catch((error: unknown) => console.error(`bench: could not drop the bench database: ${String(error)}`));
  })());

process.on('exit', killAllChildren);
/** Set on SIGINT/SIGTERM: no further phase starts and nothing is reported. */
let aborting = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    aborting = true;
    console.error(`bench: ${signal}, cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}
const watchdog = setTimeout(() => {
  console.error(`bench: still running after ${config.timeoutS} s, giving up`);
  void cleanup().finally(() => process.exit(2));
}, config.timeoutS * 1000);
watchdog.unref();

/** Runs one phase; a failure is reported and the next phases still run. */
async function phase<T>(name: string, run: () => Promise<T>): Promise<T | null> {
  if (aborting) return null;
  const phaseStarted = performance.now();
  console.log(`bench: ${name}…`);
  try {
    const result = await run();
    console.log(`bench: ${name} done in ${round((performance.now() - phaseStarted) / 1000, 1)} s`);
    return result;
  } catch (error) {
    if (aborting) return null;
    const message = error instanceof Error ? error.message : String(error);
    console.error(`bench: ${name} failed: ${message}`);
    errors.push(`${name}: ${message}`);
    return null;
  }
}

async function main(): Promise<number> {
  database = await createBenchDatabase(config.databaseUrl);
  const db = database;
  // Production over http on loopback, where its metrics answer without a token. The load comes
  // from one therapist and one client in every room, so the per-person quotas (connections,
  // open documents, workspaces) are lifted; every other check runs as in production.
  const serverEnv = {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    NODE_ENV: 'production',
    ALLOW_HTTP_LOCALHOST: 'true',
    EXPOSE_METRICS: '1',
    MAX_CONNECTIONS_PER_USER: '1000000',
    MAX_OPEN_DOCS_PER_USER: '1000000',
    MAX_WORKSPACES_PER_USER: '1000000',
    // Building a long history sends thousands of updates a second over one connection.
    MAX_MESSAGES_PER_SECOND: '1000000',
    ...db.env,
  };
  const ourScript = buildServer();
  const ourRuns: ChildServer[] = [];
  const startOurs = async () => {
    const nodeArgs = config.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(config.profileDir)}`] : [];
    const server = await spawnServer({ name: 'server', script: ourScript, env: serverEnv, verbose: config.verbose, nodeArgs });
    servers.push(server);
    ourRuns.push(server);
    return server;
  };
  const ours = await startOurs();
  const reference = config.reference
    ? await spawnServer({ name: 'reference', script: 'apps/server/bench/reference-server.ts', env: { NODE_ENV: 'production' }, verbose: config.verbose })
    : null;
  if (reference) servers.push(reference);

  const { phases } = config;
  const loadRooms = Math.max(
    1,
    ...(phases.has('propagation') ? config.rooms : []),
    phases.has('confirmation') ? config.ackRooms : 0,
    phases.has('memory') ? config.memoryRooms : 0,
  );
  // The cold-load document, then the SIGKILL ones (one more than measured: a warm-up).
  const coldDocs = phases.has('cold') || phases.has('crash') ? 2 + config.crashDocs : 0;
  const historyDocs = phases.has('history') ? 1 : 0;
  const exportDocs = phases.has('export') ? 1 : 0;
  const setupStarted = performance.now();
  console.log(`bench: creating ${loadRooms + coldDocs} workspaces through the HTTP API…`);
  const people = await createWorkspaces(ours.url, loadRooms + coldDocs + historyDocs + exportDocs, config.setupConcurrency);
  const setupS = round((performance.now() - setupStarted) / 1000, 1);

  const ctx: BenchContext = {
    config,
    database: db,
    ours,
    reference,
    therapist: people.therapist,
    client: people.client,
    workspaces: people.workspaces.slice(0, loadRooms),
    coldWorkspaces: people.workspaces.slice(loadRooms, loadRooms + coldDocs),
    stalls: {},
    restartOurs: async () => {
      ctx.ours = await startOurs();
      return ctx.ours;
    },
  };

  const memory = config.phases.has('memory') && config.memoryRooms > 0 ? await phase(`memory: ${Math.min(config.memoryRooms, loadRooms)} open documents`, () => memoryPhase(ctx)) : null;

  const propagation: PropagationRow[] = [];
  for (const rooms of config.phases.has('propagation') ? config.rooms : []) {
    // The reference and ours take turns in the same phase; our /yjs endpoint (same workspaces,
    // so it cannot share the rooms with the Socket.IO clients) gets a phase of its own.
    const targets: Target[] = reference ? ['ours-socketio', 'reference'] : ['ours-socketio'];
    const runs = await phase(`propagation: ${rooms} rooms, ${targets.join(' vs ')}`, () => propagationPhase(ctx, targets, rooms));
    const yws = config.yws ? await phase(`propagation: ${rooms} rooms, ours (/yjs)`, () => propagationPhase(ctx, ['ours-yws'], rooms)) : null;
    const oursRun = runs?.get('ours-socketio');
    if (!oursRun) continue;
    const referenceRun = runs?.get('reference') ?? null;
    const ratio = referenceRun && referenceRun.propagationMs.p99 > 0 ? round(oursRun.propagationMs.p99 / referenceRun.propagationMs.p99, 2) : null;
    propagation.push({ rooms, ours: oursRun, yws: yws?.get('ours-yws') ?? null, reference: referenceRun, p99Ratio: ratio });
  }

  const confirmation = config.phases.has('confirmation') && config.ackRooms > 0 ? await phase(`durable confirmation at ${config.ackRate} updates/s`, () => confirmationPhase(ctx)) : null;
  const scaleOut = config.phases.has('scale-out') ? await phase(`scale-out: ${config.rooms[0] ?? 200} rooms over several processes`, () => scaleOutPhase(config, ourScript, serverEnv)) : null;
  const coldLoad = config.phases.has('cold') && config.coldUpdates > 0 && config.coldReps > 0 ? await phase(`cold load of a ${config.coldUpdates}-update document`, () => coldLoadPhase(ctx)) : null;
  const historyWorkspace = historyDocs > 0 ? people.workspaces[loadRooms + coldDocs] : undefined;
  const history = historyWorkspace && config.coldUpdates > 0 ? await phase(`history of a ${config.coldUpdates}-update document`, () => historyPhase(ctx, historyWorkspace)) : null;
  const exportWorkspace = exportDocs > 0 ? people.workspaces[loadRooms + coldDocs + historyDocs] : undefined;
  const exported = exportWorkspace ? await phase('export of a year of weekly sessions', () => exportPhase(ctx, exportWorkspace)) : null;
  // Last: it kills our server.
  const coldLoadAfterKill = config.phases.has('crash') && config.crashDocs > 0 && config.coldUpdates > 0 ? await phase('cold load after SIGKILL', () => crashLoadPhase(ctx)) : null;

  const partial: Omit<BenchResults, 'targets'> = {
    startedAt: startedAt.toISOString(),
    quick: config.quick,
    db: db.kind,
    cpus: availableParallelism(),
    node: process.version,
    loadAverageAtStart,
    config: { ...config, phases: [...config.phases], databaseUrl: undefined },
    setup: { workspaces: loadRooms + coldDocs + historyDocs + exportDocs, setupS },
    propagation,
    confirmation,
    scaleOut,
    coldLoad,
    coldLoadAfterKill,
    history,
    exported,
    memory,
    stallsMs: ctx.stalls,
    serverProblems: ourRuns.flatMap((run) => run.problems).slice(0, 20),
    errors,
    totalS: round((performance.now() - started) / 1000, 0),
  };
  if (aborting) return 130;
  const results: BenchResults = { ...partial, targets: checkTargets(partial, config) };
  console.log('');
  console.log(formatReport(results));
  console.log(`BENCH_JSON ${JSON.stringify(results)}`);
  return errors.length > 0 ? 1 : 0;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  if (!aborting) console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  await cleanup();
  clearTimeout(watchdog);
}
process.exit(exitCode);
