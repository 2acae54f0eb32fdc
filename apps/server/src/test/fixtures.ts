import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo, type Socket as NetSocket } from 'node:net';
import { createDb, createSession, createUser, createWorkspace, findDocument, listUpdatesAfter, migrateToLatest, type Database, type Db } from '@alliance/db';
import { createTestDatabase, type DbKind, type TestDatabase } from '@alliance/db/testing';
import {
  decodeSyncMessage,
  docKey,
  encodeSyncStep2,
  encodeSyncUpdate,
  packedFramesParser,
  PROTOCOL_VERSION,
  seedRoadmap,
  SYNC_STEP_1,
  SYNC_STEP_2,
  type Ack,
  type ClientToServerEvents,
  type DocError,
  type DocKey,
  type DocName,
  type DocStatus,
  type JoinResult,
  type ServerToClientEvents,
  type UpdateResult,
} from '@alliance/shared';
import type { Kysely } from 'kysely';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll } from 'vitest';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { hashToken, newToken } from '../auth/crypto.js';
import { createLiveConnections } from '../auth/live-connections.js';
import { createRoomRegistry } from '../collab/create-room-registry.js';
import type { DocRelay } from '../collab/relay.js';
import { closeRedisClient, createRedisClient, whenReady } from '../redis/connection.js';
import { createDocRelay } from '../redis/doc-relay.js';
import type { RoomRegistry } from '../collab/room-registry.js';
import { createCollabStore, type CollabStore } from '../collab/store.js';
import { sessionCookieName } from '../auth/sessions.js';
import { loadEnv, type Env } from '../env.js';
import type { Logger } from '../logger.js';
import { connectionLimits, registrySettings } from '../server.js';
import { invariantLogger } from './invariants.js';
import { closeOnce } from '../shutdown.js';
import { ConnectionQuota } from '../transports/connection-quota.js';
import { attachSocketIo } from '../transports/socket-io.js';
import { attachYWebsocket } from '../transports/y-websocket.js';
import { defaultTestEnv, startTestServer, TEST_ENV_DEFAULTS, type TestServer } from './harness.js';

/** A logged-in person: their id and the Cookie header their browser would send. */
export interface Member {
  userId: string;
  cookie: string;
}

export interface MemberPair {
  workspaceId: string;
  title: string;
  therapist: Member;
  client: Member;
}

/**
 * A user with a live session, written straight to the database. `env`: the configuration of
 * the server the cookie is for, which names the session cookie.
 */
export async function createMember(db: Kysely<Database>, name: string, env: Pick<Env, 'NODE_ENV'> = defaultTestEnv): Promise<Member> {
  const user = await createUser(db, { email: `${name.toLowerCase()}-${randomUUID()}@example.com`, name, passwordHash: 'not-a-real-hash' });
  if (!user) throw new Error('could not create a user');
  const token = newToken();
  await createSession(db, { id: hashToken(token), userId: user.id, expiresAt: new Date(Date.now() + 24 * 60 * 60 * 1000) });
  return { userId: user.id, cookie: `${sessionCookieName(env)}=${token}` };
}

/** The seeded roadmap as the workspace route writes it (logged update seq 1). */
export function seededRoadmapUpdate(title: string): Uint8Array {
  const doc = new Y.Doc();
  seedRoadmap(doc, title);
  return Y.encodeStateAsUpdate(doc);
}

/**
 * A workspace with its therapist and its client, as signup + create + invite would leave it.
 * Given a server, their cookies are named as that server's configuration names them.
 */
