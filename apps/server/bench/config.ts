import { availableParallelism } from 'node:os';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((value) => (value === undefined || value === '' ? undefined : value === 'true' || value === '1'));
const positive = z.coerce.number().positive().optional();
const count = z.coerce.number().int().min(0).optional();
const roomList = z
  .string()
  .regex(/^\d+(,\d+)*$/, 'a comma-separated list of room counts, e.g. 200,1000')
  .transform((value) => value.split(',').map(Number))
  .optional();

export const PHASES = ['memory', 'propagation', 'confirmation', 'scale-out', 'cold', 'history', 'export', 'crash'] as const;
export type Phase = (typeof PHASES)[number];

const benchEnvSchema = z.object({
  /** Postgres to bench against (a fresh database is created next to it); unset for PGlite. */
  DATABASE_URL: z.string().url().optional(),
  /** Postgres for the scale-out phase when DATABASE_URL is unset (several processes need one). */
  BENCH_SCALE_DATABASE_URL: z.string().url().optional(),
  /** Redis for the scale-out phase. */
  REDIS_URL: z.string().url().optional(),
  /** About one minute instead of about five: shorter phases, fewer repetitions. */
  BENCH_QUICK: bool,
  /** Room counts of the propagation phases (each room: 2 clients). */
  BENCH_ROOMS: roomList,
  /** Measured seconds of each propagation phase per server (over all its windows). */
  BENCH_DURATION_S: positive,
  /**
   * Windows each propagation phase is cut into; ours and the reference take turns (ABBA…)
   * so both see the same background load on a shared machine.
   */
  BENCH_SLICES: count,
  /** Seconds of load before measuring starts in each window. */
  BENCH_WARMUP_S: z.coerce.number().min(0).optional(),
  /** Updates per second sent by each client in the propagation phases. */
  BENCH_RATE: positive,
  /** Total updates per second of the durable-confirmation phase. */
  BENCH_ACK_RATE: positive,
  /** Rooms sharing the confirmation phase's load. */
  BENCH_ACK_ROOMS: count,
  BENCH_ACK_DURATION_S: positive,
  /** Logged updates of the cold-load document. */
  BENCH_COLD_UPDATES: count,
  /** Cold loads of that document (median and max are reported). */
  BENCH_COLD_REPS: count,
  /** Versions the history phase saves before timing the version list (the figure is for 1,000). */
  BENCH_HISTORY_VERSIONS: count,
  /** Documents cold-loaded after a SIGKILL and restart (0 skips that phase). */
  BENCH_CRASH_DOCS: count,
  /** Rooms held open by the memory phase (0 skips it). */
  BENCH_MEMORY_ROOMS: count,
  /** Also run every propagation phase against the reference y-websocket server (default on). */
  BENCH_REFERENCE: bool,
  /** Also run the propagation phases over our own /yjs endpoint, with the reference's client code. */
  BENCH_YWS: bool,
  /** Concurrent HTTP requests / joins while setting up. */
  BENCH_SETUP_CONCURRENCY: count,
  /** Worker threads the load generator runs its clients in. */
  BENCH_LOAD_WORKERS: count,
  /** Hard limit on the whole run; the bench aborts and cleans up after it. */
  BENCH_TIMEOUT_S: positive,
  /** Which phases to run (default: all). */
  BENCH_PHASES: z
    .string()
    .transform((value) => value.split(',').map((name) => name.trim()))
    .pipe(z.array(z.enum(PHASES)))
    .optional(),
  /** Write a V8 CPU profile of our server (node --cpu-prof) into this folder. */
  BENCH_PROFILE_DIR: z.string().optional(),
  /** Print server warnings and errors as they happen. */
  BENCH_VERBOSE: bool,
});

