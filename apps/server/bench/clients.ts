import {
  decodeSyncMessage,
  docKey,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
  frameYWebsocket,
  MESSAGE_SYNC,
  PROTOCOL_VERSION,
  packedFramesParser,
  SYNC_STEP_1,
  SYNC_STEP_2,
  type Ack,
  type ClientToServerEvents,
  type DocKey,
  type DocName,
  type JoinResult,
  type ServerToClientEvents,
  type UpdateResult,
} from '@alliance/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { io, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';

/** Transaction origin of updates that came from the server (they are not sent back). */
export const REMOTE = Symbol('remote');

/** Called when the server answered an update: `ok` once it is durably stored. */
export type AckCallback = (ok: boolean, code?: string) => void;

/** One client's copy of one shared document, whatever the transport. */
export interface DocLink {
  readonly doc: Y.Doc;
  /** Whether the transport confirms updates (ours does; the reference does not). */
  readonly confirms: boolean;
  /** Sends one local update. */
  sendUpdate(update: Uint8Array, onAck: AckCallback | null): void;
  /** Called after every update from the server has been applied to `doc`. */
  onRemoteUpdate: (() => void) | null;
  close(): void;
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A Socket.IO connection as the web app makes it (websocket transport, session cookie,
 * protocol version in the handshake); it can join several documents.
 */
export class SocketIoSession {
  private readonly docs = new Map<DocKey, SocketIoDoc>();
  /** Server-side failures reported on the socket (doc:error), by code. */
  readonly errors = new Map<string, number>();

  private constructor(readonly socket: ClientSocket) {
    socket.on('doc:sync', (key, message) => this.docs.get(key)?.receive(message));
    socket.on('doc:error', (error) => this.errors.set(error.code, (this.errors.get(error.code) ?? 0) + 1));
  }

  static async connect(baseUrl: string, cookie: string, timeoutMs = 20_000): Promise<SocketIoSession> {
    const socket: ClientSocket = io(baseUrl, {
      transports: ['websocket'],
      extraHeaders: { cookie },
      auth: { protocolVersion: PROTOCOL_VERSION },
      parser: packedFramesParser,
      forceNew: true,
      reconnection: false,
      timeout: timeoutMs,
    });
    const ready = deferred<void>();
    socket.once('connect', () => ready.resolve());
    socket.once('connect_error', (error) => ready.reject(new Error(`socket.io connect failed: ${error.message}`)));
    try {
      await withTimeout(ready.promise, timeoutMs, 'socket.io connect');
    } catch (error) {
      socket.disconnect();
      throw error;
    }
    return new SocketIoSession(socket);
  }

  /** Joins a document and resolves once the first sync with the server is complete. */
  async join(workspaceId: string, doc: DocName = 'roadmap', timeoutMs = 20_000): Promise<SocketIoDoc> {
    const key = docKey(workspaceId, doc);
    const link = new SocketIoDoc(this.socket, key);
    this.docs.set(key, link);
    try {
      const joined = await withTimeout(
        new Promise<Ack<JoinResult>>((done) => this.socket.emit('doc:join', { workspaceId, doc }, done)),
        timeoutMs,
        'doc:join',
      );
      if (!joined.ok) throw new Error(`doc:join refused: ${joined.code} ${joined.message}`);
      // Like the web app: the server opens with step 1 and step 2; we answer its step 1.
      await withTimeout(link.synced, timeoutMs, 'first sync');
      return link;
    } catch (error) {
      this.docs.delete(key);
      throw error;
    }
  }

  leave(key: DocKey): void {
    this.docs.get(key)?.doc.destroy();
    this.docs.delete(key);
    this.socket.emit('doc:leave', key);
  }

  close(): void {
    for (const link of this.docs.values()) link.doc.destroy();
    this.docs.clear();
    this.socket.disconnect();
  }
}

export class SocketIoDoc implements DocLink {
  readonly doc = new Y.Doc();
  readonly confirms = true;
  onRemoteUpdate: (() => void) | null = null;
  private readonly sync = deferred<void>();
  readonly synced = this.sync.promise;

