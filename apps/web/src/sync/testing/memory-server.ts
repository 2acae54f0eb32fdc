import {
  decodeSyncMessage,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
  SYNC_STEP_1,
  summarizeUpdate,
  type DocKey,
  type ErrorCode,
  type JoinRequest,
  type Role,
} from '@alliance/shared';
import * as Y from 'yjs';
import type { DocSession, DocTransport, SyncAck } from '../doc-session.js';

/** An update the server took, with who sent it. */
interface Taken {
  key: DocKey;
  update: Uint8Array;
  role: Role;
}

/**
 * A stand-in for the realtime server and the network, for tests of the sync layer: one
 * `Y.Doc` per document, the same join / sync / ack conversation as the real server, and
 * deliveries queued until `flush()` so tests decide when messages arrive. Like the real server
 * it refuses an update that builds on something it lacks (`OUT_OF_SYNC`) and one carrying a
 * Yjs client id someone else's edits came from (`PERMISSION_DENIED`); `crash()` forgets
 * whatever was not stored yet.
 */
export class MemoryServer {
  readonly rooms = new Map<DocKey, Y.Doc>();
  /** Every update stored, in order (an ack is sent once its update is stored). */
  readonly stored: Taken[] = [];
  /** Per document, whose edits each Yjs client id carries (the first to send one claims it). */
  private readonly claims = new Map<DocKey, Map<number, Role>>();
  private readonly queue: (() => void)[] = [];
  /** When false, updates are applied and broadcast but their acks wait for `ackAll()` (a slow database). */
  autoAck = true;
  private readonly heldAcks: (() => void)[] = [];
  /** Refuse the next update with this code (e.g. a permission check failing). */
  refuseNext: ErrorCode | null = null;
  /** Fail the next joins with this code (e.g. the document failed to load). */
  failJoins: { code: ErrorCode; times: number } | null = null;
  readonly connections = new Set<MemoryConnection>();

  room(key: DocKey): Y.Doc {
    let doc = this.rooms.get(key);
    if (!doc) this.rooms.set(key, (doc = new Y.Doc()));
    return doc;
  }

  /** Whose edits a client id of the document carries, if the server has seen it. */
  claimOf(key: DocKey, client: number): Role | undefined {
    return this.claims.get(key)?.get(client);
  }

  /** Judges an update as the real server does; returns the refusal, or null once it is applied. */
  take(key: DocKey, update: Uint8Array, role: Role): ErrorCode | null {
    const room = this.room(key);
    const trial = new Y.Doc();
    Y.applyUpdate(trial, Y.encodeStateAsUpdate(room));
    Y.applyUpdate(trial, update);
    if (trial.store.pendingStructs || trial.store.pendingDs) return 'OUT_OF_SYNC';
    let claims = this.claims.get(key);
    if (!claims) this.claims.set(key, (claims = new Map()));
    const { authors } = summarizeUpdate(update, room);
    if ([...authors].some((client) => (claims.get(client) ?? role) !== role)) return 'PERMISSION_DENIED';
    for (const client of authors) claims.set(client, role);
    Y.applyUpdate(room, update);
    return null;
  }

  /**
   * The process is killed: every connection drops, and the documents (with their client-id
   * claims) are what was stored. Acks held for a slow database are lost with it.
   */
  crash(): void {
    this.heldAcks.length = 0;
    this.queue.length = 0;
    for (const connection of this.connections) connection.drop();
    this.rooms.clear();
    this.claims.clear();
    for (const taken of this.stored) this.take(taken.key, taken.update, taken.role);
  }

  connect(role: Role = 'client'): MemoryConnection {
    const connection = new MemoryConnection(this, role);
    this.connections.add(connection);
    return connection;
  }

  deliver(task: () => void): void {
    this.queue.push(task);
  }

  hold(ack: () => void): void {
    if (this.autoAck) this.deliver(ack);
    else this.heldAcks.push(ack);
  }

