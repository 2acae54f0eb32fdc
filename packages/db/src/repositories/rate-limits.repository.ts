import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Deletes rate-limit counters whose window ended before `beforeMs` (epoch milliseconds). */
export async function deleteExpiredRateLimits(db: Kysely<Database>, beforeMs: number): Promise<number> {
  const result = await db.deleteFrom('rate_limits').where('expire', '<', beforeMs).executeTakeFirst();
  return Number(result.numDeletedRows);
}