  constructor(
    private readonly socket: ClientSocket,
    readonly key: DocKey,
  ) {}

  receive(message: Uint8Array): void {
    const sync = decodeSyncMessage(message);
    if (sync.type === SYNC_STEP_1) {
      this.socket.emit('doc:sync', this.key, encodeSyncStep2(this.doc, sync.stateVector), () => {});
      return;
    }
    Y.applyUpdate(this.doc, sync.update, REMOTE);
    if (sync.type === SYNC_STEP_2) this.sync.resolve();
    this.onRemoteUpdate?.();
  }

  sendUpdate(update: Uint8Array, onAck: AckCallback | null): void {
    this.socket.emit('doc:sync', this.key, encodeSyncUpdate(update), (result: Ack<UpdateResult | null>) => {
      if (onAck) onAck(result.ok, result.ok ? undefined : result.code);
    });
  }

  close(): void {
    this.doc.destroy();
    this.socket.emit('doc:leave', this.key);
  }
}

/**
 * A stock y-websocket client over raw `ws` (one connection per document, y-protocols
 * framing): used for the reference server and for our /yjs endpoint alike.
 */
export class YWebsocketDoc implements DocLink {
  readonly doc = new Y.Doc();
  readonly confirms = false;
  onRemoteUpdate: (() => void) | null = null;
  private readonly sync = deferred<void>();
  readonly synced = this.sync.promise;

  private constructor(private readonly socket: WebSocket) {
    socket.binaryType = 'nodebuffer';
    socket.on('message', (data: Buffer) => this.receive(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
    socket.on('close', (code) => this.sync.reject(new Error(`websocket closed with ${code} before the first sync`)));
  }

  static async connect(url: string, cookie: string | null, timeoutMs = 20_000): Promise<YWebsocketDoc> {
    const socket = new WebSocket(url, { headers: cookie ? { cookie } : {}, perMessageDeflate: false });
    const link = new YWebsocketDoc(socket);
    const open = deferred<void>();
    socket.once('open', () => open.resolve());
    socket.once('error', (error) => open.reject(error));
    try {
      await withTimeout(open.promise, timeoutMs, 'websocket open');
      socket.send(frameYWebsocket(MESSAGE_SYNC, encodeSyncStep1(link.doc)));
      await withTimeout(link.synced, timeoutMs, 'first sync');
    } catch (error) {
      socket.terminate();
      throw error;
    }
    return link;
  }

  private receive(message: Uint8Array): void {
    const decoder = decoding.createDecoder(message);
    if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return; // awareness: not part of the load
    const reply = encoding.createEncoder();
    encoding.writeVarUint(reply, MESSAGE_SYNC);
    const type = syncProtocol.readSyncMessage(decoder, reply, this.doc, REMOTE);
    if (encoding.length(reply) > 1) this.socket.send(encoding.toUint8Array(reply));
    if (type === syncProtocol.messageYjsSyncStep2) this.sync.resolve();
    if (type !== syncProtocol.messageYjsSyncStep1) this.onRemoteUpdate?.();
  }

  sendUpdate(update: Uint8Array): void {
    this.socket.send(frameYWebsocket(MESSAGE_SYNC, encodeSyncUpdate(update)));
  }

  close(): void {
    this.doc.destroy();
    this.socket.terminate();
  }
}

/** Where one bench client connects: all a worker thread needs to open it. */
export type LinkSpec =
  | { transport: 'socketio'; url: string; cookie: string; workspaceId: string }
  | { transport: 'y-websocket'; url: string; cookie: string | null };

/** Opens one client on a connection of its own; `close` ends the connection. */
export async function openLink(spec: LinkSpec): Promise<{ link: DocLink; close(): void }> {
  if (spec.transport === 'y-websocket') {
    const link = await YWebsocketDoc.connect(spec.url, spec.cookie);
    return { link, close: () => link.close() };
  }
  const session = await SocketIoSession.connect(spec.url, spec.cookie);
  try {
    const link = await session.join(spec.workspaceId);
    return { link, close: () => session.close() };
  } catch (error) {
    session.close();
    throw error;
  }
}
