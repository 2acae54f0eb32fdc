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
import { encodeAwareness, Presence, RemotePresence, type PresenceSettings } from './presence.js';
import type { AnswerAddress, DocChannel, DocMessage, DocRelay, ForwardAnswer } from './relay.js';
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
  /** How long an owner keeps publishing its updates after a follower last said it is there. */
  followerTtlMs: number;
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
  /**
   * The lease this process holds on the document: every write is fenced by it. On a follower,
   * the owner's lease (the process it forwards to).
   */
  lease: LeaseClaim;
  /** With several processes: the relay, and the document's channel on it. */
  relay?: { relay: DocRelay; channel: DocChannel } | null;
  /** Another process owns the document: this room is its replica and forwards what it is sent. */
  follower?: boolean;
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
  onFailed(room: Room, reason: RoomFailure): void;
  /** A version people can see was saved (a session's, a named one or an automatic one). */
  onVersion?(room: Room, version: DocVersion): void;
  /** Told of what accepted changes did, once they are stored (see ChangeWatcher). */
  watch?: ChangeWatcher;
}

export type RoomState = 'open' | 'unloading' | 'closed';

/** Why a room cannot go on: its lease was taken, it diverged, or (a follower) its owner is gone or moved. */
export type RoomFailure = 'lease_lost' | 'diverged' | 'owner_lost';

interface Waiter {
  seq: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

const RESOLVED = Promise.resolve();
/** How long a follower waits for the owner to take a forwarded update before it gives up on it. */
const FORWARD_TIMEOUT_MS = 5_000;
/** How long a follower keeps waiting for a missing update to reach the log before it loads afresh. */
const CATCH_UP_GIVE_UP_MS = 3_000;
const CATCH_UP_RETRY_MS = 50;
/**
 * Updates an owner stored while nobody elsewhere followed the document, kept this long (at most
 * UNPUBLISHED_KEPT of them): a follower that read the log just before they were stored and then
 * said it follows gets them on the channel instead of waiting to notice the gap.
 */
const UNPUBLISHED_KEPT_MS = 5_000;
const UNPUBLISHED_KEPT = 64;
const CHECKPOINT_RETRY_MAX_MS = 5_000;
/** How many times a checkpoint waits for a moment with nothing unwritten before it settles for less. */
const CHECKPOINT_QUIET_TRIES = 5;
/** Transaction origin of accepted updates applied to the live document. */
const ACCEPTED = Symbol('accepted');
/** Accepted updates the live document may lag behind by before it catches up unasked. */
const MAX_BEHIND = 64;
/** An accepted update to show to the members: `except` (here) or `via` (elsewhere) sent it. */
interface Shown {
  seq: number;
  update: Uint8Array;
  except: RoomConnection | null;
  via: string | null;
  answers: CarriedAnswer | null;
}

/**
 * A forwarded update's request (see serveForwarded in the registry): `carried` once its
 * `stored` answer went out with the update on the document's channel.
 */
export interface CarriedAnswer extends AnswerAddress {
  carried: boolean;
}

/** Transaction origin of the owner's updates applied to a follower's replica. */
const REPLICATED = Symbol('replicated');

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
 *
 * With several processes (a relay), the room is either the document's owner, which runs the
 * pipeline and shows each accepted update only once it is stored — to its members and, on the
 * document's channel, to the other processes — or a follower: a replica that applies the
 * owner's updates in seq order (reading any it missed from the log) and forwards its members'
 * updates to the owner, whose answer settles them.
 */
export class Room implements LogTarget {
  readonly key: DocKey;
  readonly workspaceId: string;
  readonly docName: DocName;
  readonly kind: DocKind;
  readonly documentId: string;
  /**
   * The live document: what was accepted, which joiners, checkpoints and reads get. Accepted
   * updates are integrated once, into the staging copy that judged them, and reach this one in
   * batches (see caughtUp), as they are needed.
   */
  private readonly live: Y.Doc;
  /** Accepted updates the live document does not hold yet, oldest first. */
  private behind: Uint8Array[] = [];
  /**
   * The staging copy's state vector after the last accepted update: what the live document
   * holds once caught up (null until one is accepted here).
   */
  private acceptedState: Map<number, number> | null = null;
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
  /** Members on other processes (with a relay). */
  private readonly remotePresence: RemotePresence;
  /** A follower's updates from the owner that came ahead of one it has not seen yet, by seq. */
  private readonly ahead = new Map<number, { update: Uint8Array; via: string | null }>();
  private catchingUp: Promise<void> | null = null;
  /** How far the log went at the previous check (a follower's). */
  private logSeenAt = 0;
  /** Until when another process follows this document (an owner's view). */
  private followedUntil = 0;
  /** The latest updates stored while nobody followed, and when (see UNPUBLISHED_KEPT_MS). */
  private unpublished: { seq: number; update: Uint8Array; via: string | null; at: number }[] = [];
  /** With several processes: accepted updates shown once they are stored, oldest first. */
  private readonly unshown: Shown[] = [];
  /** Sends of the document's state waiting for a moment when nothing accepted is unshown (see sendState). */
  private readonly stateWaiting: (() => void)[] = [];
  /** A follower's forwarded updates still waiting for the owner's last word. */
  private readonly forwarded = new Set<{ cancel: () => void; reject: (error: Error) => void }>();