export async function createMemberPair(target: Kysely<Database> | { db: Db; env?: Pick<Env, 'NODE_ENV'> }): Promise<MemberPair> {
  const [db, env] = 'selectFrom' in target ? [target, defaultTestEnv] : [target.db.db, target.env ?? defaultTestEnv];
  const therapist = await createMember(db, 'Therapist', env);
  const client = await createMember(db, 'Client', env);
  const title = `Roadmap ${randomUUID().slice(0, 8)}`;
  const workspace = await createWorkspace(db, {
    title,
    therapistId: therapist.userId,
    docs: [
      { name: 'roadmap', initialUpdate: seededRoadmapUpdate(title) },
      { name: 'feedback', initialUpdate: null },
      { name: 'drafts', initialUpdate: null },
    ],
  });
  await db.insertInto('memberships').values({ workspace_id: workspace.id, user_id: client.userId, role: 'client' }).execute();
  return { workspaceId: workspace.id, title, therapist, client };
}

/** The document as the update log alone holds it: every logged update replayed. */
export async function loggedDoc(db: Kysely<Database>, workspaceId: string, doc: DocName): Promise<Y.Doc> {
  const row = await findDocument(db, workspaceId, doc);
  if (!row) throw new Error(`no ${doc} document in ${workspaceId}`);
  const ydoc = new Y.Doc();
  for (const update of await listUpdatesAfter(db, row.id, 0)) Y.applyUpdate(ydoc, update.update);
  return ydoc;
}

/**
 * A real server for one describe block: started before its tests and stopped after them,
 * with the clients made through it closed first.
 */
export function useTestServer(kind: DbKind, env: Record<string, string> = {}) {
  let server: TestServer | null = null;
  const closers: (() => void)[] = [];
  beforeAll(async () => {
    server = await startTestServer(kind, env);
  });
  afterAll(async () => {
    for (const close of closers.splice(0)) close();
    await server?.stop();
  });
  const running = (): TestServer => {
    if (!server) throw new Error('the server is not running');
    return server;
  };
  return {
    get server(): TestServer {
      return running();
    },
    get db(): Kysely<Database> {
      return running().db.db;
    },
    /** Runs `close` when the server stops. */
    onStop(close: () => void): void {
      closers.push(close);
    },
    async socketClient(cookie: string, protocol?: 'web' | 'stock'): Promise<SocketClient> {
      const client = await SocketClient.connect(running().url, cookie, { protocol });
      closers.push(() => client.close());
      return client;
    },
    provider(workspaceId: string, doc: string, cookie: string | null, ydoc?: Y.Doc): ProviderHandle {
      const handle = connectProvider(running().url, workspaceId, doc, cookie, ydoc);
      closers.push(() => handle.destroy());
      return handle;
    },
  };
}

/** A promise the test resolves by hand. */
export function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** Polls `check` until it returns something other than undefined/false. No timing asserts: just a generous bound. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what = 'condition', timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// ---- Socket.IO ----

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Transaction origin of updates that came from the server. */
export const FROM_SERVER = Symbol('from-server');

/**
 * A Socket.IO client that syncs documents the way the web app does: join, answer the server's
 * step 1 with a step 2, apply its step 2 and updates, send local updates with an ack each.
 */
export class SocketClient {
  readonly docs = new Map<DocKey, Y.Doc>();
  readonly errors: DocError[] = [];
  readonly statuses: DocStatus[] = [];
  /** Answers to the sync steps 2 it sent (what it held that the server lacked), in order. */
  readonly stepTwoAnswers: Promise<Ack<UpdateResult | null>>[] = [];
  /** Answers to local updates (not to sync steps), in the order the updates were sent. */
  private readonly updateAnswers: Promise<Ack<UpdateResult | null>>[] = [];
  private readonly pendingAcks = new Set<Promise<Ack<UpdateResult | null>>>();
  private readonly synced = new Map<DocKey, () => void>();
  private readonly syncs = new Map<DocKey, Promise<void>>();

  private constructor(readonly socket: ClientSocket) {
    socket.on('doc:sync', (key, message) => this.receive(key, message));
    socket.on('doc:error', (error) => this.errors.push(error));
    socket.on('doc:status', (status) => this.statuses.push(status));
  }

