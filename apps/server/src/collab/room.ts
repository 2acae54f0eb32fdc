import type { ClientClaim, DocVersion, LeaseClaim, NewVersion } from '@alliance/db';
import {
  decodeSyncMessage,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
  StagingDoc,
  summarizeUpdate,
  SYNC_STEP_1,
  validateDocOfKind,
  type DocKey,
  type DocKind,
  type DocName,
} from '@alliance/shared';
import * as Y from 'yjs';
import { describeError, type Logger } from '../logger.js';
import { RoomError } from './errors.js';
import type { ChangeWatcher } from './change-watch.js';
import { stateAt } from './history.js';
import { fromConnection, ownerOf, type ChangeOrigin } from './origin.js';
import { Presence, type PresenceSettings } from './presence.js';
import { OutgoingMessage, type RoomConnection, type SaveStatus, type SyncOutcome } from './room-registry.js';
import type { CollabStore } from './store.js';
import type { LogTarget, UpdateLog } from './update-log.js';

export interface RoomSettings {
  maxMessageBytes: number;
  /** A document stops growing past about this size (updates that only delete still go through). */
  maxDocumentBytes: number;
  /** Accepted but unwritten bytes, over all rooms, past which updates are refused for now. */
  maxUnsavedBytes: number;
  checkpointEveryUpdates: number;
  checkpointEveryMs: number;
  /** Validate the whole document after every accepted update (tests: the backstop on every step). */
  validateEveryUpdate: boolean;
  presence: PresenceSettings;
}

export interface RoomOptions {
  key: DocKey;
  workspaceId: string;
  kind: DocKind;
  documentId: string;
  /** The loaded document (its roots defined by its kind). */
  doc: Y.Doc;
  /** The last logged seq. */
  seq: number;
  /** The seq the latest checkpoint covers. */
  checkpointSeq: number;
  /** About how large the document is (its checkpoint and logged updates), in bytes. */
  bytes: number;
  /** Whose each Yjs client id of the document is (null: the server's). */
  clientOwners: Map<number, string | null>;
  /** The lease this process holds on the document: every write is fenced by it. */
  lease: LeaseClaim;
  readOnly: boolean;
  store: CollabStore;
  updateLog: UpdateLog;
  logger: Logger;
  settings: RoomSettings;
  /** Runs an automatic checkpoint when the registry has room for one (see Registry). */
  checkpointSlot?: <T>(task: () => Promise<T>) => Promise<T>;
  /**
   * The room cannot go on (it lost its lease, or the live document no longer holds exactly what
   * was checked): the registry closes it, its members join again and it is loaded afresh.
   */
  onFailed(room: Room, reason: 'lease_lost' | 'diverged'): void;
  /** A version people can see was saved (a session's, a named one or an automatic one). */
  onVersion?(room: Room, version: DocVersion): void;
  /** Told of what accepted changes did, once they are stored (see ChangeWatcher). */
  watch?: ChangeWatcher;
}

export type RoomState = 'open' | 'unloading' | 'closed';

interface Waiter {
  seq: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

const RESOLVED = Promise.resolve();
const CHECKPOINT_RETRY_MAX_MS = 5_000;
/** How many times a checkpoint waits for a moment with nothing unwritten before it settles for less. */
const CHECKPOINT_QUIET_TRIES = 5;
/** Transaction origin of accepted updates applied to the live document. */
const ACCEPTED = Symbol('accepted');

/**
 * One open document: the live Y.Doc everyone syncs with, a staging copy used to try updates
 * before they are accepted, the members' presence, and the bookkeeping that makes accepted
 * updates durable (seqs, the update log, checkpoints). It knows nothing of transports: they
 * talk to it through RoomConnection (out) and receiveSync / receiveAwareness (in); the server's
 * own changes come in through receiveUpdate with an origin of their own.
 *
 * An update runs through a pipeline, in order, and any step may refuse it:
 *   size limit → read its structs: content our documents hold? client ids the sender's? →
 *   document size → apply to the staging copy, judged inside its one transaction (shape, then
 *   the kind's rules, as the sender's role) → anything pending? nothing new? → read-only → may
 *   this role write here → apply to the live doc, which must integrate exactly what the staging
 *   copy did → broadcast → log (seq, client ids it introduced, update log) → confirm once durable.
 * A refused update is not applied, stored or broadcast; the staging copy is dropped and rebuilt
 * from the live document for the next update, so both hold the same state between updates.
 */
export class Room implements LogTarget {
  readonly key: DocKey;
  readonly workspaceId: string;
  readonly docName: DocName;
  readonly kind: DocKind;
  readonly documentId: string;
  readonly doc: Y.Doc;
  private readOnlyState: boolean;
  private stateNow: RoomState = 'open';

