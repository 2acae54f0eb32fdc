import { addGoal, addStep, getGoals, goalList, setStepDone, type DocKey } from '@alliance/shared';
import * as Y from 'yjs';
import { mapConcurrent, type ApiClient, type BenchWorkspace } from './api-client.js';
import { REMOTE, SocketIoSession, type DocLink, type LinkSpec } from './clients.js';
import { loadWorkersFor, type BenchConfig } from './config.js';
import { sleep, type LoadResult, type SliceStats } from './load.js';
import { LoadGroup } from './load-pool.js';
import { collectGarbage, fetchMetrics, resetMetrics, waitForRoomsClosed } from './metrics-probe.js';
import type { BenchDatabase, ChildServer } from './processes.js';
import { median, round } from './stats.js';

export interface BenchContext {
  config: BenchConfig;
  database: BenchDatabase;
  ours: ChildServer;
  reference: ChildServer | null;
  therapist: ApiClient;
  client: ApiClient;
  /** Workspaces the load and memory phases use (the first R of them for R rooms). */
  workspaces: BenchWorkspace[];
  /** Workspaces for the cold-load documents, one each. */
  coldWorkspaces: BenchWorkspace[];
  /** Max event-loop delay of our server per phase (ms). */
  stalls: Record<string, number>;
  /** Restarts our server on the same database (after a SIGKILL). */
  restartOurs(): Promise<ChildServer>;
}

export type Target = 'ours-socketio' | 'ours-yws' | 'reference';

const wsUrl = (httpUrl: string) => httpUrl.replace(/^http/, 'ws');

/** Opens R rooms with two clients each on the given server, in the load generator's threads. */
export function connectRooms(ctx: BenchContext, target: Target, count: number, ratePerClient: number): Promise<LoadGroup> {
  if (count > ctx.workspaces.length) throw new Error(`only ${ctx.workspaces.length} workspaces were created`);
  const link = (index: number, cookie: string): LinkSpec => {
    const workspaceId = ctx.workspaces[index]!.id;
    if (target === 'ours-socketio') return { transport: 'socketio', url: ctx.ours.url, cookie, workspaceId };
    if (target === 'reference') return { transport: 'y-websocket', url: `${wsUrl(ctx.reference!.url)}/bench-room-${index}`, cookie: null };
    return { transport: 'y-websocket', url: `${wsUrl(ctx.ours.url)}/yjs/${workspaceId}/roadmap`, cookie };
  };
  const rooms = Array.from({ length: count }, (_, index) => ({ a: link(index, ctx.therapist.cookie), b: link(index, ctx.client.cookie) }));
  return LoadGroup.open(rooms, { workers: loadWorkersFor(ctx.config, count * 2 * ratePerClient), setupConcurrency: ctx.config.setupConcurrency });
}

/** Our server's database commits so far (Postgres only; PGlite lives inside the server). */
function dbCommitsOf(ctx: BenchContext, target: Target): (() => Promise<number>) | null {
  if (target === 'reference' || ctx.database.kind !== 'postgres') return null;
  return async () => {
    const rows = await ctx.database.query<{ commits: string }>('select xact_commit as commits from pg_stat_database where datname = current_database()');
    return Number(rows[0]?.commits ?? Number.NaN);
  };
}

function metricsUrlOf(ctx: BenchContext, target: Target): string | null {
  if (target === 'reference') return ctx.reference?.url ?? null;
  return ctx.ours.url;
}

/** Waits until our server has unloaded every room (checkpoints written) before the next phase. */
async function settle(ctx: BenchContext, target: Target): Promise<void> {
  if (target !== 'reference') await waitForRoomsClosed(ctx.ours.url);
  await sleep(500);
}

export type PropagationRun = LoadResult & {
  connectMs: number;
  connectStallMs: number | null;
  /** Our server: RSS / heap growth per room with its two connections, after full GCs. */
  perRoomWithClientsKB: { rss: number; heap: number } | null;
};

interface Contender {
  target: Target;
  connected: LoadGroup;
  slices: SliceStats[];
  connectStallMs: number | null;
  perRoomWithClientsKB: PropagationRun['perRoomWithClientsKB'];
}

