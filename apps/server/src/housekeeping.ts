import { deleteExpiredRateLimits, deleteExpiredSessions, deleteStaleLoginDevices, thinCheckpoints, type Database } from '@alliance/db';
import type { Kysely } from 'kysely';
import { DEVICE_TTL_DAYS } from './auth/password-attempts.js';
import { describeError, type Logger } from './logger.js';

const HOUR_MS = 60 * 60 * 1000;

/**
 * Periodic clean-up (at start and then hourly): expired login sessions are deleted so the
 * table holds only sessions that can still be used, and so are known devices whose cookie has
 * run out and rate-limit windows that ended over an hour ago; checkpoints are thinned (see
 * `thinCheckpoints`: every version stays recoverable from the log). Returns a stop function.
 */
export function startHousekeeping(deps: { db: Kysely<Database>; logger: Logger }, everyMs = HOUR_MS): () => void {
  let running: Promise<void> | null = null;
  const run = () => {
    running ??= (async () => {
      const deleted = await deleteExpiredSessions(deps.db);
      if (deleted > 0) deps.logger.info('housekeeping.sessions_deleted', { deleted });
      await deleteStaleLoginDevices(deps.db, new Date(Date.now() - DEVICE_TTL_DAYS * 24 * HOUR_MS));
      await deleteExpiredRateLimits(deps.db, Date.now() - HOUR_MS);
      const thinned = await thinCheckpoints(deps.db);
      if (thinned > 0) deps.logger.info('housekeeping.checkpoints_thinned', { deleted: thinned });
    })()
      .catch((error: unknown) => deps.logger.warn('housekeeping.failed', describeError(error)))
      .finally(() => {
        running = null;
      });
  };
  run();
  const timer = setInterval(run, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
