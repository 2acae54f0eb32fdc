import type { Db } from '@alliance/db';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AppEnv } from '../http/context.js';
import { AppError } from '../http/errors.js';

/**
 * Where the counters live. `memory`: this process only (PGlite runs one process). `postgres`:
 * the `rate_limits` table through the app's own pool, shared by every process and kept across
 * restarts. `redis`: a `redis` (node-redis) or `ioredis` client, shared by every process (used
 * when REDIS_URL is set). Counters are never evicted to make room: a flood of junk keys cannot reset a real one.
 */
export type RateLimitStore =
  | { kind: 'memory' }
  | { kind: 'postgres'; pool: NonNullable<Db['postgresPool']> }
  | {
      kind: 'redis';
      client: object;
      /** Starts every key, so deployments sharing a Redis keep their counters apart. */
      keyPrefix?: string;
      /** Where counting goes on while Redis cannot be reached (default: this process's memory). */
      whenUnreachable?: Exclude<RateLimitStore, { kind: 'redis' }>;
    };

/** How many attempts a key may make per window. */
export interface RateLimitOptions {
  limit: number;
  windowMs: number;
}

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** The table of the Postgres store (created by a migration, never by the library). */
const POSTGRES_TABLE = 'rate_limits';

type LimiterOptions = { keyPrefix: string; points: number; duration: number };

function createLimiter(store: RateLimitStore, common: LimiterOptions): RateLimiterAbstract {
  // When a shared store cannot be reached, counting goes on elsewhere (in memory at the last)
  // rather than letting every attempt through or refusing every login.
  switch (store.kind) {
    case 'memory':
      return new RateLimiterMemory(common);
    case 'postgres':
      return new RateLimiterPostgres({
        ...common,
        storeClient: store.pool,
        storeType: 'pool',
        tableName: POSTGRES_TABLE,
        tableCreated: true,
        // Housekeeping deletes ended windows; the library's own timer would outlive the pool.
        clearExpiredByTimeout: false,
        insuranceLimiter: new RateLimiterMemory(common),
      });
    case 'redis':
      return new RateLimiterRedis({
        ...common,
        keyPrefix: store.keyPrefix ? `${store.keyPrefix}:${common.keyPrefix}` : common.keyPrefix,
        storeClient: store.client,
        // ioredis can define the library's script as a command; node-redis is told apart by lacking that.
        useRedisPackage: typeof (store.client as { defineCommand?: unknown }).defineCommand !== 'function',
        rejectIfRedisNotReady: true,
        insuranceLimiter: createLimiter(store.whenUnreachable ?? { kind: 'memory' }, common),
      });
  }
}

/**
 * A fixed-window counter per key (rate-limiter-flexible underneath). `name` keeps the counters
 * of different limits apart in a shared store.
 */
export class RateLimiter {
  private readonly limiter: RateLimiterAbstract;

  constructor(store: RateLimitStore, name: string, options: RateLimitOptions) {
    this.limiter = createLimiter(store, { keyPrefix: name, points: options.limit, duration: Math.max(1, Math.ceil(options.windowMs / 1000)) });
  }

  /**
   * Counts an attempt and says whether it was within the limit. Counting before the slow work
   * (a password check) means concurrent requests cannot all slip in under the limit.
   */
  async consume(key: string): Promise<RateLimitDecision> {
    try {
      await this.limiter.consume(key);
      return { allowed: true };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
      throw rejection;
    }
  }

  /** Gives back one counted attempt (e.g. it turned out to be a successful login). */
  async refund(key: string): Promise<void> {
    await this.limiter.reward(key, 1);
  }

  /** Forgets every attempt of `key`. */
  async reset(key: string): Promise<void> {
    await this.limiter.delete(key);
  }
}

/** Refuses the request with 429 and a Retry-After header. */
export function rejectRateLimited(c: Context, retryAfterSeconds: number): never {
  c.header('Retry-After', String(retryAfterSeconds));
  const minutes = Math.ceil(retryAfterSeconds / 60);
  throw new AppError(429, 'RATE_LIMITED', `Too many attempts. Please try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`);
}

/** Counts every request per client address and refuses those over the limit. */
export function limitByClientAddress(limiter: RateLimiter) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const decision = await limiter.consume(c.get('clientAddress'));
    if (!decision.allowed) rejectRateLimited(c, decision.retryAfterSeconds);
    await next();
  });
}

/**
 * The limits of the auth routes (15-minute windows). Password attempts from a browser that has
 * logged in to the account before count per device; all others per account and per address.
 * Failed attempts only count; signups count every attempt.
 */
export const AUTH_LIMITS = {
  passwordPerAccount: { limit: 10, windowMs: 15 * 60_000 },
  passwordPerDevice: { limit: 10, windowMs: 15 * 60_000 },
  passwordPerAddress: { limit: 30, windowMs: 15 * 60_000 },
  signupPerAddress: { limit: 50, windowMs: 15 * 60_000 },
} satisfies Record<string, RateLimitOptions>;
