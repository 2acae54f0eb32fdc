import { addGoal, getGoals, seedRoadmap } from '@alliance/shared';
import * as Y from 'yjs';
import { REMOTE, type DocLink } from './clients.js';
import type { MachineLoad } from './machine.js';
import type { GcPauses } from '../src/routes/metrics.js';
import type { ServerMetrics } from './metrics-probe.js';
import { Samples, round, type LatencySummary } from './stats.js';

interface PendingEdit {
  /** The sender's clock after the edit: the peer has it once its state reaches this. */
  clockEnd: number;
  sentAt: number;
  measured: boolean;
}

/** Sent edits a peer has not seen yet, oldest first. */
class EditQueue {
  private items: PendingEdit[] = [];
  private head = 0;
  push(edit: PendingEdit): void {
    this.items.push(edit);
  }
  peek(): PendingEdit | undefined {
    return this.items[this.head];
  }
  shift(): void {
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
  get size(): number {
    return this.items.length - this.head;
  }
  countMeasured(): number {
    let n = 0;
    for (let i = this.head; i < this.items.length; i++) if (this.items[i]?.measured) n++;
    return n;
  }
}

/** What one load phase records; a send counts when it falls inside the measured window. */
export class PhaseRecorder {
  propagation = new Samples();
  /** `propagation` split by sender: the member who joined first (whose process owns the document, with several processes) and the other. */
  fromFirst = new Samples();
  fromSecond = new Samples();
  ack = new Samples();
  readonly ackErrors = new Map<string, number>();
  measuring = false;
  sent = 0;
  acked = 0;
  pendingAcks = 0;
  /** Measured edits not delivered when the last window's drain ended. */
  undelivered = 0;

  /** Everything recorded so far, as a worker thread sends it. */
  state(): RecorderState {
    return {
      sent: this.sent,
      acked: this.acked,
      pendingAcks: this.pendingAcks,
      undelivered: this.undelivered,
      ackErrors: Object.fromEntries(this.ackErrors),
      propagation: this.propagation.toArray(),
      fromFirst: this.fromFirst.toArray(),
      fromSecond: this.fromSecond.toArray(),
      ack: this.ack.toArray(),
    };
  }

  /** One recorder holding what several (one per worker) recorded. */
  static merge(states: RecorderState[]): PhaseRecorder {
    const merged = new PhaseRecorder();
    for (const state of states) {
      merged.sent += state.sent;
      merged.acked += state.acked;
      merged.pendingAcks += state.pendingAcks;
      merged.undelivered += state.undelivered;
      for (const [code, n] of Object.entries(state.ackErrors)) merged.ackErrors.set(code, (merged.ackErrors.get(code) ?? 0) + n);
    }
    merged.propagation = Samples.of(states.map((state) => state.propagation));
    merged.fromFirst = Samples.of(states.map((state) => state.fromFirst));
    merged.fromSecond = Samples.of(states.map((state) => state.fromSecond));
    merged.ack = Samples.of(states.map((state) => state.ack));
    return merged;
  }
}

export interface RecorderState {
  sent: number;
  acked: number;
  pendingAcks: number;
  undelivered: number;
  ackErrors: Record<string, number>;
  propagation: Float64Array;
  fromFirst: Float64Array;
  fromSecond: Float64Array;
  ack: Float64Array;
}

/** Where an edit goes in the roadmap: the first goal's title (bounded so it stays valid). */
function titleOf(doc: Y.Doc): Y.Text | null {
  const goal = getGoals(doc).get(0);
  const title = goal?.get('title');
  return title instanceof Y.Text ? title : null;
}

const TITLE_MAX = 160;

/** One person typing into a shared roadmap: small text inserts stamped with this process's clock. */
export class LoadClient {
  private readonly queue = new EditQueue();
  peer: LoadClient | null = null;
  /** The member who joined second (see pairUp). */
  second = false;
  private editSentAt = 0;
  private editMeasured = false;
  private title: Y.Text | null = null;