/**
 * Edit propagation at R rooms × 2 clients × rate, p50/p99 from the sender to the other client,
 * for each target with the same load. All targets stay connected and take turns in windows
 * (A B B A …) so drifting background load on a shared machine hits them alike.
 */
export async function propagationPhase(ctx: BenchContext, targets: Target[], count: number): Promise<Map<Target, PropagationRun>> {
  const contenders: Contender[] = [];
  try {
    for (const target of targets) {
      const metricsUrl = metricsUrlOf(ctx, target);
      const measureMemory = target === 'ours-socketio';
      if (measureMemory) await collectGarbage(ctx.ours.url);
      const idle = measureMemory ? await fetchMetrics(ctx.ours.url) : null;
      if (metricsUrl) await resetMetrics(metricsUrl);
      const connected = await connectRooms(ctx, target, count, ctx.config.ratePerClient);
      const contender: Contender = { target, connected, slices: [], connectStallMs: null, perRoomWithClientsKB: null };
      contenders.push(contender);
      contender.connectStallMs = metricsUrl ? (await fetchMetrics(metricsUrl)).eventLoopDelayMs.max : null;
      if (target !== 'reference' && contender.connectStallMs !== null) ctx.stalls[`joining ${count} rooms (${target})`] = contender.connectStallMs;
      if (idle) {
        await collectGarbage(ctx.ours.url);
        const loaded = await fetchMetrics(ctx.ours.url);
        contender.perRoomWithClientsKB = {
          rss: round((loaded.memory.rss - idle.memory.rss) / count / 1024, 1),
          heap: round((loaded.memory.heapUsed - idle.memory.heapUsed) / count / 1024, 1),
        };
      }
    }
    const { slices, durationS, warmupS, ratePerClient } = ctx.config;
    for (let slice = 0; slice < slices; slice++) {
      const order = slice % 2 === 0 ? contenders : [...contenders].reverse();
      for (const contender of order) {
        const stats = await contender.connected.runSlice({
          ratePerClient,
          warmupS,
          durationS: durationS / slices,
          metricsUrl: metricsUrlOf(ctx, contender.target),
          dbCommits: dbCommitsOf(ctx, contender.target),
        });
        contender.slices.push(stats);
      }
    }
    const runs = new Map<Target, PropagationRun>();
    for (const contender of contenders) {
      const { connectMs } = contender.connected;
      const result = contender.connected.summarize(`${contender.target} R=${count}`, contender.slices);
      if (contender.target !== 'reference' && result.server) ctx.stalls[`propagation R=${count} (${contender.target})`] = result.server.eventLoopDelayMs.max;
      runs.set(contender.target, { ...result, connectMs, connectStallMs: contender.connectStallMs, perRoomWithClientsKB: contender.perRoomWithClientsKB });
    }
    return runs;
  } finally {
    for (const contender of contenders) await contender.connected.close();
    for (const target of targets) await settle(ctx, target);
  }
}

/** Durable confirmation: client-side send → ack of our server at a fixed total rate. */
export async function confirmationPhase(ctx: BenchContext): Promise<LoadResult> {
  const { ackRooms, ackRate, warmupS, ackDurationS } = ctx.config;
  const ratePerClient = ackRate / (2 * ackRooms);
  const connected = await connectRooms(ctx, 'ours-socketio', ackRooms, ratePerClient);
  try {
    const stats = await connected.runSlice({ ratePerClient, warmupS, durationS: ackDurationS, metricsUrl: ctx.ours.url, dbCommits: dbCommitsOf(ctx, 'ours-socketio') });
    const result = connected.summarize(`confirmation ${ackRate}/s`, [stats]);
    if (result.server) ctx.stalls[`confirmation ${ackRate}/s`] = result.server.eventLoopDelayMs.max;
    return result;
  } finally {
    await connected.close();
    await settle(ctx, 'ours-socketio');
  }
}

export interface MemoryResult {
  rooms: number;
  docsPerConnection: number;
  openRooms: number | null;
  rssPerRoomKB: number;
  heapPerRoomKB: number;
  rssBeforeMB: number;
  rssAfterMB: number;
  gcAvailable: boolean;
}

/** Our server lets one socket hold this many documents (a page needs three). */
const DOCS_PER_SOCKET = 16;

/**
 * Memory per open document: N small documents joined over as few connections as the server
 * allows (so connection cost is mostly not counted per document); RSS and heap after a full
 * GC, before and after.
 */
