import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { recordView } from '@alliance/db';
import { CLOSE_CODES, MESSAGE_AWARENESS, MESSAGE_QUERY_AWARENESS, MESSAGE_SYNC, type ErrorCode, type Role } from '@alliance/shared';
import * as decoding from 'lib0/decoding';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { authenticateCookieHeader } from '../auth/sessions.js';
import { resolveDocAccess } from '../collab/access.js';
import { isRoomError, RoomError } from '../collab/errors.js';
import type { OutgoingMessage, RoomConnection, RoomSession } from '../collab/room-registry.js';
import { describeError } from '../logger.js';
import { ConnectionBudget } from '../collab/budget.js';
import { closeCodeFor, isAllowedOrigin, ownBytes, toClientError } from './handshake.js';
import type { TransportDeps } from './socket-io.js';

/** `/yjs/:workspaceId/:doc` — what a stock WebsocketProvider(`…/yjs`, `${workspaceId}/${doc}`) asks for. */
const PATH = /^\/yjs\/([^/]+)\/([^/]+)$/;
const SOCKET_IO_PATH = '/socket.io/';
/** A connection that did not answer a ping within this long is dropped. */
const PING_INTERVAL_MS = 30_000;
/** The outer framing around the largest accepted sync message. */
const FRAME_HEADROOM_BYTES = 1_024;
/** WebSocket close reasons are at most 123 bytes. */
const MAX_REASON_BYTES = 120;

class WsConnection implements RoomConnection {
  readonly id = randomUUID();
  socket: WebSocket | null = null;
  alive = true;
  /** The room let go before the handshake completed: close as soon as it does. */
  closedWith: { code: number; reason: string } | null = null;
  /** Gives the person's connection slot back (see ConnectionQuota). */
  release: () => void = () => {};
  budget: ConnectionBudget | null = null;

  constructor(
    readonly userId: string,
    readonly name: string,
    readonly role: Role,
  ) {}

  send(message: OutgoingMessage): void {
    // Before the upgrade completes nothing is sent: the opening sync covers it.
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(message.yWebsocketFrame);
  }

  sendStatus(): void {
    // The y-websocket protocol has no save status.
  }

  close(code: ErrorCode, message: string): void {
    this.closedWith = { code: closeCodeFor(code), reason: clip(message) };
    const socket = this.socket;
    if (socket && (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING)) socket.close(this.closedWith.code, this.closedWith.reason);
  }
}

/**
 * The y-websocket endpoint: the standard protocol (sync 0 with step 1 / step 2 / update,
 * awareness 1, query awareness 3) over one WebSocket per document, so a stock
 * `WebsocketProvider` and other Yjs tooling can connect. An adapter over the same rooms as
 * Socket.IO. Access is decided before any document data flows; a refusal completes the
 * handshake and closes at once with a named code (4401, 4403, 4404, 4503), which a stock
 * provider treats as final for 44xx. A refused update closes the connection with its code
 * (4400, 4413, 4422, 4423, 4424): this protocol has no other way to say no.
 */
