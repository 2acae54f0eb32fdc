import type { DocCheckpoint, LoggedUpdate } from '@alliance/db';
import { decodeSyncMessage, defineRoots, encodeSyncStep1, encodeSyncStep2, encodeSyncUpdate, SYNC_STEP_1, type DocKey, type DocName } from '@alliance/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { describeError, type Logger } from '../logger.js';
import { collectNewItems } from './change-shape.js';
import { RoomError } from './errors.js';
import type { DocPolicy, UpdateCheck, UpdateContext } from './policies.js';
import { OutgoingMessage, type RoomConnection, type SaveStatus, type SyncOutcome } from './room-registry.js';
import type { CollabStore } from './store.js';
import type { LogTarget, UpdateLog } from './update-log.js';

export interface RoomSettings {
  maxMessageBytes: number;
  checkpointEveryUpdates: number;
  checkpointEveryMs: number;
}

export interface RoomOptions {
  key: DocKey;
  workspaceId: string;
  docName: DocName;
  documentId: string;
  /** The loaded document (its roots defined by the policy). */
  doc: Y.Doc;
  /** The last logged seq. */
  seq: number;
  /** The seq the latest checkpoint covers. */
  checkpointSeq: number;
  readOnly: boolean;
  policy: DocPolicy;
  store: CollabStore;
  updateLog: UpdateLog;
  logger: Logger;
  settings: RoomSettings;
  /** Runs an automatic checkpoint when the registry has room for one (see Registry). */
  checkpointSlot?: <T>(task: () => Promise<T>) => Promise<T>;
}

export type RoomState = 'open' | 'unloading' | 'closed';

interface Waiter {
  seq: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

const RESOLVED = Promise.resolve();
const CHECKPOINT_RETRY_MAX_MS = 5_000;

/**
 * One open document: the live Y.Doc everyone syncs with, a staging copy used to try updates
 * before they are accepted, the members' awareness, and the bookkeeping that makes accepted
 * updates durable (seqs, the update log, checkpoints). It knows nothing of transports: they
 * talk to it through RoomConnection (out) and receiveSync / receiveAwareness (in).
 *
 * An update runs through a pipeline, in order, and any step may refuse it:
 *   size limit → decode into the staging copy → missing dependencies → nothing new? →
 *   read-only → may this role write here → policy checks (shape, then permissions) →
 *   apply to the live doc → broadcast → log (seq, update log) → confirm once durable.
 * A refused update is not applied, stored or broadcast; the staging copy is dropped and rebuilt
 * from the live document for the next update, so both hold the same state between updates.
 *
 * Cost per accepted update: the update is integrated twice (staging, then live) and encoded
 * once; the roadmap's checks follow the update's size (see change-shape.ts), the feedback
 * board's take one snapshot of the board. A refusal costs one rebuild of the staging copy.
 */
export class Room implements LogTarget {
  readonly key: DocKey;
  readonly workspaceId: string;
  readonly docName: DocName;
  readonly documentId: string;
  readonly doc: Y.Doc;
  readonly awareness: Awareness;
  readOnly: boolean;
  state: RoomState = 'open';

  /** The last seq given to an accepted update. */
  seq: number;
  /** Every update up to this seq is durably logged. */
  durableSeq: number;
  /** The latest checkpoint covers the log up to this seq. */
  checkpointSeq: number;
  readonly unwritten: LoggedUpdate[] = [];

  /** Connections, each with the awareness client ids it introduced. */
  private readonly connections = new Map<RoomConnection, Set<number>>();
  /** Which connection speaks for each awareness client id. */
  private readonly awarenessOwners = new Map<number, RoomConnection>();
  /** HTTP reads and versions holding the room open. */
  private leases = 0;
  /** Built on the first update (a room that is only read never needs it). */
  private staging: Y.Doc | null = null;
  private staged: { transaction: Y.Transaction; newItems: Y.Item[] } | null = null;
  private stagedUpdate: Uint8Array | null = null;
  private waiters: Waiter[] = [];
  private saveState: 'saved' | 'unsaved' = 'saved';
  private checkpointTimer: NodeJS.Timeout | null = null;
  private checkpointing: Promise<void> | null = null;
  /** After a failed checkpoint, the next automatic one waits until then. */
  private checkpointRetryAt = 0;
  private readonly checks: readonly UpdateCheck[];