  /** Confirms every held update (the database is back). */
  ackAll(): void {
    for (const ack of this.heldAcks.splice(0)) this.deliver(ack);
  }

  /** Delivers queued messages until nothing is left in flight. */
  flush(): void {
    for (let guard = 0; this.queue.length > 0; guard++) {
      if (guard > 10_000) throw new Error('MemoryServer: messages keep flowing');
      this.queue.shift()!();
    }
  }
}

/** One client's connection to the {@link MemoryServer}; hands a {@link DocSession} its transport. */
export class MemoryConnection implements DocTransport {
  connected = true;
  /** Bumped on every drop, so nothing sent on an earlier connection arrives on a later one. */
  private epoch = 0;
  private readonly sessions = new Map<DocKey, DocSession>();
  private readonly joined = new Set<DocKey>();

  constructor(
    private readonly server: MemoryServer,
    private readonly role: Role,
  ) {}

  attach(session: DocSession): void {
    this.sessions.set(session.key, session);
  }

  /** The network drops: nothing in flight arrives any more. */
  drop(): void {
    this.connected = false;
    this.epoch++;
    this.joined.clear();
    for (const session of this.sessions.values()) session.handleDisconnect();
  }

  /** The network is back: the sessions re-join. */
  restore(): void {
    this.connected = true;
    for (const session of this.sessions.values()) session.handleConnect();
  }

  join(request: JoinRequest, done: (result: SyncAck<{ key: DocKey; role: Role; readOnly: boolean }>) => void): void {
    const key = `${request.workspaceId}/${request.doc}` as DocKey;
    const failing = this.server.failJoins;
    if (failing && failing.times > 0) {
      failing.times--;
      this.send(() => done({ ok: false, code: failing.code, message: 'could not load' }));
      return;
    }
    this.joined.add(key);
    const room = this.server.room(key);
    this.send(() => done({ ok: true, data: { key, role: this.role, readOnly: false } }));
    this.send(() => this.sessions.get(key)?.handleSync(encodeSyncStep1(room)));
    this.send(() => this.sessions.get(key)?.handleSync(encodeSyncStep2(room)));
  }

  sync(key: DocKey, message: Uint8Array, done: (result: SyncAck<{ saved: true } | null>) => void): void {
    const epoch = this.epoch;
    this.server.deliver(() => {
      if (epoch !== this.epoch || !this.connected || !this.joined.has(key)) return;
      const decoded = decodeSyncMessage(message);
      const room = this.server.room(key);
      if (decoded.type === SYNC_STEP_1) {
        this.send(() => this.sessions.get(key)?.handleSync(encodeSyncStep2(room, decoded.stateVector)));
        this.send(() => done({ ok: true, data: null }));
        return;
      }
      const forced = this.server.refuseNext;
      this.server.refuseNext = null;
      const refusal = forced ?? this.server.take(key, decoded.update, this.role);
      if (refusal) {
        this.send(() => done({ ok: false, code: refusal, message: 'refused' }));
        return;
      }
      for (const other of this.server.connections) {
        if (other !== this && other.joined.has(key)) other.send(() => other.sessions.get(key)?.handleSync(encodeSyncUpdate(decoded.update)));
      }
      const taken = { key, update: decoded.update, role: this.role };
      this.server.hold(() => {
        this.server.stored.push(taken);
        if (epoch === this.epoch && this.connected) done({ ok: true, data: { saved: true } });
      });
    });
  }

  awareness(key: DocKey, message: Uint8Array): void {
    this.server.deliver(() => {
      for (const other of this.server.connections) {
        if (other !== this && other.joined.has(key) && other.connected) other.sessions.get(key)?.handleAwareness(message);
      }
    });
  }

  leave(key: DocKey): void {
    this.joined.delete(key);
  }

  /** Queues a delivery to this client; it is lost if the connection drops before it arrives. */
  private send(task: () => void): void {
    const epoch = this.epoch;
    this.server.deliver(() => {
      if (epoch === this.epoch && this.connected) task();
    });
  }
}