  /**
   * `protocol`: the web app's (its protocol version in the handshake, a packet in one frame),
   * a stock Socket.IO client's (no version, stock framing), or an older version's number.
   */
  static async connect(baseUrl: string, cookie: string | null, options: { reconnection?: boolean; protocol?: 'web' | 'stock' | number } = {}): Promise<SocketClient> {
    const protocol = options.protocol ?? 'web';
    const socket: ClientSocket = io(baseUrl, {
      transports: ['websocket'],
      extraHeaders: cookie ? { cookie } : {},
      forceNew: true,
      reconnection: options.reconnection ?? false,
      ...(protocol === 'web' ? { auth: { protocolVersion: PROTOCOL_VERSION }, parser: packedFramesParser } : {}),
      ...(typeof protocol === 'number' ? { auth: { protocolVersion: protocol } } : {}),
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (error) => {
        socket.disconnect();
        reject(error);
      });
    });
    return new SocketClient(socket);
  }

  /** Joins and resolves once the server's state has been applied (rejects with the ack's code). */
  async join(workspaceId: string, doc: DocName, ydoc: Y.Doc = new Y.Doc()): Promise<{ key: DocKey; doc: Y.Doc; result: JoinResult }> {
    const key = docKey(workspaceId, doc);
    this.attach(key, ydoc);
    const result = await this.emitJoin(workspaceId, doc);
    if (!result.ok) {
      this.docs.delete(key);
      throw Object.assign(new Error(`join refused: ${result.code}`), { code: result.code });
    }
    await this.syncs.get(key);
    return { key, doc: ydoc, result: result.data };
  }

  /**
   * Joins, trying again while the server answers LOAD_FAILED — as the web app does, e.g. while a
   * document is still held by a process that was killed (until its lease runs out).
   */
  async joinRetrying(workspaceId: string, doc: DocName, timeoutMs = 30_000): Promise<{ key: DocKey; doc: Y.Doc; result: JoinResult }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await this.join(workspaceId, doc);
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'LOAD_FAILED' || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  emitJoin(workspaceId: unknown, doc: unknown): Promise<Ack<JoinResult>> {
    return new Promise((resolve) => this.socket.emit('doc:join', { workspaceId, doc } as never, resolve));
  }

  /** Sends a raw sync message and resolves with the server's answer. */
  sync(key: unknown, message: unknown): Promise<Ack<UpdateResult | null>> {
    return new Promise((resolve) => this.socket.emit('doc:sync', key as DocKey, message as Uint8Array, resolve));
  }

  /** Resolves once every message sent so far was answered. */
  async settled(): Promise<void> {
    while (this.pendingAcks.size > 0) await Promise.all([...this.pendingAcks]);
  }

  /** The answers to every local update so far, in the order they were sent. */
  async acks(): Promise<Ack<UpdateResult | null>[]> {
    await this.settled();
    return Promise.all(this.updateAnswers);
  }

  /** The answer to the most recent local update. */
  async lastAck(): Promise<Ack<UpdateResult | null>> {
    const last = this.updateAnswers.at(-1);
    if (!last) throw new Error('no update was sent');
    return last;
  }

  leave(key: DocKey): void {
    this.docs.get(key)?.off('update', this.updateHandlers.get(key)!);
    this.docs.delete(key);
    this.socket.emit('doc:leave', key);
  }

  close(): void {
    this.socket.disconnect();
  }

  private track(answer: Promise<Ack<UpdateResult | null>>): Promise<Ack<UpdateResult | null>> {
    this.pendingAcks.add(answer);
    void answer.then(() => this.pendingAcks.delete(answer));
    return answer;
  }

  private readonly updateHandlers = new Map<DocKey, (update: Uint8Array, origin: unknown) => void>();

  private attach(key: DocKey, ydoc: Y.Doc): void {
    this.docs.set(key, ydoc);
    this.syncs.set(key, new Promise((resolve) => this.synced.set(key, resolve)));
    const handler = (update: Uint8Array, origin: unknown) => {
      if (origin === FROM_SERVER || !this.socket.connected) return;
      this.updateAnswers.push(this.track(this.sync(key, encodeSyncUpdate(update))));
    };
    this.updateHandlers.set(key, handler);
    ydoc.on('update', handler);
  }

  private receive(key: DocKey, message: Uint8Array): void {
    const ydoc = this.docs.get(key);
    if (!ydoc) return;
    const decoded = decodeSyncMessage(message);
    if (decoded.type === SYNC_STEP_1) {
      this.stepTwoAnswers.push(this.track(this.sync(key, encodeSyncStep2(ydoc, decoded.stateVector))));
      return;
    }
    Y.applyUpdate(ydoc, decoded.update, FROM_SERVER);
    if (decoded.type === SYNC_STEP_2) this.synced.get(key)?.();
  }
}

