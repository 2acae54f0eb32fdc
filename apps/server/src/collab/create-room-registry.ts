import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Database, DocVersion, LeaseClaim } from '@alliance/db';
import { DOC_KINDS, docKey, newDocOfKind, type DocKey, type DocKind, type DocName } from '@alliance/shared';
import type { Kysely } from 'kysely';
import * as Y from 'yjs';
import { describeError, type Logger } from '../logger.js';
import { RoomError } from './errors.js';
import { LatencyRecorder } from './latency.js';
import { TokenBucket } from './budget.js';
import { Limiter } from './limiter.js';
import type { ChangeWatcher } from './change-watch.js';
import type { ChangeOrigin } from './origin.js';
import { DEFAULT_PRESENCE_SETTINGS } from './presence.js';
import type { AnswerAddress, DocRelay, ForwardAnswer, ForwardRequest } from './relay.js';
import { Room, type CarriedAnswer, type RoomFailure, type RoomSettings } from './room.js';
import type { CreateVersionInput, DocAccess, RoomConnection, RoomRegistry, RoomSession, RoomStats } from './room-registry.js';
import { createCollabStore, type CollabStore } from './store.js';
import { UpdateLog } from './update-log.js';

/** How long a write to the update log runs before the next starts beside it (see UpdateLog). */
const LOG_WRITE_ALONGSIDE_AFTER_MS = 5;

/** How the rooms behave; the wiring (server.ts) fills it from the environment. */
export interface RegistrySettings {
  maxMessageBytes: number;
  maxDocumentBytes: number;
  /** Accepted but unwritten bytes (a database outage) past which updates are refused for now. */
  maxUnsavedBytes: number;
  /** Documents one person may have joined at once, over all their connections. */
  maxOpenDocsPerUser: number;
  /** Refused updates one person may send per minute (a burst of as many), over all connections. */
  maxRefusalsPerMinute: number;
  checkpointEveryUpdates: number;
  checkpointEveryMs: number;
  /** How long a document stays loaded after its last member leaves. */
  idleUnloadMs: number;
  updateLogRetryMaxMs: number;
  updateLogWriteTimeoutMs: number;
  shutdownFlushTimeoutMs: number;
  /** How long a document's lease lasts unless renewed (renewed every third of it). */
  leaseTtlMs: number;
  /** Postgres (several connections) rather than PGlite (one). */
  concurrentWrites: boolean;
  /** Validate every document whole after every accepted update (tests). */
  validateEveryUpdate: boolean;
}

export interface RoomRegistryDeps {
  db: Kysely<Database>;
  logger: Logger;
  settings: RegistrySettings;
  /** The persistence seam; defaults to the database repositories. Tests wrap it to inject failures. */
  store?: CollabStore;
  /**
   * Told of every version saved, whoever or whatever saved it (the end of a session, a named
   * version, an automatic one), so members' version lists can refresh themselves.
   */
  onVersion?: (target: { workspaceId: string; doc: DocName }, version: DocVersion) => void;
  /** Watchers of the changes each kind of document accepts, told once they are stored. */
  watchers?: Partial<Record<DocName, ChangeWatcher>>;
  /**
   * With several processes: how they reach each other. A document open on another process is
   * then opened here too, as a replica that forwards its members' updates to that one.
   */
  relay?: DocRelay | null;
}

interface Slot {
  /** Settles once the document is loaded; shared by every join that arrives meanwhile. */
  ready: Promise<Room>;
  room: Room | null;
  idleTimer: NodeJS.Timeout | null;
  unloading: Promise<void> | null;
}

type Target = { workspaceId: string; doc: DocName; documentId?: string; readOnly?: boolean };

/** Refusals that made the room try the update (and rebuild its staging copy). */
const COSTLY_REFUSALS: ReadonlySet<string> = new Set(['SHAPE_VIOLATION', 'PERMISSION_DENIED', 'INVALID_MESSAGE', 'OUT_OF_SYNC', 'READ_ONLY']);

/** How long an HTTP version request waits for pending updates to be written. */
const VERSION_FLUSH_TIMEOUT_MS = 5_000;
/** A forwarded update not stored by then is said to be accepted (the follower's wait for a first answer is longer). */
const FORWARD_ACCEPTED_AFTER_MS = 1_000;
/** How long a follower's load waits to hear the document's channel (Redis may be away). */
const FOLLOW_WAIT_MS = 2_000;