  /** The last seq given to an accepted update. */
  seq: number;
  /** Every update up to this seq is durably logged. */
  durableSeq: number;
  /** The latest checkpoint covers the log up to this seq. */
  checkpointSeq: number;
  lease: LeaseClaim;

  private readonly connections = new Set<RoomConnection>();
  private readonly presence: Presence;
  private presenceSweep: NodeJS.Timeout | null = null;
  /** HTTP reads, versions and server changes holding the room open. */
  private holds = 0;
  /** Built on the first update (a room that is only read never needs it). */
  private staging: StagingDoc | null = null;
  private waiters: Waiter[] = [];
  private saveState: 'saved' | 'unsaved' = 'saved';
  private checkpointTimer: NodeJS.Timeout | null = null;
  private checkpointing: Promise<void> | null = null;
  /** After a failed checkpoint, the next automatic one waits until then. */
  private checkpointRetryAt = 0;
  private bytes: number;
  private readonly clientOwners: Map<number, string | null>;
  /** The room can no longer be trusted to write (lost lease, diverged): nothing more is accepted or checkpointed. */
  private broken = false;
  /** What the watcher read in the accepted update being applied. */
  private watched: unknown[] = [];

  constructor(private readonly options: RoomOptions) {
    this.key = options.key;
    this.workspaceId = options.workspaceId;
    this.kind = options.kind;
    this.docName = options.kind.name;
    this.documentId = options.documentId;
    this.doc = options.doc;
    this.seq = options.seq;
    this.durableSeq = options.seq;
    this.checkpointSeq = options.checkpointSeq;
    this.readOnlyState = options.readOnly;
    this.bytes = options.bytes;
    this.clientOwners = options.clientOwners;
    this.lease = options.lease;
    this.presence = new Presence(options.settings.presence);
    if (options.watch) this.doc.on('afterTransaction', this.readWatched);
  }

  private readonly readWatched = (transaction: Y.Transaction): void => {
    if (transaction.origin !== ACCEPTED) return;
    try {
      const found = this.options.watch?.read(transaction) ?? null;
      if (found !== null) this.watched.push(found);
    } catch (error) {
      this.options.logger.error('room.watch_failed', { documentId: this.documentId, ...describeError(error) });
    }
  };

  /** Hands what the watcher read in an accepted update to it once the update is stored. */
  private afterStored(seq: number, origin: ChangeOrigin): void {
    const watch = this.options.watch;
    const watched = this.watched;
    this.watched = [];
    if (!watch || watched.length === 0) return;
    const { connection: _connection, ...stored } = origin;
    const target = { workspaceId: this.workspaceId, documentId: this.documentId };
    this.whenDurable(seq).then(
      () => {
        for (const found of watched) {
          try {
            watch.stored(target, found, stored);
          } catch (error) {
            this.options.logger.error('room.watch_failed', { documentId: this.documentId, ...describeError(error) });
          }
        }
      },
      // Not stored (the room failed): nothing happened to act on.
      () => {},
    );
  }

  /** Connections plus holds: the room unloads when this drops to zero. */
  get refs(): number {
    return this.connections.size + this.holds;
  }

  get readOnly(): boolean {
    return this.readOnlyState;
  }

  /** Makes the room read-only (an archived workspace) or writable again: for everyone at once. */
  setReadOnly(readOnly: boolean): void {
    this.readOnlyState = readOnly;
  }

  get state(): RoomState {
    return this.stateNow;
  }

  /** Starts unloading (the registry writes what is pending and checkpoints); false when it cannot. */
  beginUnload(): boolean {
    if (this.stateNow !== 'open' || !this.usable) return false;
    this.stateNow = 'unloading';
    return true;
  }

  /** Someone joined while it unloaded: it stays open. */
  cancelUnload(): void {
    if (this.stateNow === 'unloading') this.stateNow = 'open';
  }

  /** Whether the room is still usable (not closed, not failed). */
  get usable(): boolean {
    return this.stateNow !== 'closed' && !this.broken;
  }