// ---- y-websocket ----

/** The `ws` WebSocket with a Cookie header, as WebsocketProvider's WebSocketPolyfill. */
export function cookieWebSocket(cookie: string | null): unknown {
  return class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers: cookie ? { cookie } : {} });
    }
  };
}

type ProviderOptions = NonNullable<ConstructorParameters<typeof WebsocketProvider>[3]>;

export interface ProviderHandle {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** The close events the provider saw (code, reason). */
  closes: { code: number; reason: string }[];
  synced: Promise<void>;
  destroy(): void;
}

/** A stock y-websocket WebsocketProvider on `/yjs/:workspaceId/:doc`. */
export function connectProvider(baseUrl: string, workspaceId: string, doc: string, cookie: string | null, ydoc: Y.Doc = new Y.Doc()): ProviderHandle {
  const provider = new WebsocketProvider(`${baseUrl.replace(/^http/, 'ws')}/yjs`, `${workspaceId}/${doc}`, ydoc, {
    WebSocketPolyfill: cookieWebSocket(cookie) as ProviderOptions['WebSocketPolyfill'],
    disableBc: true,
    maxBackoffTime: 500,
  });
  const closes: { code: number; reason: string }[] = [];
  provider.on('connection-close', (event) => {
    if (event) closes.push({ code: event.code, reason: event.reason });
  });
  const synced = new Promise<void>((resolve) => {
    if (provider.synced) resolve();
    provider.on('sync', (state: boolean) => {
      if (state) resolve();
    });
  });
  return {
    doc: ydoc,
    provider,
    closes,
    synced,
    destroy: () => provider.destroy(),
  };
}

