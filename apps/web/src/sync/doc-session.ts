import {
  decodeSyncMessage,
  docKey,
  encodeSyncStep2Update,
  encodeSyncUpdate,
  SYNC_STEP_1,
  SYNC_STEP_2,
  type DocError,
  type DocKey,
  type DocName,
  type DocStatus,
  type JoinRequest,
  type JoinResult,
  type Role,
  type UpdateResult,
} from '@alliance/shared';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { outboxEntryIds, type Outbox } from './outbox.js';
import {
  deriveSaveStatus,
  hasEditsInTransit,
  hasUnconfirmedEdits,
  hasUnkeptEdits,
  initialSyncState,
  keptCount,
  reduceSync,
  type DocSyncState,
  type SaveStatus,
  type SyncErrorCode,
  type SyncEvent,
  type SyncProblem,
} from './save-state.js';

/** An acknowledgement as the sync layer sees it: the server's, or the client's own timeout. */
export type SyncAck<T> = { ok: true; data: T } | { ok: false; code: SyncErrorCode; message: string };

/**
 * What a document session needs from the connection. The Socket.IO client implements it
 * (see `SyncClient`); tests implement it with an in-memory server.
 */
export interface DocTransport {
  /** Whether a message sent now goes out on a live connection (never buffered for later). */
  readonly connected: boolean;
  join(request: JoinRequest, done: (result: SyncAck<JoinResult>) => void): void;
  /** `done` fires when the server has durably stored the edits in `message`, or refused them. */
  sync(key: DocKey, message: Uint8Array, done: (result: SyncAck<UpdateResult | null>) => void): void;
  awareness(key: DocKey, message: Uint8Array): void;
  leave(key: DocKey): void;
}

/** Who this client is, as shown to the other person (presence). */
export interface PresenceUser {
  id: string;
  name: string;
}

/** One person's awareness state in a document. */
export interface PresenceState {
  user?: PresenceUser & { role?: Role };
}

/** Join failures after which retrying cannot help: the document stays closed. */
const FATAL_CODES: ReadonlySet<SyncErrorCode> = new Set(['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_REQUEST', 'INVALID_MESSAGE']);
const JOIN_RETRY_MS = [1_000, 2_000, 5_000, 10_000, 15_000] as const;
/** Refusals the server may lift on a later try (busy, saving backlog): the edits stay, and a fresh sync sends them again after a pause. */
const RESEND_LATER: ReadonlySet<SyncErrorCode> = new Set(['NOT_SAVED', 'RATE_LIMITED', 'QUOTA_EXCEEDED', 'LOAD_FAILED', 'INTERNAL', 'TIMEOUT']);
const RESEND_LATER_MS = [2_000, 5_000, 10_000, 20_000, 30_000] as const;
/** Answers that mean "join again": the join's sync step 2 carries whatever of ours the server lacks. */
const JOIN_AGAIN: ReadonlySet<SyncErrorCode> = new Set(['NOT_JOINED', 'OUT_OF_SYNC']);
/**
 * After an `OUT_OF_SYNC` that a fresh join did not cure, the pauses before joining again. Our
 * edits then build on someone else's that the server lost (it stopped before storing them):
 * only their author can send those, so ours wait for them, without hammering the server.
 */
const OUT_OF_SYNC_RETRY_MS = [2_000, 5_000, 10_000, 30_000] as const;
const WAITING_FOR_OTHERS: SyncProblem = {
  code: 'OUT_OF_SYNC',
  message:
    'Some of your changes build on changes the server has not stored yet, most likely the other person’s from before the connection dropped. Yours are kept on this device and sent again by themselves once theirs are stored.',
};
const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc());

/** The pause before try number `attempt` (from 0) of a schedule; its last pause repeats. */
function pause(schedule: readonly [number, ...number[]], attempt: number): number {
  return schedule[Math.min(attempt, schedule.length - 1)] ?? schedule[0];
}

/** The origin of updates read back from the device: local edits, but not new ones (they are kept already). */
const RESTORED = Symbol('restored from the outbox');

/**
 * One open document over a shared connection: it joins the document, runs the y-protocols sync
 * and awareness, and tracks which local edits the server has confirmed.
 *
 * On every (re)join the server's sync step 1 is answered with a step 2 that carries our own
 * unconfirmed updates, less what the server's state vector says it has. Only our own: the
 * document also holds the other person's edits as the server showed them, and one the server
 * lost (it stopped before storing it) must come back from its author's device, never from
 * ours under our name. Live edits are sent one update at a time once that step 2 has gone out
 * on the current connection.
 *
 * So that a reload or a closed tab loses nothing, each local update is also written to the
 * person's {@link Outbox} on this device as it happens, and removed once an ack settles it: a
 * live update's ack settles its own entry; a step 2's ack settles every entry there was when
 * it was built. On opening, the entries left by an earlier page are applied to the document
 * before the join (and to the updates the step 2 carries). Their dependencies are in the
 * server's state, which has not arrived yet, so Yjs holds them as pending until it does.
 */