export async function memoryPhase(ctx: BenchContext): Promise<MemoryResult> {
  const count = Math.min(ctx.config.memoryRooms, ctx.workspaces.length);
  const url = ctx.ours.url;
  const sessions: SocketIoSession[] = [];
  const openDocs = async (from: number, to: number) => {
    const batches = Math.ceil((to - from) / DOCS_PER_SOCKET);
    await mapConcurrent(batches, ctx.config.setupConcurrency, async (batch) => {
      const session = await SocketIoSession.connect(url, ctx.therapist.cookie);
      sessions.push(session);
      for (let i = from + batch * DOCS_PER_SOCKET; i < Math.min(to, from + (batch + 1) * DOCS_PER_SOCKET); i++) await session.join(ctx.workspaces[i]!.id);
    });
  };
  const closeAll = () => {
    for (const session of sessions.splice(0)) session.close();
  };
  try {
    // Warm up the code paths (JIT, pools) so the baseline is not the cold process.
    await openDocs(0, Math.min(64, count));
    closeAll();
    await waitForRoomsClosed(url);
    const gcAvailable = await collectGarbage(url);
    const before = await fetchMetrics(url);
    await openDocs(0, count);
    await sleep(1_000); // let deferred work after the joins (timers, audit writes) run
    await collectGarbage(url);
    const after = await fetchMetrics(url);
    return {
      rooms: count,
      docsPerConnection: DOCS_PER_SOCKET,
      openRooms: after.openRooms,
      rssPerRoomKB: round((after.memory.rss - before.memory.rss) / count / 1024, 1),
      heapPerRoomKB: round((after.memory.heapUsed - before.memory.heapUsed) / count / 1024, 1),
      rssBeforeMB: round(before.memory.rss / 2 ** 20, 1),
      rssAfterMB: round(after.memory.rss / 2 ** 20, 1),
      gcAvailable,
    };
  } finally {
    closeAll();
    await settle(ctx, 'ours-socketio');
  }
}

/** Appends a few characters to the first goal's "why": someone typing a paragraph. */
function typeInWhy(doc: Y.Doc, index: number): void {
  const why = getGoals(doc).get(0)?.get('why');
  if (!(why instanceof Y.Text)) throw new Error('no goal to type into');
  doc.transact(() => {
    if (index % 20 === 19) why.delete(why.length - 1, 1);
    else why.insert(why.length, index % 5 === 4 ? ' ' : 'ab');
  });
}

interface WrittenDoc {
  workspaceId: string;
  writerClientId: number;
  /** The writer's clock once every update was confirmed: a full load must reach it. */
  expectedClock: number;
  /** Updates typed (the goal, if added, comes on top). */
  updates: number;
  session: SocketIoSession;
  key: DocKey;
}

/**
 * Pushes `updates` small updates through a room, `window` in flight, each confirmed. With
 * `minTail` (Postgres only), keeps typing until at least that many logged updates follow the
 * latest checkpoint, so a load after a crash has a tail to replay.
 */
async function writeHistory(ctx: BenchContext, workspaceId: string, updates: number, minTail = 0, edit: (doc: Y.Doc, index: number) => void = typeInWhy): Promise<WrittenDoc> {
  const session = await SocketIoSession.connect(ctx.ours.url, ctx.therapist.cookie);
  const link = await session.join(workspaceId);
  const doc = link.doc;
  const window = 64;
  let inFlight = 0;
  let typed = 0;
  let failed: string | null = null;
  let wake: (() => void) | null = null;
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin === REMOTE) return;
    inFlight++;
    link.sendUpdate(update, (ok, code) => {
      inFlight--;
      if (!ok) failed ??= code ?? 'unknown';
      wake?.();
    });
  });
  const push = async (count: number) => {
    for (let i = 0; i < count; i++) {
      while (inFlight >= window) {
        const confirmed = await new Promise<boolean>((done) => {
          const timer = setTimeout(() => done(false), 30_000);
          wake = () => {
            clearTimeout(timer);
            done(true);
          };
        });
        if (!confirmed) throw new Error(`no confirmation for 30 s while building history (${inFlight} in flight)`);
      }
      if (failed) throw new Error(`update refused while building history: ${failed}`);
      edit(doc, typed++);
    }
    const deadline = performance.now() + 30_000;
    while (inFlight > 0 && performance.now() < deadline) await sleep(10);
    if (inFlight > 0 || failed) throw new Error(`history not confirmed: ${inFlight} pending, ${failed ?? 'no'} error`);
  };
  if (!getGoals(doc).get(0)) addGoal(doc, { title: 'Walk every day', proposedBy: 'therapist' });
  await push(updates);
  for (let round = 0; minTail > 0 && ctx.database.kind === 'postgres' && round < 20; round++) {
    const tail = (await storedHistory(ctx, workspaceId))?.tail ?? minTail;
    if (tail >= minTail) break;
    await push(Math.min(50, minTail - tail));
  }
  return { workspaceId, writerClientId: doc.clientID, expectedClock: Y.getState(doc.store, doc.clientID), updates: typed, session, key: link.key };
}

