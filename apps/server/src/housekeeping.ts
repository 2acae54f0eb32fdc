import { deleteExpiredSessions, type Database } from '@alliance/db';
import type { Kysely } from 'kysely';
import { describeError, type Logger } from './logger.js';

const HOUR_MS = 60 * 60 * 1000;

/**
 * Periodic clean-up: expired login sessions are deleted (at start and then hourly) so the
 * table holds only sessions that can still be used. Returns a stop function.
 */
export function startHousekeeping(deps: { db: Kysely<Database>; logger: Logger }, everyMs = HOUR_MS): () => void {
  let running: Promise<void> | null = null;
  const run = () => {
    running ??= deleteExpiredSessions(deps.db)
      .then((deleted) => {
        if (deleted > 0) deps.logger.info('housekeeping.sessions_deleted', { deleted });
      })
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