export class DocSession {
  readonly key: DocKey;
  readonly doc = new Y.Doc();
  readonly awareness: Awareness;
  private state: DocSyncState = initialSyncState;
  private readonly listeners = new Set<() => void>();
  private nextMessageId = 1;
  /** Bumped on every connect and disconnect so late callbacks from an old connection are ignored. */
  private epoch = 0;
  /** A join was sent on the current connection (the server may talk to us from then on). */
  private joinSent = false;
  /** Our sync step 2 went out on the current connection: live updates may follow it. */
  private step2Sent = false;
  private joinAttempts = 0;
  /** The server accepted a join once: later joins (after a reconnect) open nothing new. */
  private openedOnce = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private resendTimer: ReturnType<typeof setTimeout> | null = null;
  private resendAttempts = 0;
  /** `OUT_OF_SYNC` answers since our last step 2 was confirmed: past the first, joining again waits. */
  private outOfSyncAnswers = 0;
  /** Our local updates the server has not confirmed (nor refused for good), by outbox entry id. */
  private readonly unconfirmed = new Map<string, Uint8Array>();
  private destroyed = false;
  private readonly nextEntryId = outboxEntryIds();
  /** Reading back what the outbox kept; the first join waits for it. Null once done. */
  private restoring: Promise<void> | null;
  /** A join waits for {@link restoring} on the current connection. */
  private joinWaiting = false;

  /**
   * @param outbox Where the person's unconfirmed updates are kept on this device; without
   *   one, they live only in this page's memory.
   */
  constructor(
    readonly workspaceId: string,
    readonly docName: DocName,
    private readonly transport: DocTransport,
    user: PresenceUser | null = null,
    private readonly outbox: Outbox | null = null,
  ) {
    this.key = docKey(workspaceId, docName);
    this.awareness = new Awareness(this.doc);
    if (user) this.awareness.setLocalStateField('user', user);
    this.doc.on('update', this.onDocUpdate);
    this.awareness.on('update', this.onAwarenessUpdate);
    this.restoring = outbox ? this.restore(outbox) : null;
  }

  // ---- what React reads (through hooks) ----

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getState = (): DocSyncState => this.state;

  get saveStatus(): SaveStatus {
    return deriveSaveStatus(this.state);
  }

  /** A join went out (or waits to) on the current connection: the document is joined or being joined. */
  get joined(): boolean {
    return this.joinSent || this.joinWaiting;
  }

  get hasUnconfirmedEdits(): boolean {
    return hasUnconfirmedEdits(this.state);
  }

  /** Edits not yet confirmed that a live connection can still deliver: keep the session open for them. */
  get hasEditsInTransit(): boolean {
    return hasEditsInTransit(this.state);
  }

  /** Edits a closed tab would lose: not written to the device yet, or refused by the server. */
  get hasUnkeptEdits(): boolean {
    return hasUnkeptEdits(this.state);
  }

  /** Local updates kept on this device until the server confirms them. */
  get keptCount(): number {
    return keptCount(this.state);
  }

  // ---- connection lifecycle, driven by the connection manager ----

  /** The connection is (again) up: join the document and sync. */
  handleConnect(): void {
    if (this.destroyed) return;
    this.resetConnection();
    this.dispatch({ type: 'joining' });
    const restoring = this.restoring;
    if (!restoring) {
      this.sendJoin();
      return;
    }
    // The step 2 answering the server must carry what the device kept: join once it is applied.
    const epoch = this.epoch;
    this.joinWaiting = true;
    void restoring.then(() => {
      if (epoch !== this.epoch || this.destroyed) return;
      this.joinWaiting = false;
      if (this.transport.connected) this.sendJoin();
    });
  }

  /** The connection dropped: keep every local edit, forget the other people's presence. */
  handleDisconnect(): void {
    if (this.destroyed) return;
    this.resetConnection();
    this.dispatch({ type: 'disconnected' });
    const others = [...this.awareness.getStates().keys()].filter((client) => client !== this.doc.clientID);
    if (others.length > 0) removeAwarenessStates(this.awareness, others, this);
  }

  /** The connection could not be opened or was refused for good. */
  handleFatal(problem: SyncProblem): void {
    if (this.destroyed) return;
    this.resetConnection();
    this.dispatch({ type: 'disconnected' });
    this.dispatch({ type: 'failed', problem });
  }

