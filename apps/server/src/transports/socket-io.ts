import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { listMembers, recordView } from '@alliance/db';
import {
  docKey,
  parseDocKey,
  PROTOCOL_VERSION,
  serverFramesParser,
  type Ack,
  type ClientToServerEvents,
  type DocKey,
  type ErrorCode,
  type InterServerEvents,
  type JoinResult,
  type Role,
  type ServerToClientEvents,
  type SocketData,
  type UpdateResult,
} from '@alliance/shared';
import { Server, type Socket } from 'socket.io';
import type { LiveConnections } from '../auth/live-connections.js';
import { authenticateCookieHeader } from '../auth/sessions.js';
import { resolveDocAccess } from '../collab/access.js';
import type { Database } from '@alliance/db';
import type { Kysely } from 'kysely';
import type { OutgoingMessage, RoomConnection, RoomRegistry, RoomSession, SaveStatus } from '../collab/room-registry.js';
import type { Env } from '../env.js';
import type { WorkspaceEvents } from '../events/workspace-events.js';
import { describeError, type Logger } from '../logger.js';
import { ConnectionBudget, type ConnectionLimits } from '../collab/budget.js';
import { coalesceWrites, packBinaryWrites } from './coalesced-writes.js';
import type { ConnectionQuota } from './connection-quota.js';
import { isAllowedOrigin, ownBytes, toClientError } from './handshake.js';

export interface TransportDeps {
  db: Kysely<Database>;
  env: Env;
  logger: Logger;
  rooms: RoomRegistry;
  /** Each person's realtime connections, over both endpoints. */
  quota: ConnectionQuota;
  /** What each connection may send (rate, refusals in a row). */
  limits?: ConnectionLimits;
  /** Workspace changes outside the documents, told to both members' open pages. */
  events?: WorkspaceEvents;
  /** Every open connection is registered here, so it closes when its login session ends. */
  liveConnections: LiveConnections;
}

type IoServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

function userRoom(userId: string): string {
  return `user:${userId}`;
}

/** Room for the event name, key and packet framing around the largest accepted message. */
const FRAME_HEADROOM_BYTES = 64 * 1024;
/**
 * Refusals of what a well-behaved client does not keep sending (an update built on a refused
 * one is out of sync: our client joins again at the first). Others — the server busy or saving
 * a backlog — say nothing about the client and are not counted.
 */
const CLIENT_FAULTS: ReadonlySet<ErrorCode> = new Set(['INVALID_MESSAGE', 'UPDATE_TOO_LARGE', 'SHAPE_VIOLATION', 'PERMISSION_DENIED', 'OUT_OF_SYNC']);

/** A page opens three documents at most; this bounds what one socket can hold open. */
const MAX_DOCS_PER_SOCKET = 16;

class SocketConnection implements RoomConnection {
  readonly id = randomUUID();
  constructor(
    private readonly socket: IoSocket,
    readonly key: DocKey,
    readonly userId: string,
    readonly name: string,
    readonly role: Role,
    /** Forgets the document on this socket (the room let go of it). */
    private readonly onClose: () => void,
  ) {}

  send(message: OutgoingMessage): void {
    if (message.kind === 'sync') this.socket.emit('doc:sync', this.key, message.payload);
    else this.socket.emit('doc:awareness', this.key, message.payload);
  }

  sendStatus(status: SaveStatus): void {
    this.socket.emit('doc:status', { key: this.key, ...status });
  }

  close(code: ErrorCode, message: string): void {
    this.onClose();
    this.socket.emit('doc:error', { key: this.key, code, message });
  }
}

/**
 * The Socket.IO transport the web app uses: an adapter over the room registry. One socket can
 * hold several documents; every inbound payload is checked (types, key, joined?) and a bad one
 * is answered with a named error, never a throw.
 */