export interface BenchConfig {
  databaseUrl: string | undefined;
  /** Where the scale-out phase makes its database (it needs Postgres) and finds Redis. */
  scaleDatabaseUrl: string;
  redisUrl: string;
  quick: boolean;
  rooms: number[];
  durationS: number;
  slices: number;
  warmupS: number;
  ratePerClient: number;
  ackRate: number;
  ackRooms: number;
  ackDurationS: number;
  coldUpdates: number;
  coldReps: number;
  /** Versions the history phase saves before timing the version list. */
  historyVersions: number;
  crashDocs: number;
  memoryRooms: number;
  reference: boolean;
  yws: boolean;
  setupConcurrency: number;
  /** Worker threads the load generator's clients run in, when set (else `loadWorkersFor`). */
  loadWorkers: number | null;
  timeoutS: number;
  phases: ReadonlySet<Phase>;
  profileDir: string | undefined;
  verbose: boolean;
}

/** Updates per second one load-generator thread sends and receives with room to spare. */
const UPDATES_PER_LOAD_WORKER = 2_500;

/**
 * Threads for a load of `updatesPerS`: one per 2,500 updates/s, at most one per core. One
 * thread is saturated at about 3,500 updates/s (1,000 rooms on our server: 75 % of a core and
 * loop delays of 750 ms), and on a small machine every further thread takes CPU from the
 * servers it measures (200 rooms on 2 cores: propagation p99 of both servers 1.5–2× higher
 * with two threads than with one).
 */
export function loadWorkersFor(config: BenchConfig, updatesPerS: number): number {
  return config.loadWorkers ?? Math.max(1, Math.min(availableParallelism(), Math.ceil(updatesPerS / UPDATES_PER_LOAD_WORKER)));
}

/** Reads the BENCH_* variables (the bench's only reader of process.env). */
export function loadBenchConfig(source: NodeJS.ProcessEnv = process.env): BenchConfig {
  const parsed = benchEnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid bench configuration: ${problems}`);
  }
  const env = parsed.data;
  const quick = env.BENCH_QUICK ?? false;
  // Quick: one room count (joining 1,000 rooms alone takes half a minute on a busy machine).
  const rooms = env.BENCH_ROOMS ?? (quick ? [200] : [200, 1000]);
  return {
    databaseUrl: env.DATABASE_URL,
    scaleDatabaseUrl: env.DATABASE_URL ?? env.BENCH_SCALE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    quick,
    rooms,
    durationS: env.BENCH_DURATION_S ?? (quick ? 6 : 20),
    slices: Math.max(1, env.BENCH_SLICES ?? (quick ? 2 : 4)),
    warmupS: env.BENCH_WARMUP_S ?? (quick ? 1.5 : 2),
    ratePerClient: env.BENCH_RATE ?? 2,
    ackRate: env.BENCH_ACK_RATE ?? 2000,
    ackRooms: env.BENCH_ACK_ROOMS ?? 200,
    ackDurationS: env.BENCH_ACK_DURATION_S ?? (quick ? 6 : 20),
    coldUpdates: env.BENCH_COLD_UPDATES ?? 10_000,
    coldReps: env.BENCH_COLD_REPS ?? (quick ? 3 : 7),
    historyVersions: env.BENCH_HISTORY_VERSIONS ?? 1_000,
    crashDocs: env.BENCH_CRASH_DOCS ?? (quick ? 1 : 3),
    memoryRooms: env.BENCH_MEMORY_ROOMS ?? (quick ? 200 : 1000),
    reference: env.BENCH_REFERENCE ?? true,
    yws: env.BENCH_YWS ?? false,
    setupConcurrency: env.BENCH_SETUP_CONCURRENCY ?? 32,
    loadWorkers: env.BENCH_LOAD_WORKERS ? env.BENCH_LOAD_WORKERS : null,
    timeoutS: env.BENCH_TIMEOUT_S ?? 900,
    phases: new Set(env.BENCH_PHASES ?? PHASES),
    profileDir: env.BENCH_PROFILE_DIR,
    verbose: env.BENCH_VERBOSE ?? false,
  };
}
