import type { ClientClaim, FencedAppendResult, FencedBatch, LeaseClaim, LoggedUpdate } from '@alliance/db';
import { describeError, type Logger } from '../logger.js';

/** An accepted update waiting to be written, with the client ids it is the first to use. */
export interface QueuedUpdate extends LoggedUpdate {
  claims: ClientClaim[];
}

/** A document whose accepted updates go to the log (a room). */
export interface LogTarget {
  readonly documentId: string;
  /** The lease its writes are fenced by. */
  readonly lease: LeaseClaim;
  /** The oldest `count` updates, up to `lastSeq`, are now durably stored. */
  written(count: number, lastSeq: number): void;
  /** A write failed; the updates stay queued and will be retried. */
  failed(error: unknown): void;
  /** The write found another process holding the document: nothing was written, nothing may be confirmed. */
  fencedOut(): void;
}

export interface UpdateLogOptions {
  /** Writes every batch in one statement, fenced by each document's lease (see appendFencedUpdates). */
  append(batches: FencedBatch[]): Promise<FencedAppendResult>;
  logger: Logger;
  retryInitialMs?: number;
  retryMaxMs: number;
  writeTimeoutMs: number;
  /** Caps per statement (Postgres allows 65,535 parameters; a row takes 4). */
  maxRowsPerWrite?: number;
  maxBytesPerWrite?: number;
  /**
   * Writes in flight at once (default 1). With more, an update rarely waits for someone else's
   * commit, and Postgres flushes the WAL of concurrent commits together. A room never has two
   * writes in flight, so its seqs become durable in order.
   */
  maxConcurrentWrites?: number;
  /**
   * A write starts beside the ones in flight only once the latest of them has taken this long
   * (default 0: at once). Commits that are quick are then waited for, and the next write carries
   * everything that arrived meanwhile (fewer, larger statements); one that is slow — a lock, a
   * checkpoint of the database — holds nobody else up for longer than this.
   */
  concurrentAfterMs?: number;
}

interface Part {
  target: LogTarget;
  updates: QueuedUpdate[];
}

interface Backoff {
  attempts: number;
  until: number;
}

/**
 * The update log's writer (group commit). Rooms hand it accepted updates; a write takes
 * everything waiting across all rooms and stores it with one INSERT. While writes are in flight
 * (up to maxConcurrentWrites, none of them for the same room) new updates accumulate and the
 * next write takes them all, so under load a statement carries many updates and the database
 * sees few statements.
 *
 * Failures never drop or reorder anything: a room's updates leave its queue only after the
 * write that carried them succeeded, and they are retried — with capped exponential backoff
 * per room — until they are written. A failure that is about the data (a constraint, not the
 * connection) is retried room by room, so one bad document cannot hold up the others.
 */
export class UpdateLog {
  /** Each room's accepted updates not yet durably written, oldest first: the log's own queues. */
  private readonly queues = new Map<LogTarget, QueuedUpdate[]>();
  private readonly backoff = new Map<LogTarget, Backoff>();
  /** Rooms to write one at a time after a batch failed on its data. */
  private readonly solo = new Set<LogTarget>();
  /** Rooms with a write in flight: their next updates wait for it, to stay in order. */
  private readonly inFlight = new Set<LogTarget>();
  private active = 0;
  private scheduled = false;
  private retryTimer: NodeJS.Timeout | null = null;
  /** When the latest write in flight started (performance.now()), and the wake-up for the next one. */
  private lastStartedAt = 0;
  private concurrencyTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly retryInitialMs: number;
  private readonly maxRows: number;
  private readonly maxBytes: number;
  private readonly maxConcurrent: number;
  private readonly concurrentAfterMs: number;

  constructor(private readonly options: UpdateLogOptions) {
    this.retryInitialMs = options.retryInitialMs ?? 25;
    this.maxRows = options.maxRowsPerWrite ?? 4_000;
    this.maxBytes = options.maxBytesPerWrite ?? 16 * 1024 * 1024;
    this.maxConcurrent = Math.max(1, options.maxConcurrentWrites ?? 1);
    this.concurrentAfterMs = Math.max(0, options.concurrentAfterMs ?? 0);
  }

  /** `target`'s accepted updates not yet written, oldest first. */
  unwrittenOf(target: LogTarget): readonly QueuedUpdate[] {
    return this.queues.get(target) ?? [];
  }

  /** Bytes of accepted updates not yet written, over all rooms (bounded: see MAX_UNSAVED_BYTES). */
  pendingBytes = 0;

  /** Queues an accepted update of `target` (seqs must increase). */
  append(target: LogTarget, update: QueuedUpdate): void {
    const queue = this.queues.get(target);
    if (queue) queue.push(update);
    else this.queues.set(target, [update]);
    this.pendingBytes += update.update.byteLength;
    this.schedule();
  }

  /** Updates accepted but not yet written, over all rooms. */
  get pending(): number {
    let count = 0;
    for (const queue of this.queues.values()) count += queue.length;
    return count;
  }

  /**
   * Forgets everything `target` has queued: it will never be written (the room lost its lease or
   * failed, and confirms none of it). A write in flight for it finds nothing to confirm.
   */
  drop(target: LogTarget): void {
    for (const update of this.queues.get(target) ?? []) this.pendingBytes -= update.update.byteLength;
    this.queues.delete(target);
    this.backoff.delete(target);
    this.solo.delete(target);
  }