  constructor(private readonly options: RoomOptions) {
    this.key = options.key;
    this.workspaceId = options.workspaceId;
    this.kind = options.kind;
    this.docName = options.kind.name;
    this.documentId = options.documentId;
    this.live = options.doc;
    this.seq = options.seq;
    this.durableSeq = options.seq;
    this.checkpointSeq = options.checkpointSeq;
    this.readOnlyState = options.readOnly;
    this.bytes = options.bytes;
    this.clientOwners = options.clientOwners;
    this.lease = options.lease;
    this.presence = new Presence(options.settings.presence);
    this.remotePresence = new RemotePresence(options.settings.presence.timeoutMs);
    options.relay?.channel.listen((message) => this.receiveRelayed(message));
  }

  /** The live document, up to date with everything accepted. */
  get doc(): Y.Doc {
    return this.caughtUp();
  }

  /**
   * Brings the live document up to date: the accepted updates it lacks, in one transaction, after
   * which it must hold exactly the clocks the staging copy held when it accepted the last of them.
   * Anything else means the two no longer agree (something changed one of them behind the
   * pipeline's back): the room fails, and is loaded afresh from the log.
   */
  private caughtUp(): Y.Doc {
    let applied = true;
    const updates = this.behind;
    if (updates.length > 0) {
      this.behind = [];
      try {
        this.live.transact(() => {
          for (const update of updates) Y.applyUpdate(this.live, update, ACCEPTED);
        }, ACCEPTED);
      } catch {
        applied = false;
      }
    }
    const store = this.live.store;
    const expected = this.acceptedState;
    if (!applied || store.pendingStructs !== null || store.pendingDs !== null || (expected !== null && !holdsState(this.live, expected))) {
      this.options.logger.error('room.diverged', { documentId: this.documentId });
      this.fail('diverged');
      throw new RoomError('INTERNAL', 'The document could not be brought up to date; please join again.');
    }
    return this.live;
  }

  private readonly readWatched = (transaction: Y.Transaction): void => {
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

  /** Another process owns the document; this room is its replica. */
  get follows(): boolean {
    return this.options.follower === true;
  }

  /** The document's channel to the other processes, if any. */
  get channel(): DocChannel | null {
    return this.options.relay?.channel ?? null;
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
      if (removed) this.tellPresence(removed, null);
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
    if (withState) this.sendState(connection, () => encodeSyncStep2(this.doc));
    const states = this.awarenessStates();
    if (states) connection.send(states);
    if (this.saveState === 'unsaved') connection.sendStatus(this.status());
  }

  awarenessStates(): OutgoingMessage | null {
    const local = this.presence.list();
    const mine = new Set(local.map((entry) => entry.client));
    const states = encodeAwareness([...local, ...this.remotePresence.list().filter((entry) => !mine.has(entry.client))]);
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
      const { stateVector } = decoded;
      try {
        Y.decodeStateVector(stateVector);
      } catch {
        throw new RoomError('INVALID_MESSAGE', 'The state vector could not be read.');
      }
      this.sendState(connection, () => encodeSyncStep2(this.doc, stateVector));
      return { durable: null };
    }
    return { durable: this.receiveUpdate(fromConnection(connection), decoded.update) };
  }

