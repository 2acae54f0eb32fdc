import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDb, expireAllLeases, listArchivedAmong, migrateToLatest, type Db } from '@alliance/db';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { createLiveConnections } from './auth/live-connections.js';
import { DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from './collab/budget.js';
import { createRoomRegistry, type RegistrySettings } from './collab/create-room-registry.js';
import { createCollabStore } from './collab/store.js';
import type { RoomRegistry } from './collab/room-registry.js';
import type { Env } from './env.js';
import { WorkspaceEvents } from './events/workspace-events.js';
import { createRepairFlagWatcher } from './repairs/flag-watcher.js';
import { startHousekeeping } from './housekeeping.js';
import { createLogger, describeError, type Logger } from './logger.js';
import type { RateLimitStore } from './middleware/rate-limit.js';
import { joinOtherProcesses } from './redis/scale-out.js';
import { closeOnce } from './shutdown.js';
import { ConnectionQuota } from './transports/connection-quota.js';
import { attachSocketIo } from './transports/socket-io.js';
import { attachYWebsocket } from './transports/y-websocket.js';

export interface RunningServer {
  url: string;
  port: number;
  db: Db;
  logger: Logger;
  /** Stops accepting connections, saves every open document, closes the database. */
  close(): Promise<void>;
}

/** How the rooms behave, from the environment. */
export function registrySettings(env: Env): RegistrySettings {
  return {
    maxMessageBytes: env.MAX_MESSAGE_BYTES,
    maxDocumentBytes: env.MAX_DOCUMENT_BYTES,
    maxUnsavedBytes: env.MAX_UNSAVED_BYTES,
    maxOpenDocsPerUser: env.MAX_OPEN_DOCS_PER_USER,
    maxRefusalsPerMinute: env.MAX_REFUSALS_PER_MINUTE,
    checkpointEveryUpdates: env.CHECKPOINT_EVERY_UPDATES,
    checkpointEveryMs: env.CHECKPOINT_EVERY_MS,
    idleUnloadMs: env.ROOM_IDLE_UNLOAD_MS,
    updateLogRetryMaxMs: env.UPDATE_LOG_RETRY_MAX_MS,
    updateLogWriteTimeoutMs: env.UPDATE_LOG_WRITE_TIMEOUT_MS,
    shutdownFlushTimeoutMs: env.SHUTDOWN_FLUSH_TIMEOUT_MS,
    leaseTtlMs: env.DOC_LEASE_TTL_MS,
    concurrentWrites: env.DATABASE_URL !== undefined,
    validateEveryUpdate: env.VALIDATE_EVERY_UPDATE,
  };
}

/** What one realtime connection may send, from the environment. */
export function connectionLimits(env: Env): ConnectionLimits {
  return { ...DEFAULT_CONNECTION_LIMITS, messagesPerSecond: env.MAX_MESSAGES_PER_SECOND, messageBurst: 8 * env.MAX_MESSAGES_PER_SECOND };
}

/** Starts the whole server (HTTP API, web app, both realtime transports) on one port. */
export async function startServer(env: Env, options: { logger?: Logger } = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(env.LOG_LEVEL);
  const db = createDb({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
  try {
    await migrateToLatest(db.db);
    // PGlite's files belong to this one process: leases there are left over from an earlier run
    // (killed before it could give them up), so documents open at once instead of after they expire.
    if (db.kind === 'pglite') await expireAllLeases(db.db);
  } catch (error) {
    await db.close();
    throw error;
  }
  const events = new WorkspaceEvents();
  const liveConnections = createLiveConnections({ db: db.db, logger, recheckEveryMs: env.SESSION_RECHECK_MS });
  // On Postgres the counters are shared by every process and survive restarts; PGlite runs one process.
  const databaseRateLimits: RateLimitStore = db.postgresPool ? { kind: 'postgres', pool: db.postgresPool } : { kind: 'memory' };
  // Made once the relay is there (its catch-up below may run before: nothing is open then).
  let openRooms: RoomRegistry | null = null;
  // With REDIS_URL, one process among several: events and counters go through Redis.
  const scaleOut = env.REDIS_URL
    ? await joinOtherProcesses({
        url: env.REDIS_URL,
        prefix: env.REDIS_PREFIX,
        events,
        logger,
        whenUnreachable: databaseRateLimits,
        // An archive told while this process could not hear it: its open rooms learn it from the database.
        afterGap: () => {
          const registry = openRooms;
          if (!registry) return;
          listArchivedAmong(db.db, registry.openWorkspaceIds())
            .then((archived) => {
              for (const workspaceId of archived) registry.setReadOnly(workspaceId, true);
              logger.info('redis.caught_up', { archivedWorkspaces: archived.length });
            })
            .catch((error: unknown) => logger.warn('redis.catch_up_failed', describeError(error)));
        },
      })
    : null;
  const rateLimitStore = scaleOut?.rateLimitStore ?? databaseRateLimits;
  // The drafts are the client's alone: their versions are nobody else's news.
  const rooms = createRoomRegistry({
    db: db.db,
    store: createCollabStore(db.db, db.postgresPool),
    logger,
    settings: registrySettings(env),
    onVersion: ({ workspaceId, doc }) => doc !== 'drafts' && events.workspaceChanged(workspaceId, 'versions'),
    watchers: { feedback: createRepairFlagWatcher({ db: db.db, events, logger }) },
    relay: scaleOut?.relay ?? null,
  });
  openRooms = rooms;
  // An archive, wherever it was confirmed: the open rooms refuse the next update.
  events.onArchived((workspaceId) => rooms.setReadOnly(workspaceId, true));
  const app = createApp({ db: db.db, dbKind: db.kind, env, logger, rooms, events, liveConnections, rateLimitStore });

  const httpServer = await new Promise<HttpServer>((resolve) => {
    const server = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, () => resolve(server as HttpServer)) as HttpServer;
  });
  const quota = new ConnectionQuota(env.MAX_CONNECTIONS_PER_USER);
  const limits = connectionLimits(env);
  const io = attachSocketIo(httpServer, { db: db.db, env, logger, rooms, events, liveConnections, quota, limits });
  const yws = attachYWebsocket(httpServer, { db: db.db, env, logger, rooms, liveConnections, quota, limits });

  const stopHousekeeping = startHousekeeping({ db: db.db, logger });
  const stopTimers = () => {
    liveConnections.stop();
    stopHousekeeping();
  };

  const { port } = httpServer.address() as AddressInfo;
  const displayHost = env.HOST === '0.0.0.0' || env.HOST === '::' ? 'localhost' : env.HOST;
  return {
    url: `http://${displayHost}:${port}`,
    port,
    db,
    logger,
    close: closeOnce({ httpServer, transports: [io, yws], rooms, db, beforeDatabase: stopTimers, afterDatabase: scaleOut?.close }),
  };
}