  // ---- connections ----

  attach(connection: RoomConnection): void {
    if (!this.usable) throw new RoomError('LOAD_FAILED', 'The document was closed; please join again.');
    this.connections.add(connection);
  }

  /** Removes a connection and its presence (told to the others). Returns the refs left. */
  detach(connection: RoomConnection): number {
    if (this.connections.delete(connection) && this.state !== 'closed') {
      const removed = this.presence.removeHolder(connection);
      if (removed) this.broadcast(new OutgoingMessage('awareness', removed), null);
    }
    return this.refs;
  }

  /** Keeps the room open for a moment of work without a connection; returns the matching release. */
  hold(): () => number {
    this.holds++;
    let released = false;
    return () => {
      if (!released) {
        released = true;
        this.holds = Math.max(0, this.holds - 1);
      }
      return this.refs;
    };
  }

  sendInitialSync(connection: RoomConnection, withState: boolean): void {
    connection.send(new OutgoingMessage('sync', encodeSyncStep1(this.doc)));
    if (withState) connection.send(new OutgoingMessage('sync', encodeSyncStep2(this.doc)));
    const states = this.awarenessStates();
    if (states) connection.send(states);
    if (this.saveState === 'unsaved') connection.sendStatus(this.status());
  }

  awarenessStates(): OutgoingMessage | null {
    const states = this.presence.states();
    return states ? new OutgoingMessage('awareness', states) : null;
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
    return { durable: this.receiveUpdate(fromConnection(connection), decoded.update) };
  }

  /**
   * Runs an update through the pipeline. Throws a RoomError when it is refused; otherwise the
   * returned promise settles once the update (or, for an update that brought nothing new,
   * everything accepted before it) is durably stored.
   */
  receiveUpdate(origin: ChangeOrigin, update: Uint8Array): Promise<void> {
    if (!this.usable) throw new RoomError('NOT_JOINED', 'The document was closed; please join again.');
    if (update.byteLength > this.options.settings.maxMessageBytes) throw tooLarge();

    let summary;
    try {
      summary = summarizeUpdate(update, this.doc);
    } catch {
      throw new RoomError('INVALID_MESSAGE', 'The update could not be read.');
    }
    if (summary.problem) throw new RoomError('SHAPE_VIOLATION', `The change breaks the document's shape: ${summary.problem}.`);
    const owner = ownerOf(origin);
    const claims: ClientClaim[] = [];
    for (const client of summary.authors) {
      const known = this.clientOwners.get(client);
      if (known === undefined) claims.push({ clientId: client, userId: owner });
      else if (known !== owner) throw new RoomError('PERMISSION_DENIED', "You cannot make this change: it carries someone else's edits.");
    }
    if (summary.addsStructs && this.bytes + update.byteLength > this.options.settings.maxDocumentBytes) {
      throw new RoomError('DOCUMENT_TOO_LARGE', 'This document has reached its size limit.');
    }
    // While the database is unreachable edits wait in memory: only up to a point. Past it the
    // sender keeps them and sends them again later (a retryable refusal, never a confirmation).
    // (With nothing waiting, any update goes: one larger than the cap must still get through.)
    const waiting = this.options.updateLog.pendingBytes;
    if (waiting > 0 && waiting + update.byteLength > this.options.settings.maxUnsavedBytes) {
      throw new RoomError('NOT_SAVED', 'The server cannot take more unsaved edits right now; yours are kept and sent again shortly.');
    }

    const staging = (this.staging ??= new StagingDoc(this.kind, Y.encodeStateAsUpdate(this.doc)));
    let staged;
    try {
      // The server's own changes (a restore, shared drafts) are judged on their shape only: who may ask for one is decided where it is asked for.
      staged = staging.try(update, origin.role, Date.now(), origin.reason !== null);
    } catch {
      this.resetStaging();
      throw new RoomError('INVALID_MESSAGE', 'The update could not be read.');
    }
    // Structs or deletions whose dependencies the server does not have would wait, invisible
    // to every check, and surface later inside someone else's update. Refused: a client that
    // really has them sends them along after a fresh sync step 1.
    const refusal = staged.pending
      ? new RoomError('OUT_OF_SYNC', 'The update depends on changes the server does not have; sync again.')
      : staged.transactions !== 1
        ? new RoomError('INVALID_MESSAGE', 'The update could not be checked.')
        : null;
    if (refusal) {
      this.resetStaging();
      throw refusal;
    }
    if (!staged.effective) return this.whenDurable(this.seq); // nothing new
    const verdict = this.readOnly
      ? new RoomError('READ_ONLY', 'This workspace is read-only.')
      : !this.kind.canWrite(origin.role)
        ? new RoomError('PERMISSION_DENIED', 'You cannot change this document.')
        : staged.verdict
          ? new RoomError(staged.verdict.code, staged.verdict.code === 'SHAPE_VIOLATION' ? `The change breaks the document's shape: ${staged.verdict.reason}.` : `You cannot make this change: ${staged.verdict.reason}.`)
          : null;
    if (verdict) {
      this.resetStaging();
      throw verdict;
    }

    const effective = staged.effective;
    this.watched = [];
    if (!this.applyAccepted(effective)) {
      this.options.logger.error('room.diverged', { documentId: this.documentId });
      this.fail('diverged');
      throw new RoomError('INTERNAL', 'The update could not be applied; please join again.');
    }
    for (const claim of claims) this.clientOwners.set(claim.clientId, claim.userId);
    this.bytes += effective.byteLength;
    const seq = ++this.seq;
    this.broadcast(new OutgoingMessage('sync', encodeSyncUpdate(effective)), origin.connection);
    this.options.updateLog.append(this, { seq, update: effective, userId: owner, serverReason: origin.reason, claims });
    if (this.options.settings.validateEveryUpdate) this.validate('update');
    this.afterStored(seq, origin);
    return this.whenDurable(seq);
  }