/** Goals of the large roadmap compare is timed on, each with this many steps, and the changes made between its two versions. */
const LARGE_ROADMAP = { goals: 50, steps: 5, changes: 1_000 };

/** Adds one goal of the large roadmap, with its steps, in one update. */
function addLargeGoal(doc: Y.Doc, index: number): void {
  doc.transact(() => {
    const goal = addGoal(doc, { title: `Goal ${index}: a small step every week`, why: 'Because it matters', proposedBy: 'therapist' });
    for (let step = 0; step < LARGE_ROADMAP.steps; step++) addStep(goal, `Step ${step + 1} of goal ${index}`);
  });
}

/** One of many changes spread over the large roadmap: titles and whys reworded, steps ticked and added, attainment moved, goals replaced. */
function changeLargeRoadmap(doc: Y.Doc, index: number): void {
  const goals = getGoals(doc);
  const goal = goals.get(1 + (index % (goals.length - 1)));
  doc.transact(() => {
    const steps = goalList(goal, 'steps');
    switch (index % 5) {
      case 0:
        return (goal.get('title') as Y.Text).insert(0, 'now ');
      case 1: {
        const step = steps?.get(index % steps.length);
        return step && setStepDone(step, step.get('done') !== true, 'therapist');
      }
      case 2:
        return (goal.get('why') as Y.Text).insert(0, 'really ');
      case 3:
        return goal.set('attainment', (Math.floor(index / 5) % 5) - 2);
      default:
        if (index % 100 !== 4) return void addStep(goal, `One more, ${index}`);
        goals.delete(1, 1);
        addLargeGoal(doc, index);
    }
  });
}

/**
 * Compare on a large roadmap: its goals (with their steps) written and saved as a version, many
 * changes across it, a second version, then GET …/compare between the two, timed.
 */
async function timeCompare(ctx: BenchContext, workspaceId: string): Promise<Pick<HistoryResult, 'compared' | 'compareMs'>> {
  const save = (label: string) => ctx.therapist.post<{ id: string; upToSeq: number }>(`/api/workspaces/${workspaceId}/docs/roadmap/versions`, { label });
  (await writeHistory(ctx, workspaceId, LARGE_ROADMAP.goals, 0, addLargeGoal)).session.close();
  const from = await save('Large roadmap');
  (await writeHistory(ctx, workspaceId, LARGE_ROADMAP.changes, 0, changeLargeRoadmap)).session.close();
  const to = await save('Large roadmap, changed');
  const url = `${ctx.ours.url}/api/workspaces/${workspaceId}/docs/roadmap/compare?from=${from.id}&to=${to.id}`;
  const headers = { cookie: ctx.therapist.cookie };
  await timed(() => fetch(url, { headers })); // the first, warming up
  const samples: number[] = [];
  for (let index = 0; index < 20; index++) samples.push(await timed(() => fetch(url, { headers })));
  return { compared: { goals: LARGE_ROADMAP.goals + 1, updates: to.upToSeq - from.upToSeq }, compareMs: spread(samples) };
}

/** Joins with a fresh connection; the time from doc:join to the first sync being applied. */
async function timeColdJoin(url: string, cookie: string, written: WrittenDoc): Promise<{ ms: number; complete: boolean; bytes: number }> {
  const session = await SocketIoSession.connect(url, cookie);
  try {
    const started = performance.now();
    const link = await session.join(written.workspaceId);
    const ms = performance.now() - started;
    const complete = Y.getState(link.doc.store, written.writerClientId) >= written.expectedClock;
    return { ms: round(ms, 2), complete, bytes: Y.encodeStateAsUpdate(link.doc).byteLength };
  } finally {
    session.close();
  }
}

