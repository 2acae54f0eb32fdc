import { randomUUID } from 'node:crypto';
import { createDb } from '@alliance/db';
import { openTestDb } from '@alliance/db/testing';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../logger.js';
import { closeRedisClient, createRedisClient } from '../redis/connection.js';
import { RateLimiter, type RateLimitStore } from './rate-limit.js';

type StoreKind = RateLimitStore['kind'];

/**
 * The stores every limit must behave the same on: memory always, Postgres when DATABASE_URL
 * is set, Redis when REDIS_URL is.
 */
function storeKinds(): StoreKind[] {
  return ['memory', ...(process.env.DATABASE_URL ? (['postgres'] as const) : []), ...(process.env.REDIS_URL ? (['redis'] as const) : [])];
}

describe.each(storeKinds())('RateLimiter on the %s store', (kind) => {
  let store: RateLimitStore;
  let database: Awaited<ReturnType<typeof openTestDb>> | null = null;
  let redis: ReturnType<typeof createClient> | null = null;
  beforeAll(async () => {
    if (kind === 'postgres') {
      database = await openTestDb('postgres');
      store = { kind, pool: database.postgresPool! };
    } else if (kind === 'redis') {
      redis = createClient({ url: process.env.REDIS_URL });
      await redis.connect();
      store = { kind, client: redis };
    } else {
      store = { kind: 'memory' };
    }
  });
  afterAll(async () => {
    await database?.drop();
    // Each test's limiter has a name of its own; its keys expire with their window.
    await redis?.quit();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A limiter of its own (a fresh name), so tests sharing one store do not share counters. */
  const limiter = (limit: number, windowMs: number) => new RateLimiter(store, `test-${randomUUID()}`, { limit, windowMs });
  const allowed = async (of: RateLimiter, key: string) => (await of.consume(key)).allowed;

  /**
   * Moves time on: the process's clock for memory and Postgres (the library stamps windows with
   * Date.now), real waiting for Redis (which keeps time itself).
   */
  const later = async (ms: number) => {
    if (kind === 'redis') await new Promise((resolve) => setTimeout(resolve, ms));
    else vi.setSystemTime(Date.now() + ms);
  };
  const useClock = () => {
    if (kind !== 'redis') vi.useFakeTimers({ toFake: ['Date'] });
  };

  it('allows `limit` attempts per window and then refuses with the seconds left', async () => {
    useClock();
    const limit = limiter(3, 3_000);
    expect([await allowed(limit, 'k'), await allowed(limit, 'k'), await allowed(limit, 'k')]).toEqual([true, true, true]);
    await later(1_500);
    expect(await limit.consume('k')).toEqual({ allowed: false, retryAfterSeconds: 2 });
  });

  it('does not move the window on for refused attempts, so waiting it out is enough', async () => {
    useClock();
    const limit = limiter(2, 1_000);
    await limit.consume('k');
    await limit.consume('k');
    for (let i = 0; i < 5; i += 1) expect(await allowed(limit, 'k')).toBe(false);
    await later(1_100);
    expect(await limit.consume('k')).toEqual({ allowed: true });
  });

  it('keeps keys and limits apart', async () => {
    const first = limiter(1, 60_000);
    const second = limiter(1, 60_000);
    expect(await allowed(first, 'a')).toBe(true);
    expect(await allowed(first, 'a')).toBe(false);
    expect(await allowed(first, 'b')).toBe(true);
    expect(await allowed(second, 'a')).toBe(true);
  });

  it('gives back a refunded attempt and forgets a reset key', async () => {
    const limit = limiter(2, 60_000);
    await limit.consume('k');
    await limit.consume('k');
    await limit.refund('k');
    expect(await allowed(limit, 'k')).toBe(true);
    expect(await allowed(limit, 'k')).toBe(false);
    await limit.reset('k');
    expect(await allowed(limit, 'k')).toBe(true);
  });

  it('lets exactly `limit` of many parallel attempts through', async () => {
    const limit = limiter(10, 60_000);
    const decisions = await Promise.all(Array.from({ length: 25 }, () => limit.consume('parallel')));
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(10);
  });

  it('keeps a counter through a flood of 20,000 other keys', { timeout: 120_000 }, async () => {
    const limit = limiter(3, 60_000);
    for (let i = 0; i < 3; i += 1) await limit.consume('target@example.com');
    expect(await allowed(limit, 'target@example.com')).toBe(false);
    const junk = Array.from({ length: 20_000 }, (_, index) => `junk-${index}@example.com`);
    for (let start = 0; start < junk.length; start += 200) await Promise.all(junk.slice(start, start + 200).map((key) => limit.consume(key)));
    expect(await allowed(limit, 'target@example.com')).toBe(false);
  });

  if (kind !== 'memory') {
    it('keeps its counters in the shared store, not in this process', async () => {
      const name = `stored-${randomUUID()}`;
      await new RateLimiter(store, name, { limit: 5, windowMs: 60_000 }).consume('k');
      const points = kind === 'postgres'
        ? (await database!.db.selectFrom('rate_limits').select('points').where('key', '=', `${name}:k`).executeTakeFirst())?.points
        : Number(await redis!.get(`${name}:k`));
      expect(points).toBe(1);
    });
  }

  if (kind === 'redis') it('keeps its keys under the prefix, and counts elsewhere while Redis is unreachable', async () => {
    const name = `prefixed-${randomUUID()}`;
    await new RateLimiter({ kind: 'redis', client: redis!, keyPrefix: 'deployment' }, name, { limit: 5, windowMs: 60_000 }).consume('k');
    expect(Number(await redis!.get(`deployment:${name}:k`))).toBe(1);

    const unreachable = createRedisClient('redis://127.0.0.1:1', 'commands', createLogger('silent'));
    try {
      const limit = new RateLimiter({ kind: 'redis', client: unreachable, whenUnreachable: { kind: 'memory' } }, name, { limit: 2, windowMs: 60_000 });
      expect([await allowed(limit, 'k'), await allowed(limit, 'k'), await allowed(limit, 'k')]).toEqual([true, true, false]);
    } finally {
      await closeRedisClient(unreachable);
    }
  });

  if (kind === 'postgres') it('shares counters between processes and keeps them across a restart', async () => {
    const name = `shared-${randomUUID()}`;
    const first = new RateLimiter(store, name, { limit: 2, windowMs: 60_000 });
    expect(await allowed(first, 'k')).toBe(true);
    // Another process: its own pool on the same database, its own limiter.
    const other = createDb({ databaseUrl: database!.postgresPool!.options.connectionString });
    try {
      const second = new RateLimiter({ kind: 'postgres', pool: other.postgresPool! }, name, { limit: 2, windowMs: 60_000 });
      expect(await allowed(second, 'k')).toBe(true);
      expect(await allowed(first, 'k')).toBe(false);
      expect(await allowed(new RateLimiter(store, name, { limit: 2, windowMs: 60_000 }), 'k')).toBe(false);
    } finally {
      await other.close();
    }
    const rows = await database!.db.selectFrom('rate_limits').select(['key', 'points']).where('key', '=', `${name}:k`).execute();
    expect(rows).toEqual([{ key: `${name}:k`, points: 4 }]);
  });
});