  /**
   * Applies an accepted update to the live document and tells whether it integrated exactly
   * what the staging copy did: one update, the same bytes, nothing left waiting.
   */
  private applyAccepted(effective: Uint8Array): boolean {
    const emitted: Uint8Array[] = [];
    const listener = (update: Uint8Array) => emitted.push(update);
    this.doc.on('update', listener);
    try {
      Y.applyUpdate(this.doc, effective, ACCEPTED);
    } catch {
      return false;
    } finally {
      this.doc.off('update', listener);
    }
    const store = this.doc.store;
    return emitted.length === 1 && equalBytes(emitted[0]!, effective) && store.pendingStructs === null && store.pendingDs === null;
  }

  /** Presence from a member's connection: validated, restated by the server and relayed. */
  receiveAwareness(connection: RoomConnection, update: Uint8Array): void {
    if (update.byteLength > this.options.settings.maxMessageBytes) throw tooLarge();
    const changed = this.presence.receive(connection, { userId: connection.userId, name: connection.name, role: connection.role }, update);
    if (!changed) return;
    this.broadcast(new OutgoingMessage('awareness', changed), connection);
    this.armPresenceSweep();
  }

  private armPresenceSweep(): void {
    if (this.presenceSweep || this.state === 'closed') return;
    const every = this.options.settings.presence.timeoutMs / 2;
    this.presenceSweep = setInterval(() => {
      const removed = this.presence.sweep();
      if (removed) this.broadcast(new OutgoingMessage('awareness', removed), null);
      if (this.presence.size === 0 && this.presenceSweep) {
        clearInterval(this.presenceSweep);
        this.presenceSweep = null;
      }
    }, every);
    this.presenceSweep.unref();
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
      if (this.durableSeq === this.seq) this.saveState = 'saved';
      this.broadcastStatus();
    }
    this.scheduleCheckpoint();
  }

  /** A write failed; the updates stay queued and will be retried. */
  failed(): void {
    this.saveState = 'unsaved';
    this.broadcastStatus();
  }

  /** Another process holds the document now: nothing queued here may be confirmed. */
  fencedOut(): void {
    this.options.logger.warn('room.lease_lost', { documentId: this.documentId, unwritten: this.seq - this.durableSeq });
    this.fail('lease_lost');
  }

  status(): SaveStatus {
    return { state: this.saveState, pending: this.seq - this.durableSeq };
  }

  /**
   * Stops accepting and checkpointing for good: waiting confirmations are refused (never sent),
   * what is unwritten stays unwritten, and the registry is told so it can close the room.
   */
  fail(reason: 'lease_lost' | 'diverged'): void {
    if (this.broken) return;
    this.broken = true;
    this.clearCheckpointTimer();
    const error = new RoomError('NOT_SAVED', 'This edit was not saved; it is kept on your device and sent again when you reconnect.');
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters = [];
    this.options.updateLog.drop(this);
    this.options.onFailed(this, reason);
  }