/** Opens a raw WebSocket to the y-websocket endpoint; resolves once open (or with the close). */
export function openRawSocket(
  baseUrl: string,
  path: string,
  cookie: string | null,
): Promise<{ socket: WebSocket; messages: Uint8Array[]; closed: Promise<{ code: number; reason: string }> }> {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${path}`, { headers: cookie ? { cookie } : {} });
  const messages: Uint8Array[] = [];
  socket.on('message', (data: Buffer) => messages.push(new Uint8Array(data)));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    socket.on('error', () => {});
  });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ socket, messages, closed }));
    socket.once('unexpected-response', (_request, response) => reject(new Error(`upgrade answered ${response.statusCode}`)));
    socket.once('error', reject);
  });
}

// ---- a realtime server with a swappable persistence seam ----

export interface RealtimeServer {
  url: string;
  db: Db;
  rooms: RoomRegistry;
  database: TestDatabase;
  /** Closes the server (flushing rooms) and keeps the database. */
  close(): Promise<void>;
  /** Closes the server and drops the database. */
  stop(): Promise<void>;
}

/**
 * The realtime half of the server (both transports over one room registry) on port 0, with
 * the registry's store wrapped by `wrapStore` — how tests make the database fail on purpose.
 * Wired like server.ts, without the HTTP routes.
 */
export async function startRealtimeServer(
  kind: DbKind,
  options: {
    env?: Record<string, string>;
    wrapStore?: (store: CollabStore) => CollabStore;
    database?: TestDatabase;
    databaseUrl?: string;
    /** Broken-invariant events the test provokes on purpose (see invariantLogger). */
    provokes?: string[];
    /**
     * One process among several: the document relay over this Redis, its channels under `prefix`;
     * `wrap` lets a test hold or change what the process tells the others.
     */
    relay?: { redisUrl: string; prefix: string; wrap?: (relay: DocRelay) => DocRelay };
  } = {},
): Promise<RealtimeServer> {
  const database = options.database ?? (await createTestDatabase(kind));
  const databaseUrl = options.databaseUrl ?? database.databaseUrl;
  const env = loadEnv({
    ...TEST_ENV_DEFAULTS,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: database.dataDir }),
    ...options.env,
  });
  const invariants = invariantLogger(env.LOG_LEVEL, options.provokes);
  const logger = invariants.logger;
  const db = createDb({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
  await migrateToLatest(db.db);
  const baseStore = createCollabStore(db.db, db.postgresPool);
  const relay = options.relay ? await startDocRelay(options.relay.redisUrl, options.relay.prefix, logger) : null;
  const wrapRelay = options.relay?.wrap ?? ((same: DocRelay) => same);
  const rooms = createRoomRegistry({
    db: db.db,
    logger,
    settings: registrySettings(env),
    store: options.wrapStore ? options.wrapStore(baseStore) : baseStore,
    relay: relay && wrapRelay(relay),
  });
  const httpServer = createServer((_request, response) => {
    response.statusCode = 404;
    response.end();
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const quota = new ConnectionQuota(env.MAX_CONNECTIONS_PER_USER);
  const liveConnections = createLiveConnections({ db: db.db, logger, recheckEveryMs: env.SESSION_RECHECK_MS });
  const limits = connectionLimits(env);
  const io = attachSocketIo(httpServer, { db: db.db, env, logger, rooms, liveConnections, quota, limits });
  const yws = attachYWebsocket(httpServer, { db: db.db, env, logger, rooms, liveConnections, quota, limits });
  const { port } = httpServer.address() as AddressInfo;
  const closeServer = closeOnce({ httpServer, transports: [io, yws], rooms, db, beforeDatabase: () => liveConnections.stop(), afterDatabase: relay?.close });
  const close = async () => {
    await closeServer();
    invariants.assertHeld();
  };
  return {
    url: `http://127.0.0.1:${port}`,
    db,
    rooms,
    database,
    close,
    stop: async () => {
      await close();
      await database.drop();
    },
  };
}

/** The document relay of one process among several (see redis/doc-relay.ts), once Redis answers. */
async function startDocRelay(url: string, prefix: string, logger: Logger): Promise<DocRelay & { close(): Promise<void> }> {
  const publisher = createRedisClient(url, 'commands', logger);
  const subscriber = createRedisClient(url, 'subscriber', logger);
  if (!(await whenReady(publisher, 5_000)) || !(await whenReady(subscriber, 5_000))) throw new Error(`Redis at ${url} did not answer`);
  const relay = createDocRelay({ publisher, subscriber, prefix, logger });
  return {
    ...relay,
    close: async () => {
      await relay.close();
      await Promise.all([closeRedisClient(subscriber), closeRedisClient(publisher)]);
    },
  };
}

/**
 * A TCP proxy in front of Postgres that a test can cut (every connection dropped, new ones
 * refused) and restore — a database outage without stopping the shared database server.
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<{ port: number; cut(): void; restore(): void; close(): Promise<void> }> {
  let up = true;
  const sockets = new Set<NetSocket>();
  const server = createNetServer((client) => {
    if (!up) {
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    cut: () => {
      up = false;
      for (const socket of sockets) socket.destroy();
    },
    restore: () => {
      up = true;
    },
    close: async () => {
      up = false;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
