import { timingSafeEqual } from 'node:crypto';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { hashToken } from '../auth/crypto.js';
import type { LatencySummary, RoomStats } from '../collab/room-registry.js';
import type { AppEnv } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { isLoopback } from '../loopback.js';

/** The timer period of the event-loop delay histogram (Node's default). */
const RESOLUTION_MS = 10;

/** Process figures for `npm run bench`: counts and timings only, never workspace data. */
export interface RuntimeMetrics {
  /** Event-loop delay since the last reset, in ms beyond the timer period. */
  eventLoopDelayMs: { max: number; p99: number; p50: number; mean: number; samples: number };
  /** Garbage-collection pauses since the last reset: scavenges of the young generation, and the rest (full collections and their steps). */
  gcPauseMs: { minor: GcPauses; major: GcPauses };
  memory: { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number };
  /** CPU time this process has used since it started, in microseconds. */
  cpuUs: { user: number; system: number };
  /** Documents loaded in memory, when the process can tell. */
  openRooms: number | null;
  /** Updates accepted but not yet durably written, over all rooms. */
  unsavedUpdates: number | null;
  /** Update received → durably stored, since the last reset (null when the process has no rooms). */
  confirmationMs: LatencySummary | null;
  /** Update-log write durations since the last reset. */
  logWriteMs: LatencySummary | null;
  uptimeS: number;
}

export interface GcPauses {
  count: number;
  totalMs: number;
  maxMs: number;
}

export interface RuntimeSampler {
  sample(): RuntimeMetrics;
  /** Starts a new event-loop delay window. */
  reset(): void;
  /** Runs a full garbage collection when node was started with --expose-gc. */
  collectGarbage(): boolean;
}

const NS_PER_MS = 1e6;
const delay = (ns: number) => Math.max(0, Math.round((ns / NS_PER_MS - RESOLUTION_MS) * 1000) / 1000);

/**
 * Samples this process. The histogram's values are whole timer periods, so the period is
 * subtracted: what remains is how late the loop was, i.e. the stall.
 */
/** What a process with documents can tell about them (the reference server knows fewer figures). */
export interface RoomFigures {
  stats(): Pick<RoomStats, 'openRooms' | 'unsavedUpdates'> & Partial<Pick<RoomStats, 'confirmationMs' | 'logWriteMs'>>;
  resetStats?(): void;
}

export function createRuntimeSampler(options: { rooms?: RoomFigures } = {}): RuntimeSampler {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const noPauses = () => ({ count: 0, totalMs: 0, maxMs: 0 });
  let gcPauses = { minor: noPauses(), major: noPauses() };
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry.detail as { kind?: number } | undefined)?.kind;
      const pauses = kind === constants.NODE_PERFORMANCE_GC_MINOR ? gcPauses.minor : gcPauses.major;
      pauses.count++;
      pauses.totalMs += entry.duration;
      pauses.maxMs = Math.max(pauses.maxMs, entry.duration);
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const rounded = (pauses: GcPauses): GcPauses => ({ count: pauses.count, totalMs: Math.round(pauses.totalMs * 1000) / 1000, maxMs: Math.round(pauses.maxMs * 1000) / 1000 });
  return {
    sample: () => {
      const memory = process.memoryUsage();
      const hasSamples = histogram.count > 0;
      const rooms = options.rooms?.stats() ?? null;
      return {
        eventLoopDelayMs: {
          max: hasSamples ? delay(histogram.max) : 0,
          p99: hasSamples ? delay(histogram.percentile(99)) : 0,
          p50: hasSamples ? delay(histogram.percentile(50)) : 0,
          mean: hasSamples ? delay(histogram.mean) : 0,
          samples: histogram.count,
        },
        gcPauseMs: { minor: rounded(gcPauses.minor), major: rounded(gcPauses.major) },
        memory: {
          rss: memory.rss,
          heapUsed: memory.heapUsed,
          heapTotal: memory.heapTotal,
          external: memory.external,
          arrayBuffers: memory.arrayBuffers,
        },
        cpuUs: process.cpuUsage(),
        openRooms: rooms?.openRooms ?? null,
        unsavedUpdates: rooms?.unsavedUpdates ?? null,
        confirmationMs: rooms?.confirmationMs ?? null,
        logWriteMs: rooms?.logWriteMs ?? null,
        uptimeS: Math.round(process.uptime()),
      };
    },
    reset: () => {
      histogram.reset();
      gcPauses = { minor: noPauses(), major: noPauses() };
      options.rooms?.resetStats?.();
    },
    collectGarbage: () => {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (!gc) return false;
      gc();
      return true;
    },
  };
}

/** Compared as hashes of equal length, so the time taken says nothing about the token. */
function sameToken(given: string, expected: string): boolean {
  return timingSafeEqual(Buffer.from(hashToken(given)), Buffer.from(hashToken(expected)));
}

/** The peer address of the TCP connection itself: forwarding headers are the caller's to write. */
function socketAddress(c: Parameters<typeof getConnInfo>[0]): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

/**
 * Who may read or reset the figures: with a token, whoever sends it as
 * `Authorization: Bearer <token>`; without one, only callers on this machine.
 */
function metricsAccess(token: string | undefined) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (token !== undefined) {
      const given = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
      if (!given || !sameToken(given, token)) throw new AppError(401, 'UNAUTHORIZED', 'The metrics need the metrics token.');
    } else {
      const address = socketAddress(c);
      if (!address || !isLoopback(address)) throw new AppError(403, 'FORBIDDEN', 'Without a metrics token, the metrics answer only this machine.');
    }
    await next();
  });
}

export interface MetricsAccess {
  /** Callers must send it as a bearer token; unset, only loopback callers are answered. */
  token?: string | undefined;
}

/**
 * Runtime figures for the benchmark, mounted at /api/metrics only when EXPOSE_METRICS is set.
 * They are read over HTTP rather than in the bench's own process so the server runs alone in
 * its process, as in production, and the load generator's work never shows up as server time.
 * Never enable this on a public server: `POST /gc` forces a full collection.
 */
export function metricsRoutes(sampler: RuntimeSampler = createRuntimeSampler(), access: MetricsAccess = {}) {
  return new Hono<AppEnv>()
    .use(metricsAccess(access.token))
    .get('/', (c) => c.json(sampler.sample(), 200))
    .post('/reset', (c) => {
      sampler.reset();
      return c.body(null, 204);
    })
    .post('/gc', (c) => c.json({ collected: sampler.collectGarbage() }, 200));
}