export function createRoomRegistry(deps: RoomRegistryDeps): RoomRegistry {
  return new Registry(deps);
}

/**
 * Keeps one Room per open document. Loading is single-flight (concurrent first joins share
 * one load and get the same room; a failed load leaves nothing behind and writes nothing) and
 * a room unloads a moment after its last member leaves: pending updates written, a checkpoint
 * saved, then freed. A member joining while it unloads simply keeps it open — there is never a
 * second copy of a document in memory.
 *
 * Across processes, a document is written by one process at a time: loading takes the
 * document's lease (refused while another process holds it), every log write and checkpoint is
 * fenced by it, it is renewed while the room is open and given up when it unloads. A process
 * that loses a lease (it was paused or cut off from the database long enough for another to
 * take over) never confirms what it could not write: the room fails and its members join again.
 *
 * With a relay (several processes, see relay.ts), a document another process holds opens here
 * as its follower: a replica fed by the owner's accepted updates, in seq order, that forwards
 * what its members send. A follower whose owner goes away (released, lease expired or moved,
 * no answer) fails the same way, and its members' next join finds the new owner — or makes
 * this process the owner.
 */
class Registry implements RoomRegistry {
  private readonly slots = new Map<DocKey, Slot>();
  private readonly store: CollabStore;
  private readonly updateLog: UpdateLog;
  private readonly roomSettings: RoomSettings;
  private readonly settings: RegistrySettings;
  /** This process, as lease owner. */
  private readonly owner: string;
  private readonly relay: DocRelay | null;
  private readonly leaseTimer: NodeJS.Timeout;
  private closing: Promise<void> | null = null;
  /**
   * Unload checkpoints encode the whole document: when many rooms empty at once (a server
   * restart, the end of a benchmark) a few at a time keeps the event loop responsive.
   */
  private readonly checkpoints = new Limiter(8);
  /**
   * Checkpoint writes share the database pool with the update log. When many rooms want one at
   * once (their timers were armed together), a small limit keeps them from queueing ahead of
   * update-log writes, whose latency is every confirmation's.
   */
  private readonly checkpointWrites: Limiter;
  private readonly confirmations = new LatencyRecorder();
  private readonly logWrites = new LatencyRecorder();
  /** Documents each person has joined, over all their connections. */
  private readonly joinedByUser = new Map<string, number>();
  /**
   * Refusals each person may still cost: a refused update makes the staging copy be rebuilt, so
   * someone who keeps sending refused updates (over fresh connections too) is made to wait.
   */
  private readonly refusalBudgets = new Map<string, TokenBucket>();
  /**
   * Documents another process said it follows while they were not open here (between taking a
   * lease and opening the room), by when that was said: the room, once open, publishes to it.
   */
  private readonly followedEarly = new Map<string, number>();

