import type { Server as HttpServer } from 'node:http';
import type { Db } from '@alliance/db';
import type { RoomRegistry } from './collab/room-registry.js';

export interface ServerParts {
  httpServer: HttpServer;
  /** The realtime transports: they stop taking messages first. */
  transports: ReadonlyArray<{ close(): Promise<void> }>;
  rooms: RoomRegistry;
  db: Db;
  /** Anything else to stop before the database closes (timers). */
  beforeDatabase?: () => void;
  /** What is left to close once the database is (the Redis connections). */
  afterDatabase?: () => Promise<void>;
}

/**
 * The order a server stops in, once however often it is asked: transports stop taking edits,
 * every open document is written and checkpointed, connections end, then the database closes.
 */
export function closeOnce(parts: ServerParts): () => Promise<void> {
  let closing: Promise<void> | null = null;
  return () =>
    (closing ??= (async () => {
      for (const transport of parts.transports) await transport.close();
      await parts.rooms.close();
      await new Promise<void>((resolve) => {
        parts.httpServer.close(() => resolve());
        parts.httpServer.closeAllConnections();
      });
      parts.beforeDatabase?.();
      await parts.db.close();
      await parts.afterDatabase?.();
    })());
}
