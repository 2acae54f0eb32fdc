import type { DbKind, Database, SessionUser } from '@alliance/db';
import type { Kysely } from 'kysely';
import type { LiveConnections } from '../auth/live-connections.js';
import type { RoomRegistry } from '../collab/room-registry.js';
import type { Env } from '../env.js';
import type { WorkspaceEvents } from '../events/workspace-events.js';
import type { Logger } from '../logger.js';
import type { RateLimitStore } from '../middleware/rate-limit.js';

/** Everything the HTTP app needs, injected so tests build it on a fresh database. */
export interface AppDeps {
  db: Kysely<Database>;
  dbKind: DbKind;
  env: Env;
  logger: Logger;
  rooms: RoomRegistry;
  events: WorkspaceEvents;
  /** Open realtime connections by login session, closed when their session ends. */
  liveConnections: LiveConnections;
  /** Where the rate limits keep their counters. */
  rateLimitStore: RateLimitStore;
}

/** Hono's environment: what middleware puts on the context for the routes. */
export interface AppEnv {
  Variables: {
    session: SessionUser | null;
    clientAddress: string;
  };
}