/** Tries `join` again while the server answers LOAD_FAILED (a lease a killed process held), for up to 30 s. */
async function joinOnceLeasesRanOut<T>(join: () => Promise<T>): Promise<T> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    try {
      return await join();
    } catch (error) {
      if (!(error instanceof Error && error.message.includes('LOAD_FAILED')) || performance.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

async function storedHistory(ctx: BenchContext, workspaceId: string): Promise<{ loggedUpdates: number; checkpoints: number; tail: number } | null> {
  if (ctx.database.kind !== 'postgres') return null;
  const rows = await ctx.database.query<{ logged: string; checkpoints: string; tail: string }>(
    `select
       (select count(*) from doc_updates u where u.document_id = d.id) as logged,
       (select count(*) from doc_checkpoints c where c.document_id = d.id) as checkpoints,
       (select count(*) from doc_updates u where u.document_id = d.id
          and u.seq > coalesce((select max(up_to_seq) from doc_checkpoints c where c.document_id = d.id), 0)) as tail
     from documents d where d.workspace_id = $1 and d.name = 'roadmap'`,
    [workspaceId],
  );
  const row = rows[0];
  return row ? { loggedUpdates: Number(row.logged), checkpoints: Number(row.checkpoints), tail: Number(row.tail) } : null;
}

export interface ColdLoadResult {
  updates: number;
  buildS: number;
  buildUpdatesPerS: number;
  samplesMs: number[];
  medianMs: number;
  maxMs: number;
  /** Every load contained all confirmed updates. */
  complete: boolean;
  docBytes: number;
  stored: { loggedUpdates: number; checkpoints: number; tail: number } | null;
  /** Rooms still open when a load started (null: the server cannot tell). */
  unloaded: boolean | null;
}

/** Cold load of a document with N logged updates, after its room was unloaded, several times. */
export async function coldLoadPhase(ctx: BenchContext): Promise<ColdLoadResult> {
  const { coldUpdates, coldReps } = ctx.config;
  const workspace = ctx.coldWorkspaces[0]!;
  const built = performance.now();
  const written = await writeHistory(ctx, workspace.id, coldUpdates);
  const buildS = (performance.now() - built) / 1000;
  written.session.close();
  let unloaded: boolean | null = true;
  const samples: number[] = [];
  let complete = true;
  let docBytes = 0;
  await resetMetrics(ctx.ours.url);
  for (let rep = 0; rep < coldReps; rep++) {
    const state = await waitForRoomsClosed(ctx.ours.url);
    if (state.open === null) unloaded = null;
    else if (!state.closed) unloaded = false;
    const load = await timeColdJoin(ctx.ours.url, ctx.therapist.cookie, written);
    samples.push(load.ms);
    complete &&= load.complete;
    docBytes = load.bytes;
  }
  ctx.stalls['cold loads'] = (await fetchMetrics(ctx.ours.url)).eventLoopDelayMs.max;
  const stored = await storedHistory(ctx, workspace.id);
  await settle(ctx, 'ours-socketio');
  return {
    updates: coldUpdates,
    buildS: round(buildS, 1),
    buildUpdatesPerS: round(coldUpdates / buildS, 0),
    samplesMs: samples,
    medianMs: round(median(samples), 2),
    maxMs: round(Math.max(...samples), 2),
    complete,
    docBytes,
    stored,
    unloaded,
  };
}

export interface CrashLoadResult {
  /** Measured documents (one more was loaded first, to warm the new process up). */
  docs: number;
  /** The warm-up load: the first document load of the restarted process (not in the figures). */
  firstLoadMs: number;
  updates: number;
  samplesMs: number[];
  medianMs: number;
  maxMs: number;
  /** Every confirmed update was there after the SIGKILL. */
  durable: boolean;
  /** Log rows after each document's latest checkpoint, as the crash left them (warm-up first). */
  tails: number[] | null;
  restartMs: number;
}

/**
 * Confirmed means durable: write histories, keep the rooms open, SIGKILL the server (no
 * unload checkpoint), restart it on the same database and cold-load each document once —
 * checkpoint plus whatever tail the crash left.
 */
export async function crashLoadPhase(ctx: BenchContext): Promise<CrashLoadResult> {
  // One more document than measured: a fresh process runs its code paths cold (module init,
  // JIT, first queries), so the first load after the restart warms them and is not counted.
  const docs = ctx.coldWorkspaces.slice(1, 2 + ctx.config.crashDocs);
  // At least 300 logged updates after the latest checkpoint (checkpoints come every 500), so
  // the load replays a tail.
  const written = await Promise.all(docs.map((workspace) => writeHistory(ctx, workspace.id, ctx.config.coldUpdates, 300)));
  await ctx.ours.kill();
  for (const doc of written) doc.session.close();
  const restarted = performance.now();
  const ours = await ctx.restartOurs();
  const restartMs = round(performance.now() - restarted, 0);
  // The tails as the crash left them (a load and unload would checkpoint them away).
  let tails: number[] | null = null;
  if (ctx.database.kind === 'postgres') {
    tails = [];
    for (const doc of written) tails.push((await storedHistory(ctx, doc.workspaceId))?.tail ?? -1);
  }
  const samples: number[] = [];
  let firstLoadMs = 0;
  let durable = true;
  for (const [index, doc] of written.entries()) {
    if (index === 1) await resetMetrics(ours.url);
    // The killed process still holds the documents' leases until they run out: the first
    // (uncounted) load waits for that as the web app does, joining again while it is refused.
    const load = index === 0 ? await joinOnceLeasesRanOut(() => timeColdJoin(ours.url, ctx.therapist.cookie, doc)) : await timeColdJoin(ours.url, ctx.therapist.cookie, doc);
    if (index === 0) firstLoadMs = load.ms;
    else samples.push(load.ms);
    durable &&= load.complete;
  }
  ctx.stalls['cold loads after SIGKILL'] = (await fetchMetrics(ours.url)).eventLoopDelayMs.max;
  return {
    docs: samples.length,
    updates: Math.min(...written.map((doc) => doc.updates)),
    firstLoadMs,
    samplesMs: samples,
    medianMs: round(median(samples), 2),
    maxMs: round(Math.max(...samples), 2),
    durable,
    tails,
    restartMs,
  };
}

export interface HistoryResult {
  updates: number;
  /** GET …/state?seq=N at random points of the history (HTTP round trip, ms). */
  stateMs: { samples: number; median: number; max: number };
  versions: number;
  /** GET …/versions with that many versions (ms). */
  versionListMs: { samples: number; median: number; max: number };
  /** The large roadmap compared: its goals, and the updates between the two versions. */
  compared: { goals: number; updates: number };
  /** GET …/compare between the two versions (ms). */
  compareMs: { samples: number; median: number; max: number };
}

function spread(samples: number[]): { samples: number; median: number; max: number } {
  return { samples: samples.length, median: round(median(samples), 2), max: round(Math.max(...samples), 2) };
}

async function timed(run: () => Promise<Response>): Promise<number> {
  const started = performance.now();
  const response = await run();
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`history request answered ${response.status}`);
  return performance.now() - started;
}

/**
 * Looking back: a document with a long history (`BENCH_COLD_UPDATES` updates), the state at
 * random points of it (what the replay slider asks for), and its list of versions once it has
 * `BENCH_HISTORY_VERSIONS` of them.
 */
export async function historyPhase(ctx: BenchContext, workspace: BenchWorkspace): Promise<HistoryResult> {
  const written = await writeHistory(ctx, workspace.id, ctx.config.coldUpdates);
  written.session.close();
  const base = `${ctx.ours.url}/api/workspaces/${workspace.id}/docs/roadmap`;
  const headers = { cookie: ctx.therapist.cookie };
  const last = written.updates + 1;
  const stateSamples: number[] = [];
  for (let index = 0; index < 40; index++) {
    const seq = 1 + Math.floor(Math.random() * last);
    stateSamples.push(await timed(() => fetch(`${base}/state?seq=${seq}`, { headers })));
  }
  const versions = ctx.config.historyVersions;
  await mapConcurrent(versions, 8, (index) => ctx.therapist.post(`/api/workspaces/${workspace.id}/docs/roadmap/versions`, { label: `Version ${index}` }));
  const listSamples: number[] = [];
  for (let index = 0; index < 10; index++) listSamples.push(await timed(() => fetch(`${base}/versions`, { headers })));
  const compare = await timeCompare(ctx, workspace.id);
  ctx.stalls['history'] = (await fetchMetrics(ctx.ours.url)).eventLoopDelayMs.max;
  return { updates: written.updates, stateMs: spread(stateSamples), versions, versionListMs: spread(listSamples), ...compare };
}

export interface ExportResult {
  sessions: number;
  /** Logged changes of the roadmap (a few dozen per session). */
  changes: number;
  /** Versions of the roadmap (each session's, and any automatic ones). */
  versions: number;
  /** Size of the client's files (KB). */
  jsonKB: number;
  markdownKB: number;
  /** GET …/export?format=json and ?format=md as the client (HTTP round trip, ms). */
  jsonMs: { samples: number; median: number; max: number };
  markdownMs: { samples: number; median: number; max: number };
}

/** Sends one roadmap change and waits until the server confirms it is stored. */
function sendConfirmed(link: DocLink, change: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const onUpdate = (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE) return;
      link.doc.off('update', onUpdate);
      link.sendUpdate(update, (ok, code) => (ok ? resolve() : reject(new Error(`update refused while building the year: ${code ?? 'unknown'}`))));
    };
    link.doc.on('update', onUpdate);
    change();
  });
}