  constructor(private readonly deps: RoomRegistryDeps) {
    this.settings = deps.settings;
    this.store = deps.store ?? createCollabStore(deps.db);
    this.relay = deps.relay ?? null;
    this.owner = this.relay?.processId ?? randomUUID();
    this.relay?.serve((request, reply, address) => this.serveForwarded(request, reply, address));
    this.relay?.onFollowing((documentIds) => {
      const heardAt = Date.now();
      const open = new Map(this.openRooms().map((room) => [room.documentId, room]));
      for (const documentId of documentIds) {
        const room = open.get(documentId);
        if (room) room.followed(heardAt);
        // Still loading here (a follower can open it while this process reads it): told once it is open.
        else this.followedEarly.set(documentId, heardAt);
      }
    });
    // Redis was away: whatever the owners told meanwhile is in the update log.
    this.relay?.onGap(() => {
      for (const room of this.openRooms()) if (room.follows) void room.catchUp();
    });
    this.checkpointWrites = new Limiter(this.settings.concurrentWrites ? 2 : 1);
    this.roomSettings = {
      maxMessageBytes: this.settings.maxMessageBytes,
      maxDocumentBytes: this.settings.maxDocumentBytes,
      maxUnsavedBytes: this.settings.maxUnsavedBytes,
      checkpointEveryUpdates: this.settings.checkpointEveryUpdates,
      checkpointEveryMs: this.settings.checkpointEveryMs,
      validateEveryUpdate: this.settings.validateEveryUpdate,
      presence: DEFAULT_PRESENCE_SETTINGS,
      // Followers say they are there at every lease renewal (a third of the lease): three missed in a row.
      followerTtlMs: this.settings.leaseTtlMs,
    };
    this.updateLog = new UpdateLog({
      append: async (batches) => {
        const startedAt = performance.now();
        const result = await this.store.appendUpdates(batches);
        this.logWrites.since(startedAt);
        return result;
      },
      logger: deps.logger,
      retryMaxMs: this.settings.updateLogRetryMaxMs,
      writeTimeoutMs: this.settings.updateLogWriteTimeoutMs,
      // Postgres commits concurrent transactions with one WAL flush; PGlite has one connection.
      // A quick commit is waited for, though: one write every commit carrying everything that
      // arrived meanwhile costs less than many small ones racing for the same cores.
      maxConcurrentWrites: this.settings.concurrentWrites ? 4 : 1,
      concurrentAfterMs: LOG_WRITE_ALONGSIDE_AFTER_MS,
    });
    this.leaseTimer = setInterval(() => void this.renewLeases(), Math.max(50, Math.floor(this.settings.leaseTtlMs / 3)));
    this.leaseTimer.unref();
  }

  async join(access: DocAccess, connection: RoomConnection): Promise<RoomSession> {
    if ((this.joinedByUser.get(connection.userId) ?? 0) >= this.settings.maxOpenDocsPerUser) {
      throw new RoomError('QUOTA_EXCEEDED', 'Too many documents open at once; close some pages and try again.');
    }
    const room = await this.acquire(access);
    // The access check just read the workspace: the freshest word on read-only.
    room.setReadOnly(access.readOnly);
    room.attach(connection);
    this.joinedByUser.set(connection.userId, (this.joinedByUser.get(connection.userId) ?? 0) + 1);
    this.cancelIdle(room.key);
    return this.session(room, connection);
  }

  async createVersion(input: CreateVersionInput): Promise<DocVersion> {
    return this.withRoom(input, async (room) => {
      if (room.follows) return this.forwardVersion(room, input);
      await withDeadline(room.flush(), VERSION_FLUSH_TIMEOUT_MS, () => new RoomError('LOAD_FAILED', 'Recent edits are not saved yet; please try again.'));
      const version = await room.writeCheckpoint({ kind: input.kind, label: input.label, createdBy: input.userId });
      if (!version) throw new RoomError('LOAD_FAILED', 'The version could not be saved; please try again.');
      return version;
    });
  }

  async withDocument<T>(target: { workspaceId: string; doc: DocName }, read: (doc: Y.Doc) => T): Promise<T> {
    return this.withRoom(target, async (room) => read(room.doc));
  }

