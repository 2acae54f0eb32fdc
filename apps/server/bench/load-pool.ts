import { Worker } from 'node:worker_threads';
import type { LinkSpec } from './clients.js';
import { DRAIN_MS, PhaseRecorder, sleep, summarizeLoad, type LoadResult, type RecorderState, type SliceOptions, type SliceStats } from './load.js';
import { machineLoadBetween, sampleMachine, serverCpuPct } from './machine.js';
import { fetchMetrics, resetMetrics } from './metrics-probe.js';
import { round } from './stats.js';

/** One room: its two members' connections, opened in this order. */
export interface RoomSpec {
  a: LinkSpec;
  b: LinkSpec;
}

/** What the main thread asks a load worker (`load-worker.ts`) to do. */
type LoadRequest =
  | { type: 'open'; rooms: RoomSpec[]; concurrency: number }
  | { type: 'start'; ratePerClient: number; phase: number }
  | { type: 'measure'; on: boolean }
  | { type: 'stop'; drainMs: number }
  | { type: 'close' };

export type LoadCommand = LoadRequest & { id: number };

export type LoadReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string };

/** A worker's account of the load so far, when the load stops. */
export interface StopReport {
  recorder: RecorderState;
  /** The worker's event-loop delay in the measured window. */
  loopDelayMs: { max: number; p99: number };
  /** The first edit that failed since the last report. */
  failure: string | null;
}

// The bench runs under tsx; a worker thread needs tsx's loader registered before it imports TypeScript.
const BOOTSTRAP = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(new URL('./load-worker.ts', import.meta.url).href)}); })`;

/** One worker thread with request/reply over its message port. */
class LoadWorker {
  private readonly worker = new Worker(BOOTSTRAP, { eval: true });
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private ended: Error | null = null;

  constructor() {
    this.worker.on('message', (reply: LoadReply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.ok) waiting?.resolve(reply.value);
      else waiting?.reject(new Error(`load worker: ${reply.message}`));
    });
    this.worker.on('error', (error) => this.end(error));
    this.worker.on('exit', (code) => this.end(new Error(`load worker exited with code ${code}`)));
  }

  private end(error: Error): void {
    this.ended ??= error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }

  request<T>(command: LoadRequest): Promise<T> {
    if (this.ended) return Promise.reject(this.ended);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ ...command, id });
    });
  }

  async terminate(): Promise<void> {
    this.ended ??= new Error('load worker terminated');
    await this.worker.terminate();
  }
}

/**
 * Rooms of load-generating clients spread over worker threads, so that at 1,000 rooms the
 * generator is not what the figures measure. Each room's two clients share a thread; rooms go
 * round-robin to the threads. Each thread reports its own event-loop delay: the
 * "gen stall" next to every figure.
 */
export class LoadGroup {
  /** Everything the workers recorded, as of the end of the last slice. */
  recorder = new PhaseRecorder();

  private constructor(
    private readonly workers: LoadWorker[],
    readonly rooms: number,
    /** Whether the server confirms updates (ours over Socket.IO). */
    readonly confirms: boolean,
    readonly connectMs: number,
  ) {}

  static async open(specs: RoomSpec[], options: { workers: number; setupConcurrency: number }): Promise<LoadGroup> {
    const count = Math.max(1, Math.min(options.workers, specs.length));
    const workers = Array.from({ length: count }, () => new LoadWorker());
    const started = performance.now();
    try {
      const concurrency = Math.max(1, Math.ceil(options.setupConcurrency / count));
      await Promise.all(workers.map((worker, w) => worker.request({ type: 'open', rooms: specs.filter((_, index) => index % count === w), concurrency })));
    } catch (error) {
      await Promise.all(workers.map((worker) => worker.terminate()));
      throw error;
    }
    return new LoadGroup(workers, specs.length, specs[0]?.a.transport === 'socketio', round(performance.now() - started, 0));
  }

  private all<T>(command: LoadRequest | ((index: number) => LoadRequest)): Promise<T[]> {
    return Promise.all(this.workers.map((worker, index) => worker.request<T>(typeof command === 'function' ? command(index) : command)));
  }

  /**
   * One window of load (see `load-worker.ts`): warm-up, the measured window with the server's
   * and the machine's figures read at both ends while the load runs, then the drain.
   */
  async runSlice(options: SliceOptions): Promise<SliceStats> {
    let running = true;
    try {
      await this.all((index) => ({ type: 'start', ratePerClient: options.ratePerClient, phase: index / this.workers.length }));
      await sleep(options.warmupS * 1000);
      if (options.metricsUrl) await resetMetrics(options.metricsUrl);
      const serverStart = options.metricsUrl ? await fetchMetrics(options.metricsUrl) : null;
      const othersStart = await Promise.all((options.alsoCpuOf ?? []).map(fetchMetrics));
      const commitsStart = options.dbCommits ? await options.dbCommits() : null;
      const machineStart = sampleMachine();
      await this.all({ type: 'measure', on: true });
      const windowStart = performance.now();
      await sleep(options.durationS * 1000);
      await this.all({ type: 'measure', on: false });
      const windowS = (performance.now() - windowStart) / 1000;
      const machine = machineLoadBetween(machineStart, sampleMachine());
      // Read while the load still runs, like the first reading, so publication lag is alike.
      const commitsEnd = options.dbCommits ? await options.dbCommits() : null;
      const server = options.metricsUrl ? await fetchMetrics(options.metricsUrl) : null;
      const others = await Promise.all((options.alsoCpuOf ?? []).map(fetchMetrics));
      running = false;
      const reports = await this.all<StopReport>({ type: 'stop', drainMs: options.drainMs ?? DRAIN_MS });
      this.recorder = PhaseRecorder.merge(reports.map((report) => report.recorder));
      const failure = reports.find((report) => report.failure !== null)?.failure;
      if (failure) throw new Error(`an edit failed: ${failure}`);
      return {
        windowS,
        server,
        serverCpuPct:
          server && serverStart
            ? round([serverCpuPct(serverStart, server, windowS * 1000), ...others.map((end, index) => serverCpuPct(othersStart[index]!, end, windowS * 1000))].reduce((sum, pct) => sum + pct, 0), 1)
            : null,
        machine,
        loadGeneratorDelayMs: {
          max: Math.max(...reports.map((report) => report.loopDelayMs.max)),
          p99: Math.max(...reports.map((report) => report.loopDelayMs.p99)),
        },
        dbCommitsPerS: commitsStart !== null && commitsEnd !== null ? round((commitsEnd - commitsStart) / windowS, 1) : null,
      };
    } finally {
      if (running) await this.all({ type: 'stop', drainMs: 0 }).catch(() => {});
    }
  }

  /** The figures of this group's load over the given slices. */
  summarize(label: string, slices: SliceStats[]): LoadResult {
    return summarizeLoad(label, this.rooms, this.workers.length, this.confirms, this.recorder, slices);
  }

  async close(): Promise<void> {
    await this.all({ type: 'close' }).catch(() => {});
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