  handleSync(message: Uint8Array): void {
    if (this.destroyed || !this.joinSent) return;
    let decoded;
    try {
      decoded = decodeSyncMessage(message);
    } catch {
      console.warn('sync: ignored a malformed message', this.key);
      return;
    }
    if (decoded.type === SYNC_STEP_1) {
      // The server's state vector: answer with every edit of ours it is missing (offline ones too).
      this.sendStep2(decoded.stateVector);
      return;
    }
    Y.applyUpdate(this.doc, decoded.update, this);
    if (decoded.type !== SYNC_STEP_2) return;
    // The server skipped its step 1: its full state tells us its state vector just as well.
    if (!this.step2Sent) this.sendStep2(Y.encodeStateVectorFromUpdate(decoded.update));
    this.dispatch({ type: 'synced' });
  }

  handleAwareness(message: Uint8Array): void {
    if (this.destroyed || !this.joinSent) return;
    try {
      applyAwarenessUpdate(this.awareness, message, this);
    } catch {
      console.warn('sync: ignored a malformed awareness message', this.key);
    }
  }

  handleStatus(status: DocStatus): void {
    if (!this.destroyed) this.dispatch({ type: 'server-status', state: status.state });
  }

  handleError(error: DocError): void {
    if (this.destroyed) return;
    if (JOIN_AGAIN.has(error.code)) {
      // The server forgot us (e.g. it restarted the room): join again, which re-syncs.
      if (this.transport.connected) this.handleConnect();
      return;
    }
    const problem = { code: error.code, message: error.message };
    if (FATAL_CODES.has(error.code)) this.handleFatal(problem);
    else this.refuse(null, problem);
  }

  /** Leaves the document and frees it. The session cannot be used afterwards. */
  destroy(): void {
    if (this.destroyed) return;
    // Tell the other person we left while the connection can still carry it.
    removeAwarenessStates(this.awareness, [this.doc.clientID], 'local');
    if (this.joinSent && this.transport.connected) this.transport.leave(this.key);
    this.destroyed = true;
    this.resetConnection();
    this.doc.off('update', this.onDocUpdate);
    this.awareness.off('update', this.onAwarenessUpdate);
    this.awareness.destroy();
    this.doc.destroy();
    this.listeners.clear();
  }

  // ---- internals ----

