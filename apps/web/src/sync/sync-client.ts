import {
  docKey,
  PROTOCOL_VERSION,
  packedFramesParser,
  type ClientToServerEvents,
  type DocKey,
  type DocName,
  type ServerToClientEvents,
} from '@alliance/shared';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { DocSession, type DocTransport, type PresenceUser, type SyncAck } from './doc-session.js';
import type { Outbox } from './outbox.js';

/** State of the one realtime connection a signed-in person has. */
export type ConnectionStatus = 'idle' | 'connecting' | 'online' | 'offline' | 'refused';

export interface SyncClientOptions {
  /** Who is signed in; shown to the other person as presence. */
  user: PresenceUser;
  /**
   * Where this person's unconfirmed edits are kept on the device (see `Outbox`); without one
   * they live only in the page's memory.
   */
  outbox?: Outbox;
  /** Server origin; defaults to the page's own origin. */
  url?: string;
  /** How long an unused document stays open (covers remounts and quick back-and-forth). */
  idleCloseMs?: number;
  /** How long to wait for the server to answer a join. */
  joinTimeoutMs?: number;
  /** Extra Socket.IO options (outside a browser: the session cookie as `extraHeaders`). */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
}

type AllianceSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

interface Entry {
  session: DocSession;
  refs: number;
  closeTimer: ReturnType<typeof setTimeout> | null;
}

/** Socket.IO hands binary payloads over as ArrayBuffer in browsers and Buffer in Node. */
function toBytes(data: unknown): Uint8Array | null {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return null;
}

/**
 * Follows the browser's own idea of the network: when it goes offline, the connection is
 * dropped at once (instead of after Socket.IO's heartbeat timeout, tens of seconds later), so
 * the person sees "offline" right away; when it is back, reconnecting starts without waiting
 * for the backoff.
 */
function watchNetwork(socket: Socket): () => void {
  if (typeof window === 'undefined') return () => {};
  const onOffline = (): void => {
    // Closing the transport (not the socket) keeps Socket.IO's automatic reconnection.
    socket.io.engine?.close();
  };
  const onOnline = (): void => {
    if (socket.connected) return;
    socket.disconnect();
    socket.connect();
  };
  window.addEventListener('offline', onOffline);
  window.addEventListener('online', onOnline);
  return () => {
    window.removeEventListener('offline', onOffline);
    window.removeEventListener('online', onOnline);
  };
}

/**
 * The realtime connection manager: one Socket.IO connection per signed-in person, shared by
 * every open document. It opens documents on demand (reference counted), routes the server's
 * events to them by key, and tells them when the connection drops and comes back so they can
 * re-join and re-sync. Socket.IO does the reconnecting (with backoff).
 */
export class SyncClient implements DocTransport {
  private socket: AllianceSocket | null = null;
  private readonly entries = new Map<DocKey, Entry>();
  private status: ConnectionStatus = 'idle';
  private readonly listeners = new Set<() => void>();
  private readonly workspaceListeners = new Set<(workspaceId: string | null) => void>();
  private readonly editListeners = new Set<() => void>();
  private closed = false;
  private readonly idleCloseMs: number;
  private readonly joinTimeoutMs: number;

  constructor(private readonly options: SyncClientOptions) {
    this.idleCloseMs = options.idleCloseMs ?? 2_000;
    this.joinTimeoutMs = options.joinTimeoutMs ?? 10_000;
  }

  get user(): PresenceUser {
    return this.options.user;
  }

  /** Where this person's unconfirmed edits wait on the device, if anywhere. */
  get outbox(): Outbox | undefined {
    return this.options.outbox;
  }

  // ---- documents ----

  /**
   * The session of a document, created on first use. Safe to call during render: creating
   * a session touches no network; {@link retain} opens it.
   */
  session(workspaceId: string, doc: DocName): DocSession {
    const key = docKey(workspaceId, doc);
    const existing = this.entries.get(key);
    if (existing) return existing.session;
    const session = new DocSession(workspaceId, doc, this, this.options.user, this.options.outbox ?? null);
    session.subscribe(() => this.notifyEdits());
    const entry: Entry = { session, refs: 0, closeTimer: null };
    this.entries.set(key, entry);
    // A session nobody retains (e.g. from a discarded render) is not kept forever.
    this.scheduleClose(entry);
    return session;
  }