  /**
   * Runs an update through the pipeline. Throws a RoomError when it is refused; otherwise the
   * returned promise settles once the update (or, for an update that brought nothing new,
   * everything accepted before it) is durably stored.
   */
  receiveUpdate(origin: ChangeOrigin, update: Uint8Array, answers: CarriedAnswer | null = null): Promise<number | null> {
    if (!this.usable) throw new RoomError('NOT_JOINED', 'The document was closed; please join again.');
    if (update.byteLength > this.options.settings.maxMessageBytes) throw tooLarge();
    // The owner judges it, against the whole document, in the order it takes updates in.
    if (this.follows) return this.forward(origin, update);

    let summary;
    try {
      summary = summarizeUpdate(update, this.staging?.doc ?? this.doc);
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
      this.watched = [];
      staged = staging.try(update, origin.role, Date.now(), origin.reason !== null, this.options.watch ? this.readWatched : undefined, summary);
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
    if (!staged.effective) return this.whenDurable(this.seq).then(() => null); // nothing new
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
    this.behind.push(effective);
    this.acceptedState = staged.stateAfter;
    if (this.behind.length >= MAX_BEHIND) this.caughtUp();
    for (const claim of claims) this.clientOwners.set(claim.clientId, claim.userId);
    this.bytes += effective.byteLength;
    const seq = ++this.seq;
    const shown = { seq, update: effective, except: origin.connection, via: origin.via ?? null, answers };
    // With several processes an edit is shown once stored: nobody, anywhere, then holds another
    // member's edit that a failure could lose (and would send back as theirs when they rejoin).
    if (this.channel) this.unshown.push(shown);
    else this.show(shown);
    this.options.updateLog.append(this, { seq, update: effective, userId: owner, serverReason: origin.reason, claims });
    if (this.options.settings.validateEveryUpdate) this.validate('update');
    this.afterStored(seq, origin);
    return this.whenDurable(seq).then(() => seq);
  }

  /**
   * Sends `connection` the document's state. With several processes an accepted edit is shown
   * only once stored (see receiveUpdate), and the state must not show it either: it waits for
   * the next moment when everything accepted is stored (a group commit away).
   */
  private sendState(connection: RoomConnection, encode: () => Uint8Array): void {
    if (this.unshown.length === 0) return connection.send(new OutgoingMessage('sync', encode()));
    this.stateWaiting.push(() => {
      if (!this.usable || !this.connections.has(connection)) return;
      try {
        connection.send(new OutgoingMessage('sync', encode()));
      } catch (error) {
        this.options.logger.error('room.state_failed', { documentId: this.documentId, ...describeError(error) });
        connection.close('INTERNAL', 'The document could not be sent; please join again.');
      }
    });
  }

  /** Sends an accepted update to the members here and, with several processes, to the others. */
  private show(shown: Shown): void {
    this.broadcast(new OutgoingMessage('sync', encodeSyncUpdate(shown.update)), shown.except);
    if (!this.channel) return;
    // Nobody elsewhere follows it: nothing to tell (a follower that comes reads the log first).
    const now = Date.now();
    if (this.followedUntil < now) {
      const kept = this.unpublished;
      while (kept.length > 0 && (kept.length >= UNPUBLISHED_KEPT || kept[0]!.at < now - UNPUBLISHED_KEPT_MS)) kept.shift();
      kept.push({ seq: shown.seq, update: shown.update, via: shown.via, at: now });
      return;
    }
    this.publish(shown);
  }

  private publish(shown: Shown): void {
    const { answers } = shown;
    this.channel!.publish({ kind: 'update', from: this.options.relay!.relay.processId, token: this.lease.token, seq: shown.seq, update: shown.update, via: shown.via, answers: answers && { to: answers.to, id: answers.id } });
    if (answers) answers.carried = true;
  }

  // ---- a follower: forwarding to the owner, replicating what it accepted ----

  /**
   * Sends an update to the owner. Settles like an update accepted here: with its seq once it is
   * stored, or refused with the owner's reason. An owner that does not answer, or no longer has
   * the document, means it moved: the replica fails and its members join again (their unsaved
   * edits go along with their next sync).
   */
  private forward(origin: ChangeOrigin, update: Uint8Array): Promise<number | null> {
    const { relay } = this.options.relay!;
    const via = origin.connection?.id ?? origin.via ?? null;
    return new Promise((resolve, reject) => {
      let seq: number | null = null;
      const entry = { cancel: () => {}, reject };
      const onAnswer = (answer: ForwardAnswer) => {
        if (answer.kind === 'accepted') {
          seq = answer.seq;
          return;
        }
        this.forwarded.delete(entry);
        if (answer.kind === 'stored') return resolve(answer.seq ?? seq);
        if (answer.kind !== 'refused') return reject(new RoomError('INTERNAL', 'The change could not be handled; please try again.'));
        reject(new RoomError(answer.code, answer.message));
        if (answer.code === 'NOT_SAVED' || answer.code === 'NOT_JOINED' || answer.code === 'LOAD_FAILED') this.fail('owner_lost');
      };
      const request = {
        kind: 'update' as const,
        workspaceId: this.workspaceId,
        doc: this.docName,
        token: this.lease.token,
        origin: { author: origin.author, role: origin.role, reason: origin.reason },
        via,
        update,
      };
      entry.cancel = relay.forward(this.lease.owner, request, onAnswer, FORWARD_TIMEOUT_MS);
      this.forwarded.add(entry);
    });
  }

  /** A follower said it is there (see DocRelay.tellFollowing): the owner publishes its updates for a while. */
  followed(heardAt = Date.now()): void {
    if (this.follows || !this.usable) return;
    const now = Date.now();
    const wasFollowed = this.followedUntil >= now;
    this.followedUntil = Math.max(this.followedUntil, heardAt + this.options.settings.followerTtlMs);
    if (wasFollowed || this.followedUntil < now) return;
    // A new follower: what was stored just before it said so may be missing from what it read.
    const since = now - UNPUBLISHED_KEPT_MS;
    for (const { at, ...kept } of this.unpublished.splice(0)) if (at >= since) this.publish({ ...kept, except: null, answers: null });
  }

  /** What another process said on the document's channel. */
  private receiveRelayed(message: DocMessage): void {
    if (!this.usable) return;
    if (message.kind === 'awareness') {
      const changed = this.remotePresence.receive(message.from, message.update);
      if (changed) {
        this.broadcast(new OutgoingMessage('awareness', changed), null);
        this.armPresenceSweep();
      }
      return;
    }
    // Only a follower takes updates, and only from the owner it follows.
    if (!this.follows || message.from !== this.lease.owner) return;
    if (message.kind === 'released' || message.token !== this.lease.token) {
      this.fail('owner_lost');
      return;
    }
    if (message.seq <= this.seq) return;
    this.ahead.set(message.seq, { update: message.update, via: message.via });
    this.applyAhead();
    if (this.ahead.size > 0) void this.catchUp();
  }

  /** Applies the owner's updates that follow on from the replica's seq, in order. */
  private applyAhead(): void {
    for (let next = this.ahead.get(this.seq + 1); next; next = this.ahead.get(this.seq + 1)) {
      this.ahead.delete(this.seq + 1);
      this.replicate(this.seq + 1, next.update, next.via);
    }
  }

  private replicate(seq: number, update: Uint8Array, via: string | null): void {
    try {
      Y.applyUpdate(this.live, update, REPLICATED);
    } catch {
      this.fail('diverged');
      return;
    }
    this.seq = this.durableSeq = this.checkpointSeq = seq;
    this.bytes += update.byteLength;
    const message = new OutgoingMessage('sync', encodeSyncUpdate(update));
    for (const connection of this.connections) if (connection.id !== via) connection.send(message);
  }

  /**
   * A follower hears how far the log went (at each check of its owner). A replica behind the
   * log now is usually only waiting for messages on their way; one still behind what the
   * previous check saw missed them, and reads them from the log.
   */
  logReached(lastSeq: number): void {
    if (this.seq < this.logSeenAt) void this.catchUp();
    this.logSeenAt = lastSeq;
  }

  /**
   * Reads what the replica missed from the update log (a message lost on the way, a Redis
   * outage, a pause). What the owner has told but not stored yet reaches the log a moment
   * later: it keeps looking for a while, then loads afresh.
   */
  catchUp(): Promise<void> {
    if (!this.follows) return RESOLVED;
    return (this.catchingUp ??= (async () => {
      const giveUpAt = Date.now() + CATCH_UP_GIVE_UP_MS;
      try {
        for (;;) {
          const missed = await this.options.store.listUpdatesAfter(this.documentId, this.seq);
          if (!this.usable) return;
          for (const logged of missed) if (logged.seq === this.seq + 1) this.replicate(logged.seq, logged.update, null);
          for (const seq of this.ahead.keys()) if (seq <= this.seq) this.ahead.delete(seq);
          this.applyAhead();
          if (this.ahead.size === 0 || !this.usable) return;
          if (Date.now() > giveUpAt) {
            this.options.logger.warn('room.replica_gap', { documentId: this.documentId, seq: this.seq });
            this.fail('owner_lost');
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, CATCH_UP_RETRY_MS));
        }
      } catch (error) {
        this.options.logger.warn('room.catch_up_failed', { documentId: this.documentId, ...describeError(error) });
      } finally {
        this.catchingUp = null;
      }
    })());
  }