  constructor(private readonly options: RoomOptions) {
    this.key = options.key;
    this.workspaceId = options.workspaceId;
    this.docName = options.docName;
    this.documentId = options.documentId;
    this.doc = options.doc;
    this.seq = options.seq;
    this.durableSeq = options.seq;
    this.checkpointSeq = options.checkpointSeq;
    this.readOnly = options.readOnly;
    this.checks = options.policy.checks;
    this.awareness = new Awareness(this.doc);
    // The server has no presence of its own.
    this.awareness.setLocalState(null);
    this.awareness.on('update', this.onAwarenessUpdate);
  }

  /** Connections plus leases: the room unloads when this drops to zero. */
  get refs(): number {
    return this.connections.size + this.leases;
  }

  // ---- connections ----

  attach(connection: RoomConnection): void {
    if (this.state === 'closed') throw new RoomError('LOAD_FAILED', 'The document was closed; please join again.');
    if (!this.connections.has(connection)) this.connections.set(connection, new Set());
  }

  /** Removes a connection and its awareness states (told to the others). Returns the refs left. */
  detach(connection: RoomConnection): number {
    const clients = this.connections.get(connection);
    if (clients) {
      this.connections.delete(connection);
      for (const client of clients) this.awarenessOwners.delete(client);
      if (clients.size > 0 && this.state !== 'closed') removeAwarenessStates(this.awareness, [...clients], null);
    }
    return this.refs;
  }

  lease(): void {
    this.leases++;
  }

  release(): number {
    this.leases = Math.max(0, this.leases - 1);
    return this.refs;
  }

  sendInitialSync(connection: RoomConnection, withState: boolean): void {
    connection.send(new OutgoingMessage('sync', encodeSyncStep1(this.doc)));
    if (withState) connection.send(new OutgoingMessage('sync', encodeSyncStep2(this.doc)));
    const states = this.awarenessStates();
    if (states) connection.send(states);
    if (this.saveState === 'unsaved') connection.sendStatus(this.status());
  }

  awarenessStates(): OutgoingMessage | null {
    const clients = [...this.awareness.getStates().keys()];
    return clients.length > 0 ? new OutgoingMessage('awareness', encodeAwarenessUpdate(this.awareness, clients)) : null;
  }

  // ---- incoming messages ----

  receiveSync(connection: RoomConnection, message: Uint8Array): SyncOutcome {
    if (message.byteLength > this.options.settings.maxMessageBytes) throw tooLarge();
    let decoded;
    try {
      decoded = decodeSyncMessage(message);
    } catch {
      throw new RoomError('INVALID_MESSAGE', 'The sync message could not be read.');
    }
    if (decoded.type === SYNC_STEP_1) {
      let reply: Uint8Array;
      try {
        reply = encodeSyncStep2(this.doc, decoded.stateVector);
      } catch {
        throw new RoomError('INVALID_MESSAGE', 'The state vector could not be read.');
      }
      connection.send(new OutgoingMessage('sync', reply));
      return { durable: null };
    }
    return { durable: this.receiveUpdate(connection, decoded.update) };
  }