  // ---- checkpoints ----

  /**
   * Saves a checkpoint holding exactly the log up to the last durable seq (and, with `version`,
   * the version people see at that seq). It waits briefly for a moment when nothing accepted is
   * unwritten, then encodes the live document; under a steady stream of edits it builds the
   * state from the database instead (the latest exact checkpoint and the log after it), so a
   * checkpoint never holds more than its seq says.
   */
  async writeCheckpoint(version: NewVersion | null = null): Promise<DocVersion | null> {
    for (let tries = 0; tries < CHECKPOINT_QUIET_TRIES && this.seq !== this.durableSeq; tries++) await this.flush();
    if (this.broken) throw new RoomError('LOAD_FAILED', 'The document was closed; please try again.');
    const upToSeq = this.durableSeq;
    let state: Uint8Array;
    if (this.seq === upToSeq) {
      state = Y.encodeStateAsUpdate(this.doc);
    } else {
      const exact = await stateAt(this.options.store, this.kind, this.documentId, upToSeq);
      state = Y.encodeStateAsUpdate(exact);
      exact.destroy();
    }
    this.validate('checkpoint');
    const written = await this.options.store.insertCheckpoint({ documentId: this.documentId, upToSeq, state, lease: this.lease, version });
    this.bytes = state.byteLength + this.bytesSince(upToSeq);
    if (upToSeq > this.checkpointSeq) this.checkpointSeq = upToSeq;
    if (this.durableSeq <= this.checkpointSeq) this.clearCheckpointTimer();
    if (written.version) this.options.onVersion?.(this, written.version);
    return written.version;
  }

  private bytesSince(seq: number): number {
    let bytes = 0;
    for (const update of this.options.updateLog.unwrittenOf(this)) if (update.seq > seq) bytes += update.update.byteLength;
    return bytes;
  }

  /** The backstop: the whole document against its shape. A problem is logged (by path only, never content). */
  private validate(when: 'update' | 'checkpoint'): void {
    const problem = validateDocOfKind(this.kind, this.doc);
    if (problem) this.options.logger.error('room.invalid_document', { documentId: this.documentId, when, problem });
  }

  /** Writes an automatic checkpoint if the log moved on since the last one (one at a time). */
  checkpointIfBehind(): Promise<void> {
    if (this.checkpointing) return this.checkpointing;
    if (this.durableSeq <= this.checkpointSeq || !this.usable) return RESOLVED;
    this.clearCheckpointTimer();
    // Each automatic checkpoint is also a periodic version people can open.
    const write = () => (!this.usable ? RESOLVED : this.writeCheckpoint({ kind: 'periodic', label: null, createdBy: null }).then(() => {}));
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
    if (!this.usable || this.checkpointing) return;
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

  /** Asks every member to join again (the room is going away), then forgets them. */
  dropConnections(code: 'NOT_JOINED' | 'READ_ONLY', message: string): void {
    for (const connection of [...this.connections]) connection.close(code, message);
    this.connections.clear();
  }

  /** Frees the room. Updates still unwritten are reported and dropped with it (shutdown only). */
  destroy(): void {
    this.stateNow = 'closed';
    this.clearCheckpointTimer();
    if (this.presenceSweep) clearInterval(this.presenceSweep);
    this.presenceSweep = null;
    const error = new RoomError('INTERNAL', 'The server stopped before the edit was saved.');
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters = [];
    this.connections.clear();
    this.resetStaging();
    this.doc.destroy();
  }

  // ---- internals ----

  private resetStaging(): void {
    this.staging?.destroy();
    this.staging = null;
  }

  private broadcast(message: OutgoingMessage, except: RoomConnection | null): void {
    for (const connection of this.connections) {
      if (connection !== except) connection.send(message);
    }
  }

  private broadcastStatus(): void {
    const status = this.status();
    for (const connection of this.connections) connection.sendStatus(status);
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let index = 0; index < a.byteLength; index++) if (a[index] !== b[index]) return false;
  return true;
}

function tooLarge(): RoomError {
  return new RoomError('UPDATE_TOO_LARGE', 'The message is larger than the server accepts.');
}
