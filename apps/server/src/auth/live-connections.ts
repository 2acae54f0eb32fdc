import { findLiveSessionIds, type Database } from '@alliance/db';
import type { Kysely } from 'kysely';
import { describeError, type Logger } from '../logger.js';

/** Why a login session's sockets are being closed. */
export type SessionEndReason =
  /** The person logged out on that browser. */
  | 'logout'
  /** The person ended all their sessions. */
  | 'logout_everywhere'
  /** The password changed: every other session ends. */
  | 'password_changed'
  /** The browser logged in again, which retires the session it had. */
  | 'replaced'
  /** The periodic re-check found the session expired or deleted. */
  | 'ended';

/** An open realtime connection, as its transport registers it. */
export interface LiveConnection {
  /** The login session the connection was authenticated with (its id in `auth_sessions`). */
  sessionId: string;
  userId: string;
  /** Closes the connection, telling the client why in the transport's own terms. */
  close(reason: SessionEndReason): void;
}

/**
 * Every open realtime connection by login session, so that a session that ends — by logout,
 * by a password change, by expiry or by deletion in the database — takes its sockets with it.
 * Transports register a connection once authenticated and unregister it when it closes; one
 * that registers while its session is being ended is caught by the next re-check.
 */
export interface LiveConnections {
  /** Adds a connection; returns the function that removes it (call it when the socket closes). */
  register(connection: LiveConnection): () => void;
  /** Closes the connections of one session. */
  endSession(sessionId: string, reason: SessionEndReason): void;
  /** Closes the connections of every session of a user, but `exceptSessionId`'s. */
  endUser(userId: string, options: { exceptSessionId?: string; reason: SessionEndReason }): void;
  /** Checks every registered session against the database (one query) and closes the ended. */
  recheck(): Promise<void>;
  /** How many connections are registered. */
  readonly size: number;
  /** Stops the periodic re-check. */
  stop(): void;
}

export interface LiveConnectionsOptions {
  db: Kysely<Database>;
  logger: Logger;
  /** How often every open connection's session is checked again. */
  recheckEveryMs?: number;
}

const DEFAULT_RECHECK_MS = 60_000;

export function createLiveConnections(options: LiveConnectionsOptions): LiveConnections {
  const { db, logger } = options;
  const bySession = new Map<string, Set<LiveConnection>>();
  let size = 0;

  const closeAll = (connections: Iterable<LiveConnection>, reason: SessionEndReason): number => {
    let closed = 0;
    // A copy: closing a connection unregisters it from the set being walked.
    for (const connection of [...connections]) {
      closed += 1;
      try {
        connection.close(reason);
      } catch (error) {
        logger.warn('auth.connection_close_failed', describeError(error));
      }
    }
    if (closed > 0) logger.info('auth.connections_closed', { reason, closed });
    return closed;
  };

  let rechecking: Promise<void> | null = null;
  const recheck = (): Promise<void> =>
    (rechecking ??= (async () => {
      const ids = [...bySession.keys()];
      if (ids.length === 0) return;
      try {
        const live = await findLiveSessionIds(db, ids);
        for (const id of ids) if (!live.has(id)) closeAll(bySession.get(id) ?? [], 'ended');
      } catch (error) {
        // Without an answer nothing is closed: a database blip must not log everyone out.
        logger.warn('auth.session_recheck_failed', describeError(error));
      }
    })().finally(() => {
      rechecking = null;
    }));

  const timer = setInterval(() => void recheck(), options.recheckEveryMs ?? DEFAULT_RECHECK_MS);
  timer.unref();

  return {
    register(connection) {
      let connections = bySession.get(connection.sessionId);
      if (!connections) bySession.set(connection.sessionId, (connections = new Set()));
      connections.add(connection);
      size += 1;
      let registered = true;
      return () => {
        if (!registered) return;
        registered = false;
        size -= 1;
        const current = bySession.get(connection.sessionId);
        current?.delete(connection);
        if (current?.size === 0) bySession.delete(connection.sessionId);
      };
    },
    endSession(sessionId, reason) {
      closeAll(bySession.get(sessionId) ?? [], reason);
    },
    endUser(userId, { exceptSessionId, reason }) {
      const connections: LiveConnection[] = [];
      for (const [sessionId, set] of bySession) {
        if (sessionId === exceptSessionId) continue;
        for (const connection of set) if (connection.userId === userId) connections.push(connection);
      }
      closeAll(connections, reason);
    },
    recheck,
    get size() {
      return size;
    },
    stop() {
      clearInterval(timer);
    },
  };
}