export function attachSocketIo(httpServer: HttpServer, deps: TransportDeps): { io: IoServer; close(): Promise<void> } {
  const { db, env, logger, rooms } = deps;
  const io: IoServer = new Server(httpServer, {
    transports: ['websocket'],
    serveClient: false,
    maxHttpBufferSize: env.MAX_MESSAGE_BYTES + FRAME_HEADROOM_BYTES,
    // Other upgrade paths (/yjs/…) belong to the y-websocket transport: do not end them.
    destroyUpgrade: false,
    // Reads a packet in one frame or stock-framed; writes stock frames unless a client asks (below).
    parser: serverFramesParser,
  });
  coalesceWrites(io);

  io.use((socket, next) => {
    void (async () => {
      if (!isAllowedOrigin(socket.request.headers, env)) return next(new Error('FORBIDDEN'));
      const version = (socket.handshake.auth as { protocolVersion?: unknown } | undefined)?.protocolVersion;
      if (version !== undefined && version !== PROTOCOL_VERSION) return next(new Error('BAD_REQUEST'));
      const session = await authenticateCookieHeader(db, socket.request.headers.cookie, env);
      if (!session) return next(new Error('UNAUTHORIZED'));
      const release = deps.quota.take(session.user.id);
      if (!release) return next(new Error('QUOTA_EXCEEDED'));
      socket.once('disconnect', release);
      socket.data.userId = session.user.id;
      socket.data.sessionId = session.sessionId;
      // The web app states the protocol version; it reads a packet in one frame. Stock clients do not.
      if (version === PROTOCOL_VERSION) packBinaryWrites(socket);
      next();
    })().catch((error: unknown) => {
      logger.warn('socketio.handshake_failed', describeError(error));
      next(new Error('INTERNAL'));
    });
  });

  io.on('connection', (socket) => {
    // When the login session ends the socket is closed; the client's reconnection is then
    // refused with UNAUTHORIZED, which tells the person to log in again.
    const unregister = deps.liveConnections.register({ sessionId: socket.data.sessionId, userId: socket.data.userId, close: () => socket.disconnect(true) });
    socket.on('disconnect', unregister);
    // A personal room, so workspace news reaches every page the member has open.
    void socket.join(userRoom(socket.data.userId));
    handleSocket(socket);
  });

  // A workspace's news goes out in the order it happened (a session's versions before the
  // session's end), though each looks its members up on its own: each waits for the one before.
  const telling = new Map<string, Promise<void>>();
  const unsubscribe = deps.events?.subscribe((workspaceId, change) => {
    const members = listMembers(db, workspaceId);
    const told = (telling.get(workspaceId) ?? Promise.resolve())
      .then(() => members)
      .then((found) => {
        if (found.length > 0) io.to(found.map((member) => userRoom(member.userId))).emit('workspace:changed', workspaceId, change);
      })
      .catch((error: unknown) => logger.warn('socketio.workspace_changed_failed', describeError(error)));
    telling.set(workspaceId, told);
    void told.then(() => {
      if (telling.get(workspaceId) === told) telling.delete(workspaceId);
    });
  });

  return {
    io,
    close: async () => {
      unsubscribe?.();
      // Not io.close(): it also waits for the HTTP server to close, i.e. for every other
      // connection (y-websocket ones included) to end. Each socket leaves its rooms here; the
      // HTTP server is closed by its owner.
      io.disconnectSockets(true);
      io.engine.close();
    },
  };

  function handleSocket(socket: IoSocket): void {
    const joined = new Map<DocKey, RoomSession>();
    const joining = new Set<DocKey>();
    const { userId } = socket.data;
    const budget = new ConnectionBudget(deps.limits);
    /** A refused update the client should never have sent: after too many in a row the socket is dropped. */
    const countRefusal = (key: unknown, code: ErrorCode): void => {
      if (!CLIENT_FAULTS.has(code) || !budget.refused()) return;
      fail(key, 'RATE_LIMITED', 'Too many refused changes: disconnected.');
      socket.disconnect(true);
    };

    const fail = (key: unknown, code: ErrorCode, message: string): void => {
      socket.emit('doc:error', { key: (typeof key === 'string' ? key.slice(0, 100) : '') as DocKey, code, message });
    };

    socket.on('doc:join', (request: unknown, ack: unknown) => {
      const reply = typeof ack === 'function' ? (ack as (result: Ack<JoinResult>) => void) : null;
      const refuse = (code: ErrorCode, message: string) => (reply ? reply({ ok: false, code, message }) : fail('', code, message));
      const body = request as { workspaceId?: unknown; doc?: unknown } | null;
      if (typeof body !== 'object' || body === null || typeof body.workspaceId !== 'string' || typeof body.doc !== 'string') {
        return refuse('INVALID_MESSAGE', 'doc:join expects { workspaceId, doc }.');
      }
      const { workspaceId, doc } = body;
      void (async () => {
        try {
          // Membership and the session are read again on every join, never cached.
          const session = await authenticateCookieHeader(db, socket.request.headers.cookie, env);
          if (!session || session.user.id !== userId) {
            refuse('UNAUTHORIZED', 'Please log in again.');
            socket.disconnect(true);
            return;
          }
          const access = await resolveDocAccess(db, { userId, workspaceId, doc });
          const key = docKey(access.workspaceId, access.doc);
          const existing = joined.get(key);
          if (existing) {
            // Joining again (e.g. after a missed message) re-runs the opening sync.
            reply?.({ ok: true, data: { key, role: existing.role, readOnly: existing.readOnly } });
            existing.start({ withState: true });
            return;
          }
          if (joining.has(key)) return refuse('INVALID_MESSAGE', 'This document is already being joined.');
          if (joined.size + joining.size >= MAX_DOCS_PER_SOCKET) return refuse('INVALID_MESSAGE', 'Too many documents open on one connection.');
          joining.add(key);
          // A re-join after a reconnect is no new opening (recordView never lets it hide one).
          const read = (body as { reopen?: unknown }).reopen === true ? 'refresh' : 'open';
          await recordView(db, { workspaceId: access.workspaceId, userId, action: 'doc.open', target: access.doc, read }).catch((error: unknown) =>
            logger.warn('audit.write_failed', { action: 'doc.open', ...describeError(error) }),
          );
          let roomSession: RoomSession;
          const connection = new SocketConnection(socket, key, userId, session.user.name, access.role, () => {
            if (joined.get(key) === roomSession) joined.delete(key);
            // The room let go of this connection: its hold (and the person's count of open documents) goes too.
            roomSession?.leave();
          });
          try {
            roomSession = await rooms.join(access, connection);
          } finally {
            joining.delete(key);
          }
          if (socket.disconnected) {
            roomSession.leave();
            return;
          }
          joined.set(key, roomSession);
          reply?.({ ok: true, data: { key, role: access.role, readOnly: roomSession.readOnly } });
          roomSession.start({ withState: true });
        } catch (error) {
          const { code, message } = toClientError(error, logger, 'socketio.join_failed');
          refuse(code, message);
        }
      })();
    });

    socket.on('doc:leave', (key: unknown) => {
      const parsed = parseDocKey(key);
      if (!parsed) return fail(key, 'INVALID_MESSAGE', 'doc:leave expects a document key.');
      const session = joined.get(key as DocKey);
      if (!session) return;
      joined.delete(key as DocKey);
      session.leave();
    });

    socket.on('doc:sync', (key: unknown, message: unknown, ack: unknown) => {
      const reply = typeof ack === 'function' ? (ack as (result: Ack<UpdateResult | null>) => void) : null;
      const refuse = (code: ErrorCode, text: string) => (reply ? reply({ ok: false, code, message: text }) : fail(key, code, text));
      if (!parseDocKey(key)) return refuse('INVALID_MESSAGE', 'doc:sync expects a document key.');
      if (!(message instanceof Uint8Array)) return refuse('INVALID_MESSAGE', 'doc:sync expects a binary message.');
      const session = joined.get(key as DocKey);
      if (!session) return refuse('NOT_JOINED', 'Join the document first.');
      if (!budget.takeMessage()) return refuse('RATE_LIMITED', 'Too many messages; slow down.');
      let outcome;
      try {
        outcome = session.receiveSync(ownBytes(message));
      } catch (error) {
        const { code, message: text } = toClientError(error, logger, 'socketio.sync_failed');
        refuse(code, text);
        countRefusal(key, code);
        return;
      }
      budget.accepted();
      if (!outcome.durable) return reply?.({ ok: true, data: null });
      outcome.durable.then(
        () => reply?.({ ok: true, data: { saved: true } }),
        (error: unknown) => {
          const { code, message: text } = toClientError(error, logger, 'socketio.save_failed');
          refuse(code, text);
        },
      );
    });

    socket.on('doc:awareness', (key: unknown, message: unknown) => {
      if (!parseDocKey(key)) return fail(key, 'INVALID_MESSAGE', 'doc:awareness expects a document key.');
      if (!(message instanceof Uint8Array)) return fail(key, 'INVALID_MESSAGE', 'doc:awareness expects a binary message.');
      const session = joined.get(key as DocKey);
      if (!session) return fail(key, 'NOT_JOINED', 'Join the document first.');
      if (!budget.takeMessage()) return fail(key, 'RATE_LIMITED', 'Too many messages; slow down.');
      try {
        session.receiveAwareness(ownBytes(message));
      } catch (error) {
        const { code, message: text } = toClientError(error, logger, 'socketio.awareness_failed');
        fail(key, code, text);
      }
    });

    socket.on('disconnect', () => {
      for (const session of joined.values()) session.leave();
      joined.clear();
    });
  }
}