  constructor(
    readonly link: DocLink,
    private readonly recorder: PhaseRecorder,
  ) {
    link.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE) return;
      const sentAt = this.editSentAt;
      const measured = this.editMeasured;
      if (link.confirms && measured) recorder.pendingAcks++;
      link.sendUpdate(
        update,
        link.confirms
          ? (ok, code) => {
              if (!measured) return;
              recorder.pendingAcks--;
              if (ok) {
                recorder.acked++;
                recorder.ack.add(performance.now() - sentAt);
              } else {
                recorder.ackErrors.set(code ?? 'unknown', (recorder.ackErrors.get(code ?? 'unknown') ?? 0) + 1);
              }
            }
          : null,
      );
    });
    link.onRemoteUpdate = () => this.seePeerEdits();
  }

  /** Takes from the peer's queue every edit our copy of the document now contains. */
  private seePeerEdits(): void {
    const peer = this.peer;
    if (!peer) return;
    const state = Y.getState(this.link.doc.store, peer.link.doc.clientID);
    const now = performance.now();
    const { recorder } = this;
    for (let edit = peer.queue.peek(); edit && edit.clockEnd <= state; edit = peer.queue.peek()) {
      if (edit.measured) {
        recorder.propagation.add(now - edit.sentAt);
        (peer.second ? recorder.fromSecond : recorder.fromFirst).add(now - edit.sentAt);
      }
      peer.queue.shift();
    }
  }

  /** Types a few characters at the end of the goal's title, trimming its start to keep it short. */
  edit(): void {
    // Looked up once: the goal stays (nobody deletes it), and the lookup is not free.
    const title = (this.title ??= titleOf(this.link.doc));
    if (!title) throw new Error('the room has no goal to type into');
    const { recorder } = this;
    this.editSentAt = performance.now();
    this.editMeasured = recorder.measuring;
    if (recorder.measuring) recorder.sent++;
    this.link.doc.transact(() => {
      if (title.length > TITLE_MAX) title.delete(0, 8);
      title.insert(title.length, 'abc ');
    });
    this.queue.push({ clockEnd: Y.getState(this.link.doc.store, this.link.doc.clientID), sentAt: this.editSentAt, measured: this.editMeasured });
  }

  /** Measured edits of ours the peer has not seen yet. */
  undelivered(): number {
    return this.queue.countMeasured();
  }

  forgetPending(): void {
    while (this.queue.size > 0) this.queue.shift();
  }

  close(): void {
    this.link.close();
  }
}

/** Two clients sharing one room. */
export interface Room {
  a: LoadClient;
  b: LoadClient;
}