  /** Presence from a member's connection: validated, restated by the server and relayed. */
  receiveAwareness(connection: RoomConnection, update: Uint8Array): void {
    if (update.byteLength > this.options.settings.maxMessageBytes) throw tooLarge();
    const changed = this.presence.receive(connection, { userId: connection.userId, name: connection.name, role: connection.role }, update);
    if (!changed) return;
    this.tellPresence(changed, connection);
    this.armPresenceSweep();
  }

  /** Tells a change of presence here to the other members, here and on the other processes. */
  private tellPresence(update: Uint8Array, except: RoomConnection | null): void {
    this.broadcast(new OutgoingMessage('awareness', update), except);
    this.channel?.publish({ kind: 'awareness', from: this.options.relay!.relay.processId, update });
  }

  private armPresenceSweep(): void {
    if (this.presenceSweep || this.state === 'closed') return;
    const every = this.options.settings.presence.timeoutMs / 2;
    this.presenceSweep = setInterval(() => {
      const removed = this.presence.sweep();
      if (removed) this.tellPresence(removed, null);
      const gone = this.remotePresence.sweep();
      if (gone) this.broadcast(new OutgoingMessage('awareness', gone), null);
      if (this.presence.size === 0 && this.remotePresence.size === 0 && this.presenceSweep) {
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
    let shown = 0;
    while (shown < this.unshown.length && this.unshown[shown]!.seq <= lastSeq) this.show(this.unshown[shown++]!);
    if (shown > 0) this.unshown.splice(0, shown);
    if (this.unshown.length === 0) for (const send of this.stateWaiting.splice(0)) send();
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
  fail(reason: RoomFailure): void {
    if (this.broken) return;
    this.broken = true;
    this.options.logger.info('room.failed', { documentId: this.documentId, reason, follower: this.follows });
    this.clearCheckpointTimer();
    const error = new RoomError('NOT_SAVED', 'This edit was not saved; it is kept on your device and sent again when you reconnect.');
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters = [];
    this.dropForwarded(error);
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

  /**
   * Frees the room. Updates still unwritten are reported and dropped with it (shutdown only). An
   * owner's followers hear that it let go (`released`, and they load afresh), unless
   * `leaseToRelease`: then the registry gives the lease up first and announces it after
   * (announceRelease), so a follower's members who join again find it free.
   */
  destroy({ leaseToRelease = false } = {}): void {
    this.stateNow = 'closed';
    this.clearCheckpointTimer();
    if (this.presenceSweep) clearInterval(this.presenceSweep);
    this.presenceSweep = null;
    const error = new RoomError('INTERNAL', 'The server stopped before the edit was saved.');
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters = [];
    this.dropForwarded(new RoomError('NOT_SAVED', 'This edit was not saved; it is kept on your device and sent again when you reconnect.'));
    this.connections.clear();
    this.stateWaiting.length = 0;
    this.resetStaging();
    const channel = this.channel;
    if (channel) {
      // The others drop this process's members' presence, and followers look for the next owner.
      const removed = this.presence.clear();
      const from = this.options.relay!.relay.processId;
      if (removed) channel.publish({ kind: 'awareness', from, update: removed });
      if (!leaseToRelease || this.follows) this.announceRelease();
    }
    this.live.destroy();
  }

  /** Tells the followers the owner let the document go (see destroy), and stops hearing its channel. */
  announceRelease(): void {
    const channel = this.channel;
    if (!channel) return;
    if (!this.follows) channel.publish({ kind: 'released', from: this.options.relay!.relay.processId, token: this.lease.token });
    channel.close();
  }

  private dropForwarded(error: Error): void {
    for (const entry of this.forwarded) {
      entry.cancel();
      entry.reject(error);
    }
    this.forwarded.clear();
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

/** Whether `doc` holds exactly the clocks of the state vector `state`, no more, no less. */
function holdsState(doc: Y.Doc, state: Map<number, number>): boolean {
  if (doc.store.clients.size !== state.size) return false;
  for (const [client, clock] of state) if (Y.getState(doc.store, client) !== clock) return false;
  return true;
}

function tooLarge(): RoomError {
  return new RoomError('UPDATE_TOO_LARGE', 'The message is larger than the server accepts.');
}