  /**
   * Runs an update through the pipeline. Throws a RoomError when it is refused; otherwise the
   * returned promise settles once the update (or, for an update that brought nothing new,
   * everything accepted before it) is durably stored.
   */
  receiveUpdate(connection: RoomConnection, update: Uint8Array): Promise<void> {
    if (this.state === 'closed') throw new RoomError('NOT_JOINED', 'The document was closed; please join again.');
    if (update.byteLength > this.options.settings.maxMessageBytes) throw tooLarge();

    this.staged = null;
    this.stagedUpdate = null;
    const staging = (this.staging ??= this.createStaging());
    try {
      Y.applyUpdate(staging, update, connection);
    } catch {
      this.resetStaging();
      throw new RoomError('INVALID_MESSAGE', 'The update could not be read.');
    }
    // Structs or deletions whose dependencies the server does not have would wait, invisible
    // to every check, and surface later inside someone else's update. Refused: a client that
    // really has them sends them along after a fresh sync step 1.
    if (staging.store.pendingStructs !== null || staging.store.pendingDs !== null) {
      this.resetStaging();
      throw new RoomError('INVALID_MESSAGE', 'The update depends on changes the server does not have; sync again.');
    }
    const staged = this.staged as { transaction: Y.Transaction; newItems: Y.Item[] } | null;
    const effective = this.stagedUpdate as Uint8Array | null;
    this.staged = null;
    this.stagedUpdate = null;
    if (!staged || !effective) return this.whenDurable(this.seq); // nothing new

    try {
      if (this.readOnly) throw new RoomError('READ_ONLY', 'This workspace is read-only.');
      if (!this.options.policy.canWrite(connection.role)) throw new RoomError('PERMISSION_DENIED', 'You cannot change this document.');
      const context: UpdateContext = { doc: staging, transaction: staged.transaction, newItems: staged.newItems, before: this.doc, role: connection.role };
      for (const check of this.checks) check(context);
    } catch (error) {
      this.options.policy.rejected();
      this.resetStaging();
      if (error instanceof RoomError) throw error;
      this.options.logger.error('room.check_failed', { documentId: this.documentId, ...describeError(error) });
      throw new RoomError('INVALID_MESSAGE', 'The update could not be checked.');
    }

    // What the staging copy integrated (no more than was new) is what everyone gets and what
    // the log keeps.
    try {
      Y.applyUpdate(this.doc, effective, connection);
    } catch (error) {
      // Cannot happen for an update the staging copy integrated; if it does, start over from
      // the live document rather than let the two drift apart.
      this.options.logger.error('room.apply_failed', { documentId: this.documentId, ...describeError(error) });
      this.options.policy.rejected();
      this.resetStaging();
      throw new RoomError('INTERNAL', 'The update could not be applied.');
    }
    this.options.policy.accepted();
    const seq = ++this.seq;
    this.broadcast(new OutgoingMessage('sync', encodeSyncUpdate(effective)), connection);
    this.options.updateLog.append(this, { seq, update: effective, userId: connection.userId });
    return this.whenDurable(seq);
  }

  /**
   * Presence is relayed as is, except that nobody speaks for a presence another person
   * introduced: such entries are dropped (stock providers echo everyone's presence back, so
   * they are common and harmless; a newer one would be an impersonation).
   */
  receiveAwareness(connection: RoomConnection, update: Uint8Array): void {
    if (update.byteLength > this.options.settings.maxMessageBytes) throw tooLarge();
    let entries: AwarenessEntry[];
    try {
      entries = readAwarenessEntries(update);
    } catch {
      throw new RoomError('INVALID_MESSAGE', 'The awareness update could not be read.');
    }
    const own = entries.filter((entry) => {
      const owner = this.awarenessOwners.get(entry.client);
      return !owner || owner === connection || owner.userId === connection.userId;
    });
    if (own.length === 0) return;
    try {
      applyAwarenessUpdate(this.awareness, own.length === entries.length ? update : writeAwarenessEntries(own), connection);
    } catch {
      throw new RoomError('INVALID_MESSAGE', 'The awareness update could not be read.');
    }
  }

  // ---- durability ----