export function attachYWebsocket(httpServer: HttpServer, deps: TransportDeps): { close(): Promise<void> } {
  const { db, env, logger, rooms } = deps;
  const wss = new WebSocketServer({ noServer: true, maxPayload: env.MAX_MESSAGE_BYTES + FRAME_HEADROOM_BYTES, perMessageDeflate: false });
  const connections = new Map<WebSocket, WsConnection>();
  let closing = false;

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = pathOf(request.url);
    if (path.startsWith(SOCKET_IO_PATH)) return; // Socket.IO's own upgrade listener handles it
    socket.on('error', () => {});
    const match = PATH.exec(path);
    const workspaceId = match ? decodePart(match[1]!) : null;
    const docName = match ? decodePart(match[2]!) : null;
    if (workspaceId === null || docName === null || closing) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    void accept(request, socket, head, workspaceId, docName).catch((error: unknown) => {
      logger.error('yws.upgrade_failed', describeError(error));
      socket.destroy();
    });
  };
  httpServer.on('upgrade', onUpgrade);

  const keepalive = setInterval(() => {
    for (const [socket, connection] of connections) {
      if (!connection.alive) {
        socket.terminate();
        continue;
      }
      connection.alive = false;
      socket.ping();
    }
  }, PING_INTERVAL_MS);
  keepalive.unref();

  async function accept(request: IncomingMessage, socket: Duplex, head: Buffer, workspaceId: string, docName: string): Promise<void> {
    const refuse = (code: ErrorCode, reason: string) => {
      upgrade(request, socket, head, (ws) => ws.close(closeCodeFor(code), clip(reason)));
    };
    if (!isAllowedOrigin(request.headers, env)) return refuse('FORBIDDEN', 'Cross-site connections are not allowed.');
    let roomSession: RoomSession;
    let connection: WsConnection;
    let sessionId: string;
    try {
      const session = await authenticateCookieHeader(db, request.headers.cookie, env);
      if (!session) return refuse('UNAUTHORIZED', 'Please log in.');
      sessionId = session.sessionId;
      const release = deps.quota.take(session.user.id);
      if (!release) return refuse('QUOTA_EXCEEDED', 'Too many connections at once.');
      let access;
      try {
        access = await resolveDocAccess(db, { userId: session.user.id, workspaceId, doc: docName });
      } catch (error) {
        release();
        throw error;
      }
      await recordView(db, { workspaceId: access.workspaceId, userId: access.userId, action: 'doc.open', target: access.doc, read: 'open' }).catch((error: unknown) =>
        logger.warn('audit.write_failed', { action: 'doc.open', ...describeError(error) }),
      );
      connection = new WsConnection(access.userId, session.user.name, access.role);
      connection.release = release;
      connection.budget = new ConnectionBudget(deps.limits);
      // The document is loaded before the handshake completes: once open, messages go
      // straight to the room.
      try {
        roomSession = await rooms.join(access, connection);
      } catch (error) {
        release();
        throw error;
      }
    } catch (error) {
      const { code, message } = toClientError(error, logger, 'yws.join_failed');
      return refuse(code, message);
    }
    const opened = upgrade(request, socket, head, (ws) => serve(ws, connection, roomSession, sessionId));
    if (!opened) {
      roomSession.leave();
      connection.release();
    }
  }

  function serve(ws: WebSocket, connection: WsConnection, roomSession: RoomSession, sessionId: string): void {
    connection.socket = ws;
    connections.set(ws, connection);
    if (connection.closedWith) {
      ws.close(connection.closedWith.code, connection.closedWith.reason);
      roomSession.leave();
      connection.release();
      return;
    }
    const close = (code: number, reason: string) => {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(code, clip(reason));
    };
    // When the login session ends the socket closes with 4401, which a stock provider treats as final.
    const unregister = deps.liveConnections.register({
      sessionId,
      userId: connection.userId,
      close: () => close(CLOSE_CODES.UNAUTHORIZED, 'Your session has ended. Please log in again.'),
    });
    ws.on('pong', () => (connection.alive = true));
    ws.on('error', (error) => logger.debug('yws.socket_error', describeError(error)));
    ws.on('close', () => {
      unregister();
      connections.delete(ws);
      roomSession.leave();
      connection.release();
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      connection.alive = true;
      // Frames that arrive after a refusal (same TCP read) are not processed.
      if (ws.readyState !== WebSocket.OPEN) return;
      if (!isBinary) return close(CLOSE_CODES.INVALID_MESSAGE, 'Messages must be binary.');
      if (connection.budget && !connection.budget.takeMessage()) return close(CLOSE_CODES.RATE_LIMITED, 'Too many messages.');
      const bytes = ownBytes(toBytes(data));
      if (bytes.byteLength > env.MAX_MESSAGE_BYTES) return close(CLOSE_CODES.UPDATE_TOO_LARGE, 'The message is larger than the server accepts.');
      try {
        handleMessage(ws, roomSession, bytes);
      } catch (error) {
        const { code, message } = toClientError(error, logger, 'yws.message_failed');
        close(closeCodeFor(code), message);
      }
    });
    roomSession.start({ withState: false });
  }

  function handleMessage(ws: WebSocket, roomSession: RoomSession, bytes: Uint8Array): void {
    const decoder = decoding.createDecoder(bytes);
    let type: number;
    try {
      type = decoding.readVarUint(decoder);
    } catch {
      throw new RoomError('INVALID_MESSAGE', 'The message could not be read.');
    }
    switch (type) {
      case MESSAGE_SYNC: {
        const outcome = roomSession.receiveSync(decoding.readTailAsUint8Array(decoder));
        // No acknowledgements in this protocol. A refusal heard later (from the process that
        // owns the document) closes the connection as one made here would; an edit that could
        // not be saved is not a refusal: the room asks everyone to join again.
        outcome.durable?.catch((error: unknown) => {
          if (!isRoomError(error) || error.code === 'NOT_SAVED' || error.code === 'INTERNAL') return;
          const { code, message } = toClientError(error, logger, 'yws.message_failed');
          if (ws.readyState === WebSocket.OPEN) ws.close(closeCodeFor(code), clip(message));
        });
        return;
      }
      case MESSAGE_AWARENESS: {
        let update: Uint8Array;
        try {
          const length = decoding.readVarUint(decoder);
          if (length !== bytes.length - decoder.pos) throw new Error('length mismatch');
          update = decoding.readUint8Array(decoder, length);
        } catch {
          throw new RoomError('INVALID_MESSAGE', 'The awareness message could not be read.');
        }
        roomSession.receiveAwareness(update);
        return;
      }
      case MESSAGE_QUERY_AWARENESS: {
        const states = roomSession.awarenessStates();
        if (states && ws.readyState === WebSocket.OPEN) ws.send(states.yWebsocketFrame);
        return;
      }
      default:
        throw new RoomError('INVALID_MESSAGE', `Unknown message type ${type}.`);
    }
  }

  /** Completes the handshake; false when the socket went away or the request was not a valid upgrade. */
  function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, then: (ws: WebSocket) => void): boolean {
    let opened = false;
    if (socket.destroyed || !socket.writable) return false;
    wss.handleUpgrade(request, socket, head, (ws) => {
      opened = true;
      then(ws);
    });
    return opened;
  }

  return {
    close: async () => {
      closing = true;
      clearInterval(keepalive);
      httpServer.off('upgrade', onUpgrade);
      const closed = [...connections.keys()].map(
        (ws) =>
          new Promise<void>((resolve) => {
            ws.once('close', () => resolve());
            ws.close(1001, 'Server shutting down');
            // A peer that does not answer the close handshake is cut.
            setTimeout(() => {
              ws.terminate();
              resolve();
            }, 2_000).unref();
          }),
      );
      await Promise.all(closed);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

function pathOf(url: string | undefined): string {
  try {
    return new URL(url ?? '/', 'http://localhost').pathname;
  } catch {
    return '/';
  }
}

function decodePart(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

function clip(reason: string): string {
  const bytes = Buffer.from(reason);
  return bytes.byteLength <= MAX_REASON_BYTES ? reason : bytes.subarray(0, MAX_REASON_BYTES).toString().replace(/\uFFFD$/, '');
}
