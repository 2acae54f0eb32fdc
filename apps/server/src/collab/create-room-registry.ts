import type { Database, DocCheckpoint } from '@alliance/db';
import { defineRoots, docKey, type DocKey, type DocName } from '@alliance/shared';
import type { Kysely } from 'kysely';
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import type { Env } from '../env.js';
import { describeError, type Logger } from '../logger.js';
import { RoomError } from './errors.js';
import { createDocPolicy } from './policies.js';
import { Room, type RoomSettings } from './room.js';
import type { CreateVersionInput, DocAccess, RoomConnection, RoomRegistry, RoomSession, RoomStats } from './room-registry.js';
import { LatencyRecorder } from './latency.js';
import { Limiter } from './limiter.js';
import { createCollabStore, type CollabStore } from './store.js';
import { UpdateLog } from './update-log.js';

export interface RoomRegistryDeps {
  db: Kysely<Database>;
  env: Env;
  logger: Logger;
  /** The persistence seam; defaults to the database repositories. Tests wrap it to inject failures. */
  store?: CollabStore;
}

interface Slot {
  /** Settles once the document is loaded; shared by every join that arrives meanwhile. */
  ready: Promise<Room>;
  room: Room | null;
  idleTimer: NodeJS.Timeout | null;
  unloading: Promise<void> | null;
}

type Target = { workspaceId: string; doc: DocName; documentId?: string; readOnly?: boolean };

/** How long an HTTP version request waits for pending updates to be written. */
const VERSION_FLUSH_TIMEOUT_MS = 5_000;

export function createRoomRegistry(deps: RoomRegistryDeps): RoomRegistry {
  return new Registry(deps);
}

/**
 * Keeps one Room per open document. Loading is single-flight (concurrent first joins share
 * one load and get the same room; a failed load leaves nothing behind and writes nothing) and
 * a room unloads a moment after its last member leaves: pending updates written, a checkpoint
 * saved, then freed. A member joining while it unloads simply keeps it open — there is never a
 * second copy of a document in memory.
 */
class Registry implements RoomRegistry {
  private readonly slots = new Map<DocKey, Slot>();
  private readonly store: CollabStore;
  private readonly updateLog: UpdateLog;
  private readonly settings: RoomSettings;
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

  constructor(private readonly deps: RoomRegistryDeps) {
    this.store = deps.store ?? createCollabStore(deps.db);
    this.checkpointWrites = new Limiter(deps.env.DATABASE_URL ? 2 : 1);
    this.settings = {
      maxMessageBytes: deps.env.MAX_MESSAGE_BYTES,
      checkpointEveryUpdates: deps.env.CHECKPOINT_EVERY_UPDATES,
      checkpointEveryMs: deps.env.CHECKPOINT_EVERY_MS,
    };
    this.updateLog = new UpdateLog({
      append: async (batches) => {
        const startedAt = performance.now();
        const added = await this.store.appendUpdateBatches(batches);
        this.logWrites.since(startedAt);
        return added;
      },
      logger: deps.logger,
      retryMaxMs: deps.env.UPDATE_LOG_RETRY_MAX_MS,
      writeTimeoutMs: deps.env.UPDATE_LOG_WRITE_TIMEOUT_MS,
      // Postgres commits concurrent transactions with one WAL flush; PGlite has one connection.
      maxConcurrentWrites: deps.env.DATABASE_URL ? 4 : 1,
    });
  }

  async join(access: DocAccess, connection: RoomConnection): Promise<RoomSession> {
    const room = await this.acquire(access);
    // The access check just read the workspace: the freshest word on read-only.
    room.readOnly = access.readOnly;
    room.attach(connection);
    this.cancelIdle(room.key);
    return this.session(room, connection);
  }

  async createVersion(input: CreateVersionInput): Promise<DocCheckpoint> {
    return this.withLease(input, async (room) => {
      await withDeadline(room.flush(), VERSION_FLUSH_TIMEOUT_MS, () => new RoomError('LOAD_FAILED', 'Recent edits are not saved yet; please try again.'));
      return room.writeCheckpoint({ kind: input.kind, label: input.label, createdBy: input.userId });
    });
  }

  async withDocument<T>(target: { workspaceId: string; doc: DocName }, read: (doc: Y.Doc) => T): Promise<T> {
    return this.withLease(target, async (room) => read(room.doc));
  }