  /** Stops writing (after the rooms flushed what they could). */
  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.concurrencyTimer) clearTimeout(this.concurrencyTimer);
    this.concurrencyTimer = null;
  }

  private schedule(): void {
    if (this.closed || this.scheduled) return;
    // setImmediate rather than now: every message read in this turn of the event loop joins
    // the same write.
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  /** Starts writes while there are free slots and rooms with updates ready to go. */
  private pump(): void {
    if (this.closed) return;
    while (this.active < this.maxConcurrent) {
      if (this.active > 0 && this.concurrentAfterMs > 0) {
        const waitMs = this.lastStartedAt + this.concurrentAfterMs - performance.now();
        if (waitMs > 0) {
          this.armConcurrency(waitMs);
          break;
        }
      }
      const batch = this.takeBatch(Date.now());
      if (batch.length === 0) break;
      this.active++;
      this.lastStartedAt = performance.now();
      for (const part of batch) this.inFlight.add(part.target);
      void this.write(batch).finally(() => {
        this.active--;
        for (const part of batch) this.inFlight.delete(part.target);
        this.pump();
      });
    }
    this.armRetry();
  }

  /** Wakes up when another write may start beside the ones in flight (see concurrentAfterMs). */
  private armConcurrency(waitMs: number): void {
    if (this.concurrencyTimer || this.closed) return;
    this.concurrencyTimer = setTimeout(() => {
      this.concurrencyTimer = null;
      this.pump();
    }, Math.ceil(waitMs));
  }

  /** Wakes up when the earliest room in backoff may be retried. */
  private armRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.backoff.size === 0 || this.closed) return;
    const now = Date.now();
    let earliest = Infinity;
    for (const [target, queue] of this.queues) {
      if (queue.length === 0 || this.inFlight.has(target)) continue;
      const until = this.backoff.get(target)?.until;
      if (until !== undefined && until > now) earliest = Math.min(earliest, until);
    }
    if (earliest === Infinity) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.pump();
    }, earliest - now);
  }

  private takeBatch(now: number): Part[] {
    const parts: Part[] = [];
    let rows = 0;
    let bytes = 0;
    for (const [target, queue] of this.queues) {
      if (queue.length === 0) {
        if (!this.inFlight.has(target)) this.queues.delete(target);
        this.solo.delete(target);
        continue;
      }
      if (this.inFlight.has(target)) continue;
      const backoff = this.backoff.get(target);
      if (backoff && backoff.until > now) continue;
      // A room set aside after a refused batch is written on its own.
      const alone = this.solo.has(target);
      if (alone && parts.length > 0) continue;
      let count = 0;
      for (const update of queue) {
        if (rows >= this.maxRows || (rows > 0 && bytes + update.update.byteLength > this.maxBytes)) break;
        count++;
        rows++;
        bytes += update.update.byteLength;
      }
      if (count === 0) break;
      parts.push({ target, updates: queue.slice(0, count) });
      if (alone) break;
    }
    return parts;
  }

  private async write(parts: Part[]): Promise<void> {
    const rows = parts.reduce((sum, part) => sum + part.updates.length, 0);
    const retrying = parts.some((part) => this.backoff.has(part.target));
    let result: FencedAppendResult;
    try {
      result = await withTimeout(
        this.options.append(
          parts.map((part) => ({
            documentId: part.target.documentId,
            lease: part.target.lease,
            updates: part.updates,
            claims: part.updates.flatMap((update) => update.claims),
          })),
        ),
        this.options.writeTimeoutMs,
      );
    } catch (error) {
      this.handleFailure(parts, rows, error);
      return;
    }
    const fenced = new Set(result.fencedOut);
    // Rows already present are expected when retrying a write whose commit went unconfirmed.
    const expected = parts.reduce((sum, part) => sum + (fenced.has(part.target.documentId) ? 0 : part.updates.length), 0);
    if (result.added < expected && !retrying) this.options.logger.error('update_log.rows_already_present', { rows: expected, added: result.added });
    for (const part of parts) {
      this.backoff.delete(part.target);
      this.solo.delete(part.target);
      if (fenced.has(part.target.documentId)) {
        // Nothing of it may be written any more: forget it here, whatever the room does next.
        this.inFlight.delete(part.target);
        this.drop(part.target);
        part.target.fencedOut();
        continue;
      }
      for (const update of this.queues.get(part.target)?.splice(0, part.updates.length) ?? []) this.pendingBytes -= update.update.byteLength;
      part.target.written(part.updates.length, part.updates[part.updates.length - 1]!.seq);
    }
  }

  private handleFailure(parts: Part[], rows: number, error: unknown): void {
    if (parts.length > 1 && isDataError(error)) {
      this.options.logger.warn('update_log.batch_refused', { ...describeError(error), documents: parts.length, updates: rows });
      for (const part of parts) this.solo.add(part.target);
      return;
    }
    let retryInMs = 0;
    let attempts = 0;
    const now = Date.now();
    for (const part of parts) {
      attempts = (this.backoff.get(part.target)?.attempts ?? 0) + 1;
      retryInMs = Math.min(this.options.retryMaxMs, this.retryInitialMs * 2 ** Math.min(attempts - 1, 20));
      this.backoff.set(part.target, { attempts, until: now + retryInMs });
      this.solo.delete(part.target);
      part.target.failed(error);
    }
    this.options.logger.warn('update_log.write_failed', { ...describeError(error), documents: parts.length, updates: rows, attempts, retryInMs });
  }
}

/** Postgres classes 22 (data exception) and 23 (integrity constraint): retrying as is cannot help. */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23]/.test(code);
}

class WriteTimeoutError extends Error {
  constructor(ms: number) {
    super(`the update log write did not answer within ${ms} ms`);
    this.name = 'WriteTimeoutError';
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WriteTimeoutError(ms)), ms);
  });
  // A write that loses the race may still land later: the retry skips rows already stored.
  promise.catch(() => {});
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