  async change(target: { workspaceId: string; doc: DocName }, origin: Omit<ChangeOrigin, 'connection'>, edit: (doc: Y.Doc) => void): Promise<number | null> {
    return this.withRoom(target, async (room) => {
      // A copy with a Yjs client id of its own, so the change is recorded under the author's id.
      const copy = new Y.Doc();
      try {
        Y.applyUpdate(copy, Y.encodeStateAsUpdate(room.doc));
        const updates: Uint8Array[] = [];
        copy.on('update', (update: Uint8Array) => updates.push(update));
        edit(copy);
        if (updates.length === 0) return null;
        const seq = await room.receiveUpdate({ ...origin, connection: null }, updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates));
        this.deps.logger.debug('room.server_change', { documentId: room.documentId, reason: origin.reason });
        return seq;
      } finally {
        copy.destroy();
      }
    });
  }

  setReadOnly(workspaceId: string, readOnly: boolean): void {
    for (const slot of this.slots.values()) {
      if (slot.room?.workspaceId === workspaceId) slot.room.setReadOnly(readOnly);
    }
  }

  openWorkspaceIds(): string[] {
    const ids = new Set<string>();
    for (const slot of this.slots.values()) if (slot.room) ids.add(slot.room.workspaceId);
    return [...ids];
  }

  private openRooms(): Room[] {
    return [...this.slots.values()].map((slot) => slot.room).filter((room): room is Room => room !== null && room.usable);
  }

  stats(): RoomStats {
    let openRooms = 0;
    for (const slot of this.slots.values()) if (slot.room) openRooms++;
    return {
      openRooms,
      unsavedUpdates: this.updateLog.pending,
      confirmationMs: this.confirmations.summary(),
      logWriteMs: this.logWrites.summary(),
    };
  }

  resetStats(): void {
    this.confirmations.reset();
    this.logWrites.reset();
  }

  close(): Promise<void> {
    return (this.closing ??= this.closeAll());
  }

  // ---- loading ----

  private async acquire(target: Target): Promise<Room> {
    for (;;) {
      if (this.closing) throw new RoomError('LOAD_FAILED', 'The server is shutting down.');
      const key = docKey(target.workspaceId, target.doc);
      let slot = this.slots.get(key);
      if (!slot) {
        slot = this.load(key, target);
        this.slots.set(key, slot);
      }
      const room = await slot.ready;
      // Closed between the load and now (it unloaded): load it again from the database.
      if (room.usable) return room;
      if (this.slots.get(key) === slot) this.slots.delete(key);
    }
  }

  private load(key: DocKey, target: Target): Slot {
    const slot: Slot = { ready: null as unknown as Promise<Room>, room: null, idleTimer: null, unloading: null };
    slot.ready = (async () => {
      let lease: { documentId: string; token: number } | null = null;
      try {
        const documentId = target.documentId ?? (await this.store.findDocumentId(target.workspaceId, target.doc));
        if (!documentId) throw new RoomError('NOT_FOUND', 'No such document.');
        const take = await this.store.acquireLease(documentId, this.owner, this.settings.leaseTtlMs);
        if (!('token' in take)) {
          const room = await this.loadFollower(key, target, documentId, take.heldBy);
          slot.room = room;
          this.scheduleIdle(key, slot);
          return room;
        }
        const { token } = take;
        lease = { documentId, token };
        const kind = DOC_KINDS[target.doc];
        const started = performance.now();
        const { doc, seq, checkpointSeq, bytes, tail } = await this.readStored(documentId, kind);
        const clientOwners = await this.loadClientOwners(documentId, doc);
        const room = new Room({
          key,
          workspaceId: target.workspaceId,
          kind,
          documentId,
          doc,
          seq,
          checkpointSeq,
          bytes,
          clientOwners,
          lease: { owner: this.owner, token },
          relay: this.relay ? { relay: this.relay, channel: this.relay.follow(documentId, 'owner') } : null,
          readOnly: target.readOnly ?? false,
          store: this.store,
          updateLog: this.updateLog,
          logger: this.deps.logger,
          settings: this.roomSettings,
          checkpointSlot: (task) => this.checkpointWrites.run(task),
          onFailed: (failed, reason) => this.onRoomFailed(key, failed, reason),
          onVersion: (saved, version) => this.deps.onVersion?.({ workspaceId: saved.workspaceId, doc: saved.kind.name }, version),
          watch: this.deps.watchers?.[target.doc],
        });
        slot.room = room;
        const followedAt = this.followedEarly.get(documentId);
        if (followedAt !== undefined) {
          this.followedEarly.delete(documentId);
          room.followed(followedAt);
        }
        this.deps.logger.debug('room.loaded', { documentId, checkpointSeq, tail, ms: Math.round(performance.now() - started) });
        // A long tail makes every load slow until the next checkpoint: write one now.
        if (tail >= this.settings.checkpointEveryUpdates) void room.checkpointIfBehind();
        // Nobody attached (every joiner went away meanwhile)? Then it unloads like any idle room.
        this.scheduleIdle(key, slot);
        return room;
      } catch (error) {
        if (this.slots.get(key) === slot) this.slots.delete(key);
        if (lease) await this.store.releaseLease(lease.documentId, this.owner, lease.token).catch(() => {});
        if (error instanceof RoomError) throw error;
        this.deps.logger.error('room.load_failed', { documentId: target.documentId, ...describeError(error) });
        throw new RoomError('LOAD_FAILED', 'The document could not be loaded. Please try again.');
      }
    })();
    return slot;
  }

  /** The document as stored: the latest checkpoint and the log after it (`tail` updates). */
  private async readStored(documentId: string, kind: DocKind): Promise<{ doc: Y.Doc; seq: number; checkpointSeq: number; bytes: number; tail: number }> {
    const checkpoint = await this.store.latestCheckpoint(documentId);
    const checkpointSeq = checkpoint?.up_to_seq ?? 0;
    const tail = await this.store.listUpdatesAfter(documentId, checkpointSeq);
    const doc = newDocOfKind(kind);
    let bytes = checkpoint?.state.byteLength ?? 0;
    doc.transact(() => {
      if (checkpoint) Y.applyUpdate(doc, checkpoint.state);
      for (const update of tail) {
        Y.applyUpdate(doc, update.update);
        bytes += update.update.byteLength;
      }
    });
    if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) {
      this.deps.logger.error('room.load_incomplete', { documentId, checkpointSeq, tail: tail.length });
    }
    const seq = Math.max(checkpointSeq, tail.length > 0 ? tail[tail.length - 1]!.seq : 0);
    return { doc, seq, checkpointSeq, bytes, tail: tail.length };
  }

  /**
   * Opens a document another process holds, as its follower: hears the document's channel
   * first, then reads the database (what the owner tells meanwhile is kept and applied after,
   * in seq order, and what it told before is in the log or arrives as a gap the replica fills).
   * `seen`: the holder the refused take saw; when it saw none (a first take elsewhere raced it),
   * the holder is read again.
   */
  private async loadFollower(key: DocKey, target: Target, documentId: string, seen: LeaseClaim | null): Promise<Room> {
    const holder = this.relay ? (seen ?? (await this.store.leaseHolder(documentId))) : undefined;
    if (!this.relay || !holder) throw new RoomError('LOAD_FAILED', 'This document is open on another server; trying again shortly.');
    const channel = this.relay.follow(documentId, 'follower');
    try {
      await withDeadline(channel.ready, FOLLOW_WAIT_MS, () => new RoomError('LOAD_FAILED', 'This document is open on another server, which cannot be reached now; trying again shortly.'));
      // Told before the read, so the owner publishes what it stores from about then on: what it
      // stored before that is in the read, and the rest arrives on the channel (kept until the
      // room listens). The narrow overlap of the two shows as a gap the replica fills from the log.
      this.relay.tellFollowing(holder.owner, [documentId]);
      const { doc, seq, bytes } = await this.readStored(documentId, DOC_KINDS[target.doc]);
      const room = new Room({
        key,
        workspaceId: target.workspaceId,
        kind: DOC_KINDS[target.doc],
        documentId,
        doc,
        seq,
        checkpointSeq: seq,
        bytes,
        // The owner checks whose each client id is.
        clientOwners: new Map(),
        lease: holder,
        relay: { relay: this.relay, channel },
        follower: true,
        readOnly: target.readOnly ?? false,
        store: this.store,
        updateLog: this.updateLog,
        logger: this.deps.logger,
        settings: this.roomSettings,
        onFailed: (failed, reason) => this.onRoomFailed(key, failed, reason),
      });
      this.deps.logger.debug('room.following', { documentId, seq });
      return room;
    } catch (error) {
      channel.close();
      throw error;
    }
  }

  /** A follower's request, at the owner: run as if it came from a member or route here. */
  private serveForwarded(request: ForwardRequest, reply: (answer: ForwardAnswer) => void, address: AnswerAddress): void {
    const slot = this.slots.get(docKey(request.workspaceId, request.doc));
    // Still loading here (a follower can open it and send while this process reads it): served
    // once it is open, in the order the requests came.
    if (slot && !slot.room) {
      const serve = () => this.serveForwarded(request, reply, address);
      slot.ready.then(serve, serve);
      return;
    }
    const room = slot?.room;
    if (!room || !room.usable || room.follows || room.lease.token !== request.token) {
      return reply({ kind: 'refused', code: 'NOT_JOINED', message: 'The document moved to another server; joining again.' });
    }
    const refused = (error: unknown) => {
      if (error instanceof RoomError) return reply({ kind: 'refused', code: error.code, message: error.message });
      this.deps.logger.error('relay.forwarded_failed', { documentId: room.documentId, ...describeError(error) });
      reply({ kind: 'refused', code: 'INTERNAL', message: 'The change could not be handled; please try again.' });
    };
    if (request.kind === 'version') {
      const release = room.hold();
      this.cancelIdle(room.key);
      this.createVersion({ workspaceId: request.workspaceId, doc: request.doc, label: request.label, kind: request.versionKind, userId: request.userId })
        .then((version) => reply({ kind: 'version', version }), refused)
        .finally(() => release() === 0 && this.idle(room));
      return;
    }
    const before = room.seq;
    const answers: CarriedAnswer = { ...address, carried: false };
    let stored: Promise<number | null>;
    try {
      stored = room.receiveUpdate({ ...request.origin, connection: null, via: request.via }, request.update, answers);
    } catch (error) {
      return refused(error);
    }
    const seq = room.seq > before ? room.seq : null;
    // Usually stored within milliseconds: then one answer says it all, most often the update's
    // own message on the document's channel.
    const slow = setTimeout(() => reply({ kind: 'accepted', seq }), FORWARD_ACCEPTED_AFTER_MS);
    stored.then(
      () => answers.carried || reply({ kind: 'stored', seq }),
      (error: unknown) => refused(error),
    ).finally(() => clearTimeout(slow));
  }

  /** A version of a document another process owns: saved there, where its checkpoints are written. */
  private forwardVersion(room: Room, input: CreateVersionInput): Promise<DocVersion> {
    const relay = this.relay!;
    return new Promise((resolve, reject) => {
      const request = { kind: 'version' as const, workspaceId: input.workspaceId, doc: input.doc, token: room.lease.token, label: input.label, versionKind: input.kind, userId: input.userId };
      relay.forward(
        room.lease.owner,
        request,
        (answer) => {
          if (answer.kind === 'version') return resolve(answer.version);
          if (answer.kind === 'refused') {
            if (answer.code === 'NOT_JOINED' || answer.code === 'NOT_SAVED') room.fail('owner_lost');
            return reject(new RoomError('LOAD_FAILED', 'The version could not be saved; please try again.'));
          }
        },
        VERSION_FLUSH_TIMEOUT_MS + 5_000,
      );
    });
  }

  /**
   * Whose each Yjs client id of the document is. Ids in the document that were never recorded
   * (documents older than the record) are attributed from the update log — each to the member
   * who first sent updates under it — and recorded now.
   */
  private async loadClientOwners(documentId: string, doc: Y.Doc): Promise<Map<number, string | null>> {
    const owners = new Map((await this.store.listDocClients(documentId)).map((claim) => [claim.clientId, claim.userId] as const));
    const unknown = [...doc.store.clients.keys()].filter((client) => !owners.has(client));
    if (unknown.length === 0) return owners;
    const found = new Map<number, string | null>();
    for (const update of await this.store.listUpdatesAfter(documentId, 0)) {
      for (const client of Y.parseUpdateMeta(update.update).from.keys()) {
        if (!owners.has(client) && !found.has(client)) found.set(client, update.userId);
      }
    }
    await this.store.insertDocClients(documentId, [...found].map(([clientId, userId]) => ({ clientId, userId })));
    for (const [client, userId] of found) owners.set(client, userId);
    return owners;
  }

  private async withRoom<T>(target: Target, use: (room: Room) => Promise<T>): Promise<T> {
    const room = await this.acquire(target);
    const release = room.hold();
    this.cancelIdle(room.key);
    try {
      return await use(room);
    } finally {
      if (release() === 0) this.idle(room);
    }
  }

  private session(room: Room, connection: RoomConnection): RoomSession {
    let left = false;
    return {
      key: room.key,
      role: connection.role,
      get readOnly() {
        return room.readOnly;
      },
      start: ({ withState }) => room.sendInitialSync(connection, withState),
      receiveSync: (message) => {
        if (left) throw new RoomError('NOT_JOINED', 'Join the document first.');
        const budget = this.refusalBudgets.get(connection.userId);
        if (budget?.empty) throw new RoomError('RATE_LIMITED', 'Too many refused changes; please wait a moment.');
        const receivedAt = performance.now();
        let outcome;
        try {
          outcome = room.receiveSync(connection, message);
        } catch (error) {
          if (error instanceof RoomError && COSTLY_REFUSALS.has(error.code)) this.chargeRefusal(connection.userId);
          throw error;
        }
        outcome.durable?.then(
          () => this.confirmations.since(receivedAt),
          // A follower hears the owner's refusal later: it costs the same.
          (error: unknown) => {
            if (error instanceof RoomError && COSTLY_REFUSALS.has(error.code)) this.chargeRefusal(connection.userId);
          },
        );
        return outcome;
      },
      receiveAwareness: (update) => {
        if (left) throw new RoomError('NOT_JOINED', 'Join the document first.');
        room.receiveAwareness(connection, update);
      },
      awarenessStates: () => room.awarenessStates(),
      leave: () => {
        if (left) return;
        left = true;
        const joined = (this.joinedByUser.get(connection.userId) ?? 1) - 1;
        if (joined > 0) this.joinedByUser.set(connection.userId, joined);
        else this.joinedByUser.delete(connection.userId);
        if (room.detach(connection) === 0) this.idle(room);
      },
    };
  }

  private chargeRefusal(userId: string): void {
    let budget = this.refusalBudgets.get(userId);
    if (!budget) this.refusalBudgets.set(userId, (budget = new TokenBucket(this.settings.maxRefusalsPerMinute / 60, this.settings.maxRefusalsPerMinute)));
    budget.take();
  }

  // ---- leases ----

  /** Renews every open room's lease in one statement; rooms whose lease another process took fail. */
  private async renewLeases(): Promise<void> {
    for (const [userId, budget] of this.refusalBudgets) if (budget.full) this.refusalBudgets.delete(userId);
    const followersGone = Date.now() - this.settings.leaseTtlMs;
    for (const [documentId, heardAt] of this.followedEarly) if (heardAt < followersGone) this.followedEarly.delete(documentId);
    const open = this.openRooms();
    void this.checkFollowers(open.filter((room) => room.follows));
    const rooms = open.filter((room) => !room.follows);
    if (rooms.length === 0) return;
    let kept: Set<string>;
    try {
      kept = await this.store.renewLeases(
        this.owner,
        rooms.map((room) => ({ documentId: room.documentId, token: room.lease.token })),
        this.settings.leaseTtlMs,
      );
    } catch (error) {
      // The database is unreachable: keep serving (writes are fenced anyway) and try again.
      this.deps.logger.warn('room.lease_renewal_failed', describeError(error));
      return;
    }
    for (const room of rooms) {
      if (!kept.has(room.documentId) && room.usable) room.fencedOut();
    }
  }

  /**
   * Followers ask the database, in one statement, who holds their documents and how far the
   * log goes: an owner that is gone or replaced means loading afresh; a log ahead of the
   * replica means messages were missed (the last ones of a burst, which no later one reveals).
   */
  private async checkFollowers(followers: Room[]): Promise<void> {
    if (followers.length === 0) return;
    // First, whatever the database says: the owners go on publishing to them (one message to each).
    const byOwner = new Map<string, string[]>();
    for (const room of followers) {
      if (!room.usable) continue;
      const ids = byOwner.get(room.lease.owner);
      if (ids) ids.push(room.documentId);
      else byOwner.set(room.lease.owner, [room.documentId]);
    }
    for (const [owner, ids] of byOwner) this.relay?.tellFollowing(owner, ids);
    let found;
    try {
      found = await this.store.followedDocuments(followers.map((room) => room.documentId));
    } catch (error) {
      this.deps.logger.warn('room.follow_check_failed', describeError(error));
      return;
    }
    for (const room of followers) {
      const state = found.get(room.documentId);
      if (!room.usable) continue;
      if (!state?.holder || state.holder.owner !== room.lease.owner || state.holder.token !== room.lease.token) room.fail('owner_lost');
      else room.logReached(state.lastSeq);
    }
  }

  /** A room that failed is closed at once: its members are asked to join again, which loads it afresh. */
  private onRoomFailed(key: DocKey, room: Room, reason: RoomFailure): void {
    const slot = this.slots.get(key);
    if (slot?.room === room) {
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      this.slots.delete(key);
    }
    room.dropConnections('NOT_JOINED', reason === 'diverged' ? 'The document is being reloaded; joining again.' : 'The document moved to another server; joining again.');
    room.destroy();
    if (reason === 'diverged' && !room.follows) void this.store.releaseLease(room.documentId, this.owner, room.lease.token).catch(() => {});
  }

  // ---- unloading ----

  private idle(room: Room): void {
    const slot = this.slots.get(room.key);
    if (slot?.room === room) this.scheduleIdle(room.key, slot);
  }

  private scheduleIdle(key: DocKey, slot: Slot, delayMs = this.settings.idleUnloadMs): void {
    if (this.closing || slot.idleTimer || slot.unloading) return;
    slot.idleTimer = setTimeout(() => {
      slot.idleTimer = null;
      if (!slot.room || slot.room.refs > 0) return;
      slot.unloading = this.unload(key, slot).finally(() => {
        slot.unloading = null;
        // Still open with nobody here (others follow it, or the unload failed): look again later.
        const room = slot.room;
        if (room && room.state === 'open' && room.usable && room.refs === 0 && this.slots.get(key) === slot) this.scheduleIdle(key, slot, Math.max(this.settings.idleUnloadMs, 1_000));
      });
    }, delayMs);
  }

  private cancelIdle(key: DocKey): void {
    const slot = this.slots.get(key);
    if (slot?.idleTimer) {
      clearTimeout(slot.idleTimer);
      slot.idleTimer = null;
    }
  }

  /**
   * Writes what is pending (waiting out a database outage if need be), checkpoints, and frees
   * the room — unless someone joined meanwhile, in which case it simply stays open. The room
   * stays in the map until the very end, so a join always finds the one live copy.
   */
  private async unload(key: DocKey, slot: Slot): Promise<void> {
    const room = slot.room;
    if (!room || !room.beginUnload()) return;
    try {
      // Members on other processes follow it: it stays theirs to write.
      if (!room.follows && room.channel && (await room.channel.listeners()) > 1) {
        room.cancelUnload();
        return;
      }
      for (;;) {
        await room.flush();
        if (room.refs > 0 || this.closing) break;
        await this.checkpoints.run(() => room.checkpointIfBehind());
        if (room.refs > 0 || this.closing) break;
        // Nothing arrived while we waited: this is the moment to let go.
        if (room.seq === room.durableSeq) {
          // The room stays in its slot, closed, until the lease is given up: a join meanwhile
          // loads it afresh, and the process counts it open until it has let go.
          room.destroy({ leaseToRelease: true });
          if (!room.follows) {
            await this.store.releaseLease(room.documentId, this.owner, room.lease.token).catch((error: unknown) =>
              this.deps.logger.warn('room.lease_release_failed', { documentId: room.documentId, ...describeError(error) }),
            );
            room.announceRelease();
          }
          if (this.slots.get(key) === slot) this.slots.delete(key);
          this.deps.logger.debug('room.unloaded', { documentId: room.documentId, seq: room.seq });
          return;
        }
      }
    } catch (error) {
      if (!room.usable) return;
      this.deps.logger.error('room.unload_failed', { documentId: room.documentId, ...describeError(error) });
    }
    room.cancelUnload();
    if (room.refs === 0 && !this.closing) this.scheduleIdle(key, slot);
  }

  private async closeAll(): Promise<void> {
    clearInterval(this.leaseTimer);
    const slots = [...this.slots.entries()];
    for (const [, slot] of slots) {
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      slot.idleTimer = null;
    }
    await Promise.all(
      slots.map(async ([key, slot]) => {
        const room = await slot.ready.catch(() => null);
        if (!room || !room.usable) return;
        try {
          await withDeadline(room.flush(), this.settings.shutdownFlushTimeoutMs, () => new Error('timed out'));
          await this.checkpoints.run(() => room.checkpointIfBehind());
        } catch {
          this.deps.logger.error('room.unsaved_at_shutdown', { documentId: room.documentId, updates: room.seq - room.durableSeq });
        }
        if (this.slots.get(key) === slot) this.slots.delete(key);
        room.destroy({ leaseToRelease: true });
        if (!room.follows) await this.store.releaseLease(room.documentId, this.owner, room.lease.token).catch(() => {});
        room.announceRelease();
      }),
    );
    this.updateLog.close();
  }
}

function withDeadline<T>(promise: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(error()), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
