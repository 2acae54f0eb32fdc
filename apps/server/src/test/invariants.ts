import { createLogger, type LogEntry, type Logger, type LogLevel } from '../logger.js';

/** Events that mean the server broke a promise it must keep, whatever a test sends it. */
const BROKEN_INVARIANTS = new Set(['room.invalid_document', 'room.diverged']);

/**
 * A logger for a test server that also watches for broken invariants: a document that no longer
 * fits its shape (the whole-document backstop runs after every accepted update in tests) or a
 * live document that did not integrate exactly what was checked. `assertHeld` throws if either
 * happened, so every test that runs a server fails on them — but for the events a test
 * provokes on purpose (`provoked`), to see what the server does then.
 */
export function invariantLogger(level: LogLevel, provoked: readonly string[] = []): { logger: Logger; assertHeld(): void } {
  const broken: LogEntry[] = [];
  const logger = createLogger(level, (entry) => {
    if (BROKEN_INVARIANTS.has(entry.event) && !provoked.includes(entry.event)) broken.push(entry);
  });
  return {
    logger,
    assertHeld: () => {
      if (broken.length > 0) throw new Error(`the server broke an invariant: ${broken.map((entry) => `${entry.event} ${JSON.stringify(entry.fields)}`).join('; ')}`);
    },
  };
}
