import { randomUUID } from 'node:crypto';
import { createDb } from '@alliance/db';
import { openTestDb } from '@alliance/db/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RateLimiter, type RateLimitStore } from './rate-limit.js';

type StoreKind = RateLimitStore['kind'];

/** The stores every limit must behave the same on: memory always, Postgres when DATABASE_URL is set. */
function storeKinds(): StoreKind[] {
  return process.env.DATABASE_URL ? ['memory', 'postgres'] : ['memory'];
}

describe.each(storeKinds())('RateLimiter on the %s store', (kind) => {
  let store: RateLimitStore;
  let database: Awaited<ReturnType<typeof openTestDb>> | null = null;
  beforeAll(async () => {
    if (kind === 'postgres') {
      database = await openTestDb('postgres');
      store = { kind, pool: database.postgresPool! };
    } else {
      store = { kind: 'memory' };
    }
  });
  afterAll(async () => {
    await database?.drop();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A limiter of its own (a fresh name), so tests sharing one store do not share counters. */
  const limiter = (limit: number, windowMs: number) => new RateLimiter(store, `test-${randomUUID()}`, { limit, windowMs });
  const allowed = async (of: RateLimiter, key: string) => (await of.consume(key)).allowed;

  it('allows `limit` attempts per window and then refuses with the seconds left', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const limit = limiter(3, 60_000);
    expect([await allowed(limit, 'k'), await allowed(limit, 'k'), await allowed(limit, 'k')]).toEqual([true, true, true]);
    vi.setSystemTime(Date.now() + 15_000);
    expect(await limit.consume('k')).toEqual({ allowed: false, retryAfterSeconds: 45 });
  });

  it('does not move the window on for refused attempts, so waiting it out is enough', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const limit = limiter(2, 60_000);
    await limit.consume('k');
    await limit.consume('k');
    for (let i = 0; i < 5; i += 1) expect(await allowed(limit, 'k')).toBe(false);
    vi.setSystemTime(Date.now() + 60_001);
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
    const limit = limiter(3, 15 * 60_000);
    for (let i = 0; i < 3; i += 1) await limit.consume('target@example.com');
    expect(await allowed(limit, 'target@example.com')).toBe(false);
    const junk = Array.from({ length: 20_000 }, (_, index) => `junk-${index}@example.com`);
    for (let start = 0; start < junk.length; start += 200) await Promise.all(junk.slice(start, start + 200).map((key) => limit.consume(key)));
    expect(await allowed(limit, 'target@example.com')).toBe(false);
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