  setReadOnly(workspaceId: string, readOnly: boolean): void {
    for (const slot of this.slots.values()) {
      if (slot.room?.workspaceId === workspaceId) slot.room.readOnly = readOnly;
    }
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
      if (room.state !== 'closed') return room;
    }
  }

  private load(key: DocKey, target: Target): Slot {
    const slot: Slot = { ready: null as unknown as Promise<Room>, room: null, idleTimer: null, unloading: null };
    slot.ready = (async () => {
      try {
        const documentId = target.documentId ?? (await this.store.findDocumentId(target.workspaceId, target.doc));
        if (!documentId) throw new RoomError('NOT_FOUND', 'No such document.');
        const policy = createDocPolicy(target.doc);
        const started = performance.now();
        const checkpoint = await this.store.latestCheckpoint(documentId);
        const checkpointSeq = checkpoint?.up_to_seq ?? 0;
        const tail = await this.store.listUpdatesAfter(documentId, checkpointSeq);
        const doc = new Y.Doc();
        defineRoots(doc, policy.roots);
        doc.transact(() => {
          if (checkpoint) Y.applyUpdate(doc, checkpoint.state);
          for (const update of tail) Y.applyUpdate(doc, update.update);
        });
        if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) {
          this.deps.logger.error('room.load_incomplete', { documentId, checkpointSeq, tail: tail.length });
        }
        const seq = Math.max(checkpointSeq, tail.length > 0 ? tail[tail.length - 1]!.seq : 0);
        const room = new Room({
          key,
          workspaceId: target.workspaceId,
          docName: target.doc,
          documentId,
          doc,
          seq,
          checkpointSeq,
          readOnly: target.readOnly ?? false,
          policy,
          store: this.store,
          updateLog: this.updateLog,
          logger: this.deps.logger,
          settings: this.settings,
          checkpointSlot: (task) => this.checkpointWrites.run(task),
        });
        slot.room = room;
        this.deps.logger.debug('room.loaded', { documentId, checkpointSeq, tail: tail.length, ms: Math.round(performance.now() - started) });
        // A long tail makes every load slow until the next checkpoint: write one now.
        if (tail.length >= this.settings.checkpointEveryUpdates) void room.checkpointIfBehind();
        // Nobody attached (every joiner went away meanwhile)? Then it unloads like any idle room.
        this.scheduleIdle(key, slot);
        return room;
      } catch (error) {
        if (this.slots.get(key) === slot) this.slots.delete(key);
        if (error instanceof RoomError) throw error;
        this.deps.logger.error('room.load_failed', { documentId: target.documentId, ...describeError(error) });
        throw new RoomError('LOAD_FAILED', 'The document could not be loaded. Please try again.');
      }
    })();
    return slot;
  }

  private async withLease<T>(target: Target, use: (room: Room) => Promise<T>): Promise<T> {
    const room = await this.acquire(target);
    room.lease();
    this.cancelIdle(room.key);
    try {
      return await use(room);
    } finally {
      if (room.release() === 0) this.idle(room);
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
        const receivedAt = performance.now();
        const outcome = room.receiveSync(connection, message);
        outcome.durable?.then(
          () => this.confirmations.since(receivedAt),
          () => {},
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
        if (room.detach(connection) === 0) this.idle(room);
      },
    };
  }

  // ---- unloading ----

  private idle(room: Room): void {
    const slot = this.slots.get(room.key);
    if (slot?.room === room) this.scheduleIdle(room.key, slot);
  }

  private scheduleIdle(key: DocKey, slot: Slot): void {
    if (this.closing || slot.idleTimer || slot.unloading) return;
    slot.idleTimer = setTimeout(() => {
      slot.idleTimer = null;
      if (slot.room && slot.room.refs === 0) slot.unloading = this.unload(key, slot).finally(() => (slot.unloading = null));
    }, this.deps.env.ROOM_IDLE_UNLOAD_MS);
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
    if (!room || room.state !== 'open') return;
    room.state = 'unloading';
    try {
      for (;;) {
        await room.flush();
        if (room.refs > 0 || this.closing) break;
        await this.checkpoints.run(() => room.checkpointIfBehind());
        if (room.refs > 0 || this.closing) break;
        // Nothing arrived while we waited: this is the moment to let go.
        if (room.seq === room.durableSeq) {
          if (this.slots.get(key) === slot) this.slots.delete(key);
          room.destroy();
          this.deps.logger.debug('room.unloaded', { documentId: room.documentId, seq: room.seq });
          return;
        }
      }
    } catch (error) {
      this.deps.logger.error('room.unload_failed', { documentId: room.documentId, ...describeError(error) });
    }
    if (room.state === 'unloading') room.state = 'open';
    if (room.refs === 0 && !this.closing) this.scheduleIdle(key, slot);
  }

  private async closeAll(): Promise<void> {
    const slots = [...this.slots.entries()];
    for (const [, slot] of slots) {
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      slot.idleTimer = null;
    }
    await Promise.all(
      slots.map(async ([key, slot]) => {
        const room = await slot.ready.catch(() => null);
        if (!room || room.state === 'closed') return;
        try {
          await withDeadline(room.flush(), this.deps.env.SHUTDOWN_FLUSH_TIMEOUT_MS, () => new Error('timed out'));
          await this.checkpoints.run(() => room.checkpointIfBehind());
        } catch {
          this.deps.logger.error('room.unsaved_at_shutdown', { documentId: room.documentId, updates: room.seq - room.durableSeq });
        }
        if (this.slots.get(key) === slot) this.slots.delete(key);
        room.destroy();
      }),
    );
    this.updateLog.close();
  }
}

/** Runs at most `max` tasks at once; the others wait their turn, in order. */
function withDeadline<T>(promise: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(error()), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
