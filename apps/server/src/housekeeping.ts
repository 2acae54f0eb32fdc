import { deleteExpiredSessions, thinAutoCheckpoints, type Database } from '@alliance/db';
import type { Kysely } from 'kysely';
import { describeError, type Logger } from './logger.js';

const HOUR_MS = 60 * 60 * 1000;
/** Automatic checkpoints younger than this are all kept; older ones one per hour. */
const KEEP_ALL_CHECKPOINTS_MS = 24 * HOUR_MS;

/**
 * Periodic clean-up, at start and then hourly: expired login sessions are deleted, and old
 * automatic checkpoints are thinned to one per document and hour (the update log keeps every
 * change; versions saved at sessions or by name are never touched). Returns a stop function.
 * Logs counts only.
 */
export function startHousekeeping(deps: { db: Kysely<Database>; logger: Logger }, everyMs = HOUR_MS): () => void {
  let running: Promise<void> | null = null;
  const run = () => {
    running ??= (async () => {
      try {
        const sessions = await deleteExpiredSessions(deps.db);
        const checkpoints = await thinAutoCheckpoints(deps.db, new Date(Date.now() - KEEP_ALL_CHECKPOINTS_MS));
        if (sessions > 0 || checkpoints > 0) deps.logger.info('housekeeping.done', { expiredSessions: sessions, thinnedCheckpoints: checkpoints });
      } catch (error) {
        deps.logger.warn('housekeeping.failed', describeError(error));
      } finally {
        running = null;
      }
    })();
  };
  run();
  const timer = setInterval(run, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