  /** Keeps a document open and joined; returns the matching release. */
  retain(session: DocSession): () => void {
    const entry = this.entries.get(session.key);
    if (!entry || entry.session !== session || this.closed) return () => {};
    entry.refs++;
    if (entry.closeTimer) clearTimeout(entry.closeTimer);
    entry.closeTimer = null;
    const socket = this.ensureSocket();
    if (socket.connected && !session.joined) session.handleConnect();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      entry.refs--;
      if (entry.refs === 0) this.scheduleClose(entry);
    };
  }

  /** Closes every document and the connection. Used when the person signs out. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const entry of this.entries.values()) {
      if (entry.closeTimer) clearTimeout(entry.closeTimer);
      entry.session.destroy();
    }
    this.entries.clear();
    this.notifyEdits();
    this.socket?.disconnect();
    this.socket = null;
    this.stopWatchingNetwork?.();
    this.setStatus('idle');
  }

  /**
   * Closes the connection but keeps every document and its local edits, as a network drop
   * would; {@link connect} opens it again and re-syncs.
   */
  disconnect(): void {
    this.socket?.disconnect();
  }

  connect(): void {
    if (!this.closed) this.ensureSocket().connect();
  }

  // ---- connection status, for hooks ----

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getStatus = (): ConnectionStatus => this.status;

  /** Whether any document has local edits a closed tab would lose (not yet kept on the device). */
  readonly getHasUnkeptEdits = (): boolean => {
    for (const entry of this.entries.values()) if (entry.session.hasUnkeptEdits) return true;
    return false;
  };

  /**
   * How many of this person's edits are waiting for the server: those kept on the device (any
   * document, written by any page) and those of open documents not written there yet.
   */
  async countWaitingEdits(): Promise<number> {
    let unkept = 0;
    for (const entry of this.entries.values()) unkept += entry.session.getState().outbox.filter((item) => !item.kept).length;
    const kept = this.outbox ? await this.outbox.count().catch(() => 0) : 0;
    return kept + unkept;
  }

  readonly subscribeEdits = (listener: () => void): (() => void) => {
    this.editListeners.add(listener);
    return () => this.editListeners.delete(listener);
  };

  private notifyEdits(): void {
    for (const listener of [...this.editListeners]) listener();
  }

  /**
   * Calls `listener` when the server says a workspace changed (e.g. the client joined it), and
   * with null each time the connection starts again: what was said while it was down (or
   * before it first came up) never arrived, so anything may have changed.
   */
  onWorkspaceChanged(listener: (workspaceId: string | null) => void): () => void {
    this.workspaceListeners.add(listener);
    return () => this.workspaceListeners.delete(listener);
  }

  // ---- DocTransport ----

  get connected(): boolean {
    return this.socket?.connected === true;
  }

  join(request: Parameters<DocTransport['join']>[0], done: Parameters<DocTransport['join']>[1]): void {
    const socket = this.socket;
    if (!socket?.connected) return;
    socket.timeout(this.joinTimeoutMs).emit('doc:join', request, (error: Error | null, result) => {
      done(error ? { ok: false, code: 'TIMEOUT', message: 'The server did not answer in time.' } : result);
    });
  }

  sync(key: DocKey, message: Uint8Array, done: (result: SyncAck<{ saved: true } | null>) => void): void {
    // Never let Socket.IO buffer a sync message for a later connection: the document must be
    // joined again first, and its step 2 will carry these edits anyway.
    if (this.socket?.connected) this.socket.emit('doc:sync', key, message, done);
  }

  awareness(key: DocKey, message: Uint8Array): void {
    if (this.socket?.connected) this.socket.emit('doc:awareness', key, message);
  }

  leave(key: DocKey): void {
    if (this.socket?.connected) this.socket.emit('doc:leave', key);
  }

  // ---- internals ----

  private scheduleClose(entry: Entry): void {
    if (entry.closeTimer) clearTimeout(entry.closeTimer);
    entry.closeTimer = setTimeout(() => {
      entry.closeTimer = null;
      if (entry.refs > 0) return;
      // Nobody shows the document any more, but some of its edits are not stored yet: keep it
      // (joined again on reconnect) until they are, or they would be lost with it.
      if (entry.session.hasEditsInTransit && !this.closed) {
        this.scheduleClose(entry);
        return;
      }
      entry.session.destroy();
      if (this.entries.get(entry.session.key) === entry) this.entries.delete(entry.session.key);
      this.notifyEdits();
    }, this.idleCloseMs);
  }

  /** Documents that should be joined while the connection is up. */
  private forEachOpen(action: (session: DocSession) => void): void {
    for (const entry of this.entries.values()) if (entry.refs > 0 || entry.session.hasEditsInTransit) action(entry.session);
  }

  private ensureSocket(): AllianceSocket {
    if (this.socket) return this.socket;
    const options = {
      path: '/socket.io',
      transports: ['websocket'],
      withCredentials: true,
      auth: { protocolVersion: PROTOCOL_VERSION },
      parser: packedFramesParser,
      // A connection of its own: a cached one could belong to the person who signed out.
      forceNew: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 5_000,
      ...this.options.socketOptions,
    };
    const socket: AllianceSocket = this.options.url ? io(this.options.url, options) : io(options);
    this.socket = socket;
    this.setStatus('connecting');

    socket.on('connect', () => {
      this.setStatus('online');
      this.forEachOpen((session) => session.handleConnect());
      for (const listener of [...this.workspaceListeners]) listener(null);
    });
    socket.on('disconnect', (reason) => {
      this.setStatus('offline');
      for (const entry of this.entries.values()) entry.session.handleDisconnect();
      // The server closed the connection on purpose (e.g. a restart): Socket.IO does not
      // reconnect by itself then. If our session is gone, the handshake is refused below.
      if (reason === 'io server disconnect') setTimeout(() => this.socket?.connect(), 1_000);
    });
    socket.on('connect_error', (error) => {
      if (socket.active) {
        // A network problem: Socket.IO keeps retrying.
        this.setStatus('offline');
        this.forEachOpen((session) => session.handleDisconnect());
        return;
      }
      // The server's handshake check said no; its reason is the error's message.
      const code = error.message;
      if (code === 'UNAUTHORIZED' || code === 'FORBIDDEN' || code === 'BAD_REQUEST') {
        this.setStatus('refused');
        const message =
          code === 'BAD_REQUEST' ? 'This page is out of date. Reload it to keep working.' : 'Your session has ended. Log in again to keep working.';
        this.forEachOpen((session) => session.handleFatal({ code, message }));
        return;
      }
      // Anything else (the server had a problem checking us): try again shortly.
      this.setStatus('offline');
      this.forEachOpen((session) => session.handleDisconnect());
      setTimeout(() => {
        if (!this.closed && !socket.active) socket.connect();
      }, 2_000);
    });

    const route = (key: DocKey): DocSession | undefined => this.entries.get(key)?.session;
    socket.on('doc:sync', (key, message) => {
      const bytes = toBytes(message);
      if (bytes) route(key)?.handleSync(bytes);
    });
    socket.on('doc:awareness', (key, message) => {
      const bytes = toBytes(message);
      if (bytes) route(key)?.handleAwareness(bytes);
    });
    socket.on('doc:status', (status) => route(status.key)?.handleStatus(status));
    socket.on('doc:error', (error) => route(error.key)?.handleError(error));
    socket.on('workspace:changed', (workspaceId) => {
      for (const listener of [...this.workspaceListeners]) listener(workspaceId);
    });
    this.stopWatchingNetwork = watchNetwork(socket);
    return socket;
  }

  private stopWatchingNetwork: (() => void) | null = null;

  private setStatus(status: ConnectionStatus): void {
    if (this.status === status) return;
    this.status = status;
    for (const listener of this.listeners) listener();
  }
}