async function timedExport(url: string, cookie: string): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const response = await fetch(url, { headers: { cookie } });
  const body = await response.arrayBuffer();
  if (!response.ok) throw new Error(`export answered ${response.status}`);
  return { ms: performance.now() - started, bytes: body.byteLength };
}

const EXPORT_SESSIONS = 52;
const EXPORT_CHANGES_PER_SESSION = 36;
const EXPORT_REPS = 10;

/**
 * A year of weekly sessions — 52 sessions, each with a few dozen roadmap changes and its
 * versions — then the client's export of it, as JSON and as Markdown: the whole file read
 * back each time.
 */
export async function exportPhase(ctx: BenchContext, workspace: BenchWorkspace): Promise<ExportResult> {
  const session = await SocketIoSession.connect(ctx.ours.url, ctx.client.cookie);
  let typed = 0;
  try {
    const link = await session.join(workspace.id);
    if (!getGoals(link.doc).get(0)) await sendConfirmed(link, () => addGoal(link.doc, { title: 'Walk every day', proposedBy: 'client' }));
    for (let week = 0; week < EXPORT_SESSIONS; week++) {
      await ctx.therapist.post(`/api/workspaces/${workspace.id}/sessions`);
      for (let change = 0; change < EXPORT_CHANGES_PER_SESSION; change++) await sendConfirmed(link, () => typeInWhy(link.doc, typed++));
      await ctx.therapist.post(`/api/workspaces/${workspace.id}/sessions/current/end`, { timeZone: 'UTC' });
    }
  } finally {
    session.close();
  }
  const base = `${ctx.ours.url}/api/workspaces/${workspace.id}/export`;
  // The stall figure is the exports' own, not building the year's.
  await resetMetrics(ctx.ours.url);
  const json: { ms: number; bytes: number }[] = [];
  const markdown: { ms: number; bytes: number }[] = [];
  for (let rep = 0; rep < EXPORT_REPS; rep++) {
    json.push(await timedExport(`${base}?format=json`, ctx.client.cookie));
    markdown.push(await timedExport(`${base}?format=md`, ctx.client.cookie));
  }
  const versions = await ctx.client.get<unknown[]>(`/api/workspaces/${workspace.id}/docs/roadmap/versions`);
  ctx.stalls['export'] = (await fetchMetrics(ctx.ours.url)).eventLoopDelayMs.max;
  return {
    sessions: EXPORT_SESSIONS,
    changes: typed + 1,
    versions: versions.length,
    jsonKB: round(json.at(-1)!.bytes / 1024, 1),
    markdownKB: round(markdown.at(-1)!.bytes / 1024, 1),
    jsonMs: spread(json.map((sample) => sample.ms)),
    markdownMs: spread(markdown.map((sample) => sample.ms)),
  };
}