  private sendJoin(): void {
    const epoch = this.epoch;
    this.joinSent = true;
    this.transport.join({ workspaceId: this.workspaceId, doc: this.docName, ...(this.openedOnce ? { reopen: true } : {}) }, (result) => {
      if (epoch !== this.epoch || this.destroyed) return;
      if (result.ok) {
        this.joinAttempts = 0;
        this.openedOnce = true;
        this.dispatch({ type: 'joined', role: result.data.role, readOnly: result.data.readOnly });
        const user = (this.awareness.getLocalState() as PresenceState | null)?.user;
        // Setting the field announces us; it is sent by onAwarenessUpdate.
        if (user) this.awareness.setLocalStateField('user', { ...user, role: result.data.role });
        else this.sendAwareness([this.doc.clientID]);
        return;
      }
      const problem = { code: result.code, message: result.message };
      if (FATAL_CODES.has(result.code)) {
        this.handleFatal(problem);
        return;
      }
      // Loading failed or the server is busy: try again while the connection lasts.
      this.joinSent = false;
      const delay = pause(JOIN_RETRY_MS, this.joinAttempts);
      this.joinAttempts++;
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        if (epoch === this.epoch && this.transport.connected) this.sendJoin();
      }, delay);
    });
  }

  /** Answers the server's state vector with our unconfirmed updates it lacks: every unconfirmed local edit, if there is any. */
  private sendStep2(stateVector: Uint8Array): void {
    const carries = this.state.unsent || this.state.outbox.length > 0 ? 'all' : null;
    const ours = [...this.unconfirmed.values()];
    const update = ours.length === 0 ? EMPTY_UPDATE : Y.diffUpdate(ours.length === 1 ? ours[0]! : Y.mergeUpdates(ours), stateVector);
    this.step2Sent = true;
    this.send(encodeSyncStep2Update(update), carries, true);
  }

  /** Applies the updates the outbox kept for this document (an earlier page's unconfirmed edits). */
  private async restore(outbox: Outbox): Promise<void> {
    try {
      const entries = await outbox.list(this.key);
      if (this.destroyed || entries.length === 0) return;
      const applied: string[] = [];
      const unreadable: string[] = [];
      this.doc.transact(() => {
        for (const entry of entries) {
          try {
            Y.applyUpdate(this.doc, entry.update, RESTORED);
            applied.push(entry.id);
            this.unconfirmed.set(entry.id, entry.update);
          } catch {
            unreadable.push(entry.id);
          }
        }
      }, RESTORED);
      if (unreadable.length > 0) void outbox.remove(this.key, unreadable).catch(() => {});
      this.dispatch({ type: 'restored', entries: applied });
    } catch {
      console.warn('sync: could not read the changes kept on this device', this.key);
    } finally {
      this.restoring = null;
    }
  }

  private resetConnection(): void {
    this.epoch++;
    this.joinSent = false;
    this.joinWaiting = false;
    this.step2Sent = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    // A join is on its way (or the connection is gone): it carries what a pending resend would.
    if (this.resendTimer) clearTimeout(this.resendTimer);
    this.resendTimer = null;
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this || origin === RESTORED || this.destroyed) return; // applied from the server, or kept already
    const entry = this.nextEntryId();
    this.unconfirmed.set(entry, update);
    this.dispatch({ type: 'local-change', entry });
    // Written at once, so that a tab closed a moment later still has it.
    this.outbox?.add(this.key, { id: entry, update }).then(
      () => this.dispatch({ type: 'kept', entry }),
      () => console.warn('sync: a change could not be kept on this device', this.key),
    );
    if (this.step2Sent && this.transport.connected) this.send(encodeSyncUpdate(update), [entry]);
  };

  private readonly onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin !== 'local') return; // only our own state goes out
    this.sendAwareness([...added, ...updated, ...removed]);
  };

  private sendAwareness(clients: number[]): void {
    if (!this.joinSent || !this.transport.connected || clients.length === 0) return;
    this.transport.awareness(this.key, encodeAwarenessUpdate(this.awareness, clients));
  }

  /** Sends a sync message; `carries` names the local edits in it that must be confirmed (null: none). */
  private send(message: Uint8Array, carries: 'all' | readonly string[] | null, step2 = false): void {
    const epoch = this.epoch;
    const id = this.nextMessageId++;
    const tracked = carries !== null;
    if (tracked) this.dispatch({ type: 'sent', id, carries });
    this.transport.sync(this.key, message, (result) => {
      if (epoch !== this.epoch || this.destroyed) return;
      if (result.ok) {
        if (tracked) this.dispatch({ type: 'acked', id });
        this.resendAttempts = 0;
        if (step2) this.outOfSyncAnswers = 0;
      } else if (result.code === 'OUT_OF_SYNC') {
        this.outOfSync(tracked ? id : null);
      } else if (JOIN_AGAIN.has(result.code)) {
        this.handleConnect();
      } else {
        this.refuse(id, { code: result.code, message: result.message });
      }
    });
  }

  /**
   * The server lacks something our update builds on. Usually it missed a message, and joining
   * again cures it at once. If that did not, what is missing is someone else's (see
   * {@link OUT_OF_SYNC_RETRY_MS}): say so, and join again after a pause.
   */
  private outOfSync(id: number | null): void {
    const answers = this.outOfSyncAnswers++;
    if (answers === 0) {
      this.handleConnect();
      return;
    }
    this.dispatch({ type: 'refused', id, problem: WAITING_FOR_OTHERS });
    this.joinAgainAfter(pause(OUT_OF_SYNC_RETRY_MS, answers - 1));
  }

  /** A refusal: shown; one the server may lift later is tried again, after a pause, by joining afresh. */
  private refuse(id: number | null, problem: SyncProblem): void {
    this.dispatch({ type: 'refused', id, problem });
    if (!RESEND_LATER.has(problem.code) || this.resendTimer) return;
    this.joinAgainAfter(pause(RESEND_LATER_MS, this.resendAttempts++));
  }

  /** Joins afresh after `delay` ms, unless a join is already waiting (its sync sends everything again). */
  private joinAgainAfter(delay: number): void {
    if (this.resendTimer) return;
    this.resendTimer = setTimeout(() => {
      this.resendTimer = null;
      if (!this.destroyed && this.transport.connected) this.handleConnect();
    }, delay);
  }

  private dispatch(event: SyncEvent): void {
    if (this.destroyed) return;
    const previous = this.state;
    const next = reduceSync(previous, event);
    if (next === previous) return;
    this.state = next;
    // Entries that left the outbox are settled (confirmed, or refused for good): off the device with them.
    if (next.outbox.length < previous.outbox.length) {
      const remaining = new Set(next.outbox.map((item) => item.id));
      const settled = previous.outbox.filter((item) => !remaining.has(item.id)).map((item) => item.id);
      for (const id of settled) this.unconfirmed.delete(id);
      this.outbox?.remove(this.key, settled).catch(() => console.warn('sync: could not forget confirmed changes on this device', this.key));
    }
    for (const listener of this.listeners) listener();
  }
}