  /** Settles once every update up to `seq` is durably stored. */
  whenDurable(seq: number): Promise<void> {
    if (seq <= this.durableSeq) return RESOLVED;
    return new Promise((resolve, reject) => this.waiters.push({ seq, resolve, reject }));
  }

  /** Settles once everything accepted so far is durably stored. */
  flush(): Promise<void> {
    return this.whenDurable(this.seq);
  }

  written(_count: number, lastSeq: number): void {
    this.durableSeq = lastSeq;
    let index = 0;
    while (index < this.waiters.length && this.waiters[index]!.seq <= lastSeq) this.waiters[index++]!.resolve();
    if (index > 0) this.waiters = this.waiters.slice(index);
    if (this.saveState === 'unsaved') {
      if (this.unwritten.length === 0) this.saveState = 'saved';
      this.broadcastStatus();
    }
    this.scheduleCheckpoint();
  }

  failed(): void {
    this.saveState = 'unsaved';
    this.broadcastStatus();
  }

  status(): SaveStatus {
    return { state: this.saveState, pending: this.seq - this.durableSeq };
  }

  // ---- checkpoints ----

  /**
   * Saves the whole state as a checkpoint covering the log up to the last durable seq. The
   * state may already hold later updates; loading replays the log after `upToSeq` on top of
   * it, and applying an update twice changes nothing.
   */
  async writeCheckpoint(input: { kind: DocCheckpoint['kind']; label: string | null; createdBy: string | null }): Promise<DocCheckpoint> {
    const upToSeq = this.durableSeq;
    const state = Y.encodeStateAsUpdate(this.doc);
    const checkpoint = await this.options.store.insertCheckpoint({ documentId: this.documentId, upToSeq, state, ...input });
    if (upToSeq > this.checkpointSeq) this.checkpointSeq = upToSeq;
    if (this.durableSeq <= this.checkpointSeq) this.clearCheckpointTimer();
    return checkpoint;
  }

  /** Writes an automatic checkpoint if the log moved on since the last one (one at a time). */
  checkpointIfBehind(): Promise<void> {
    if (this.checkpointing) return this.checkpointing;
    if (this.durableSeq <= this.checkpointSeq || this.state === 'closed') return RESOLVED;
    this.clearCheckpointTimer();
    const write = () => (this.state === 'closed' ? RESOLVED : this.writeCheckpoint({ kind: 'auto', label: null, createdBy: null }).then(() => {}));
    this.checkpointing = (this.options.checkpointSlot ? this.options.checkpointSlot(write) : write()).then(
      () => {
        this.checkpointing = null;
        this.checkpointRetryAt = 0;
        this.scheduleCheckpoint();
      },
      (error: unknown) => {
        this.checkpointing = null;
        this.options.logger.warn('room.checkpoint_failed', { documentId: this.documentId, ...describeError(error) });
        // Not at once: the database is likely down, and the update log is retrying already.
        this.checkpointRetryAt = Date.now() + Math.min(this.options.settings.checkpointEveryMs, CHECKPOINT_RETRY_MAX_MS);
        this.scheduleCheckpoint();
      },
    );
    return this.checkpointing;
  }

  /** Every CHECKPOINT_EVERY_UPDATES durable updates, or CHECKPOINT_EVERY_MS after the first one. */
  private scheduleCheckpoint(): void {
    if (this.state === 'closed' || this.checkpointing) return;
    const behind = this.durableSeq - this.checkpointSeq;
    if (behind <= 0) return;
    const now = Date.now();
    if (behind >= this.options.settings.checkpointEveryUpdates && this.checkpointRetryAt <= now) {
      void this.checkpointIfBehind();
      return;
    }
    if (this.checkpointTimer) return;
    const due = behind >= this.options.settings.checkpointEveryUpdates;
    // Up to a quarter later than asked, at random: rooms that got busy together do not all
    // write their checkpoints in the same moment.
    const every = this.options.settings.checkpointEveryMs * (1 + Math.random() / 4);
    const delay = due ? this.checkpointRetryAt - now : Math.max(every, this.checkpointRetryAt - now);
    this.checkpointTimer = setTimeout(() => {
      this.checkpointTimer = null;
      void this.checkpointIfBehind();
    }, delay);
    this.checkpointTimer.unref();
  }