export function pairUp(a: LoadClient, b: LoadClient): Room {
  a.peer = b;
  b.peer = a;
  b.second = true;
  return { a, b };
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`${what}: still waiting after ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 20));
  }
}

/**
 * Makes sure the room's roadmap has a goal both clients see. Our server seeds the roadmap when
 * the workspace is created; the reference starts from an empty document, so it is seeded here.
 */
export async function ensureGoal(room: Room): Promise<void> {
  const doc = room.a.link.doc;
  if (!titleOf(doc)) {
    if (!doc.getMap('meta').has('schemaVersion')) seedRoadmap(doc, 'Bench roadmap');
    addGoal(doc, { title: 'Sleep better', proposedBy: 'therapist' });
  }
  await waitUntil(() => titleOf(room.b.link.doc) !== null, 15_000, 'goal reaching the second client');
  room.a.forgetPending();
  room.b.forgetPending();
}

/** After a window, how long late deliveries and confirmations are waited for. */
export const DRAIN_MS = 10_000;

export interface SliceOptions {
  /** Updates per second per client. */
  ratePerClient: number;
  warmupS: number;
  durationS: number;
  /** The server under load (for its event-loop delay, CPU and memory), if it reports them. */
  metricsUrl: string | null;
  /** Further server processes under the same load (several processes): their CPU counts too. */
  alsoCpuOf?: string[];
  /** After the window, wait at most this long for late deliveries and confirmations. */
  drainMs?: number;
  /** Transactions committed so far by the server's database (Postgres statistics), if known. */
  dbCommits?: (() => Promise<number>) | null;
}

/** One measured window of load. */
export interface SliceStats {
  windowS: number;
  /** The server's figures at the end of the window (event-loop delay: over the window). */
  server: ServerMetrics | null;
  serverCpuPct: number | null;
  machine: MachineLoad;
  loadGeneratorDelayMs: { max: number; p99: number };
  dbCommitsPerS: number | null;
}

export interface LoadResult {
  label: string;
  rooms: number;
  clients: number;
  /** Measured seconds (over every slice). */
  durationS: number;
  slices: number;
  /** Updates sent per second in the windows (target: rooms × 2 × rate). */
  sentPerS: number;
  /** Confirmed updates per second in the windows (servers that confirm). */
  ackedPerS: number | null;
  propagationMs: LatencySummary;
  /** The same, by who sent the edit: the member who joined first (see pairUp), and the other. */
  propagationBySenderMs: { first: LatencySummary; second: LatencySummary };
  ackMs: LatencySummary | null;
  /** Measured updates the peer never saw / never confirmed before the last drain ended. */
  undelivered: number;
  unconfirmed: number | null;
  ackErrors: Record<string, number>;
  /** The server's figures at the end; eventLoopDelayMs.max is the max over all windows. */
  server: ServerMetrics | null;
  /** CPU the server under test used in the windows (all its processes), % of one CPU. */
  serverCpuPct: number | null;
  /** Server CPU time per update sent (µs): contention distorts it less than latency. */
  serverCpuUsPerUpdate: number | null;
  machine: MachineLoad;
  /** The load generator's threads' event-loop delay: when it is high, the generator is the bottleneck. */
  loadGeneratorDelayMs: { max: number; p99: number };
  /** Threads the load generator ran the clients in. */
  loadWorkers: number;
  /**
   * Database commits per second in the windows (Postgres statistics, which backends publish
   * about once a second under load: ±1 s of commits per window).
   */
  dbCommitsPerS: number | null;
}

const weighted = (slices: SliceStats[], value: (slice: SliceStats) => number | null): number | null => {
  let sum = 0;
  let weight = 0;
  for (const slice of slices) {
    const v = value(slice);
    if (v === null) return null;
    sum += v * slice.windowS;
    weight += slice.windowS;
  }
  return weight > 0 ? round(sum / weight, 1) : null;
};

/** A kind of garbage-collection pause over all windows (the server's figures restart with each). */
function sumPauses(slices: SliceStats[], kind: 'minor' | 'major'): GcPauses {
  const all = slices.map((slice) => slice.server?.gcPauseMs[kind] ?? { count: 0, totalMs: 0, maxMs: 0 });
  return {
    count: all.reduce((sum, pauses) => sum + pauses.count, 0),
    totalMs: round(all.reduce((sum, pauses) => sum + pauses.totalMs, 0), 1),
    maxMs: Math.max(...all.map((pauses) => pauses.maxMs)),
  };
}

/** The figures of one load over all its windows. */
export function summarizeLoad(label: string, rooms: number, loadWorkers: number, confirms: boolean, recorder: PhaseRecorder, slices: SliceStats[]): LoadResult {
  const windowS = slices.reduce((sum, slice) => sum + slice.windowS, 0);
  const serverCpuPct = weighted(slices, (slice) => slice.serverCpuPct);
  const last = slices[slices.length - 1];
  const server = last?.server
    ? {
        ...last.server,
        eventLoopDelayMs: { ...last.server.eventLoopDelayMs, max: Math.max(...slices.map((slice) => slice.server?.eventLoopDelayMs.max ?? 0)) },
        gcPauseMs: { minor: sumPauses(slices, 'minor'), major: sumPauses(slices, 'major') },
      }
    : null;
  return {
    label,
    rooms,
    clients: rooms * 2,
    durationS: round(windowS, 1),
    slices: slices.length,
    sentPerS: round(recorder.sent / windowS, 1),
    ackedPerS: confirms ? round(recorder.acked / windowS, 1) : null,
    propagationMs: recorder.propagation.summary(),
    propagationBySenderMs: { first: recorder.fromFirst.summary(), second: recorder.fromSecond.summary() },
    ackMs: confirms ? recorder.ack.summary() : null,
    undelivered: recorder.undelivered,
    unconfirmed: confirms ? recorder.pendingAcks : null,
    ackErrors: Object.fromEntries(recorder.ackErrors),
    server,
    serverCpuPct,
    serverCpuUsPerUpdate: serverCpuPct === null || recorder.sent === 0 ? null : round(((serverCpuPct / 100) * windowS * 1e6) / recorder.sent, 0),
    machine: {
      machineBusyPct: weighted(slices, (slice) => slice.machine.machineBusyPct),
      cpuPressurePct: weighted(slices, (slice) => slice.machine.cpuPressurePct),
      loadGeneratorCpuPct: weighted(slices, (slice) => slice.machine.loadGeneratorCpuPct) ?? 0,
    },
    loadGeneratorDelayMs: {
      max: Math.max(...slices.map((slice) => slice.loadGeneratorDelayMs.max)),
      p99: Math.max(...slices.map((slice) => slice.loadGeneratorDelayMs.p99)),
    },
    loadWorkers,
    dbCommitsPerS: weighted(slices, (slice) => slice.dbCommitsPerS),
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