  private clearCheckpointTimer(): void {
    if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
    this.checkpointTimer = null;
  }

  /** Frees the room. Updates still unwritten are reported and dropped with it (shutdown only). */
  destroy(): void {
    this.state = 'closed';
    this.clearCheckpointTimer();
    const error = new RoomError('INTERNAL', 'The server stopped before the edit was saved.');
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters = [];
    this.connections.clear();
    this.awareness.off('update', this.onAwarenessUpdate);
    this.awareness.destroy();
    this.staging?.destroy();
    this.doc.destroy();
  }

  // ---- internals ----

  private createStaging(): Y.Doc {
    const staging = new Y.Doc();
    defineRoots(staging, this.options.policy.roots);
    Y.applyUpdate(staging, Y.encodeStateAsUpdate(this.doc));
    // Collected before Yjs merges or garbage-collects the new items at the end of the transaction.
    staging.on('afterTransaction', (transaction: Y.Transaction) => {
      this.staged = { transaction, newItems: collectNewItems(transaction) };
    });
    staging.on('update', (update: Uint8Array) => {
      this.stagedUpdate = update;
    });
    return staging;
  }

  private resetStaging(): void {
    this.staging?.destroy();
    this.staging = null;
    this.staged = null;
    this.stagedUpdate = null;
  }

  private broadcast(message: OutgoingMessage, except: RoomConnection | null): void {
    for (const connection of this.connections.keys()) {
      if (connection !== except) connection.send(message);
    }
  }

  private broadcastStatus(): void {
    const status = this.status();
    for (const connection of this.connections.keys()) connection.sendStatus(status);
  }

  private readonly onAwarenessUpdate = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void => {
    const from = origin as RoomConnection;
    const owner = this.connections.get(from);
    if (owner) {
      for (const client of [...added, ...updated]) {
        const previous = this.awarenessOwners.get(client);
        if (previous !== from) {
          if (previous) this.connections.get(previous)?.delete(client);
          this.awarenessOwners.set(client, from);
          owner.add(client);
        }
      }
      for (const client of removed) {
        owner.delete(client);
        this.awarenessOwners.delete(client);
      }
    } else {
      for (const client of removed) {
        const previous = this.awarenessOwners.get(client);
        if (previous) this.connections.get(previous)?.delete(client);
        this.awarenessOwners.delete(client);
      }
    }
    const changed = [...added, ...updated, ...removed];
    if (changed.length === 0) return;
    const message = new OutgoingMessage('awareness', encodeAwarenessUpdate(this.awareness, changed));
    this.broadcast(message, owner ? (origin as RoomConnection) : null);
  };
}

interface AwarenessEntry {
  client: number;
  clock: number;
  /** The state as JSON text, left encoded. */
  state: Uint8Array;
}

/** An awareness update's entries (its format: count, then client id, clock and JSON state each). */
function readAwarenessEntries(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const entries: AwarenessEntry[] = [];
  for (let index = 0; index < count; index++) {
    const client = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const length = decoding.readVarUint(decoder);
    if (length > update.length - decoder.pos) throw new Error('awareness state overruns the message');
    entries.push({ client, clock, state: decoding.readUint8Array(decoder, length) });
  }
  if (decoding.hasContent(decoder)) throw new Error('trailing bytes after the awareness update');
  return entries;
}

function writeAwarenessEntries(entries: AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.client);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarUint8Array(encoder, entry.state);
  }
  return encoding.toUint8Array(encoder);
}

function tooLarge(): RoomError {
  return new RoomError('UPDATE_TOO_LARGE', 'The message is larger than the server accepts.');
}
