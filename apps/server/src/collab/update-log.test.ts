import type { FencedAppendResult, FencedBatch } from '@alliance/db';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { UpdateLog, type LogTarget, type QueuedUpdate } from './update-log.js';

class FakeRoom implements LogTarget {
  readonly writtenUpTo: number[] = [];
  readonly lease = { owner: 'this-process', token: 1 };
  failures = 0;
  fenced = 0;
  private seq = 0;
  constructor(readonly documentId: string) {}
  written(_count: number, lastSeq: number): void {
    this.writtenUpTo.push(lastSeq);
  }
  failed(): void {
    this.failures++;
  }
  fencedOut(): void {
    this.fenced++;
  }
  next(): QueuedUpdate {
    return { seq: ++this.seq, update: new Uint8Array([this.seq]), userId: null, claims: [] };
  }
}

/** A store that records each write and can be told to fail or to wait. */
class FakeStore {
  readonly writes: FencedBatch[][] = [];
  failWith: ((batches: FencedBatch[]) => Error | null) | null = null;
  /** Documents another process holds: their rows are not written. */
  readonly heldElsewhere = new Set<string>();
  delayMs = 0;
  gate: Promise<void> | null = null;

  append = async (batches: FencedBatch[]): Promise<FencedAppendResult> => {
    if (this.gate) await this.gate;
    if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const error = this.failWith?.(batches);
    if (error) throw error;
    const kept = batches.filter((batch) => !this.heldElsewhere.has(batch.documentId));
    this.writes.push(kept.map((batch) => ({ ...batch, updates: [...batch.updates] })));
    return { added: kept.reduce((sum, batch) => sum + batch.updates.length, 0), fencedOut: batches.filter((batch) => this.heldElsewhere.has(batch.documentId)).map((batch) => batch.documentId) };
  };
}

function createLog(store: FakeStore, maxConcurrentWrites = 1, concurrentAfterMs = 0): UpdateLog {
  return new UpdateLog({ append: store.append, logger: createLogger('silent'), retryInitialMs: 5, retryMaxMs: 20, writeTimeoutMs: 5_000, maxConcurrentWrites, concurrentAfterMs });
}

/**
 * A store whose every write waits until it is let through: `started` names the writes begun
 * ("doc:seq+seq,doc:seq"), `gates` lets each of them finish.
 */
function gatedStore(): { store: FakeStore; started: string[]; gates: Map<string, () => void> } {
  const store = new FakeStore();
  const started: string[] = [];
  const gates = new Map<string, () => void>();
  store.append = async (batches) => {
    const name = batches.map((batch) => `${batch.documentId}:${batch.updates.map((update) => update.seq).join('+')}`).join(',');
    started.push(name);
    await new Promise<void>((resolve) => gates.set(name, resolve));
    store.writes.push(batches);
    return { added: batches.reduce((sum, batch) => sum + batch.updates.length, 0), fencedOut: [] };
  };
  return { store, started, gates };
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

const seqsOf = (writes: FencedBatch[][], documentId: string) =>
  writes.flatMap((write) => write.filter((batch) => batch.documentId === documentId).flatMap((batch) => batch.updates.map((update) => update.seq)));

describe('the update log', () => {
  it('writes everything that arrived together in one statement, and what arrives during a write in the next', async () => {
    const store = new FakeStore();
    store.delayMs = 30;
    const log = createLog(store);
    const rooms = Array.from({ length: 10 }, (_, index) => new FakeRoom(`doc-${index}`));
    for (let round = 0; round < 10; round++) for (const room of rooms) log.append(room, room.next());
    await until(() => store.writes.length === 1 || log.pending < 100);
    for (const room of rooms) log.append(room, room.next());
    await until(() => rooms.every((room) => room.writtenUpTo.at(-1) === 11));

    expect(store.writes).toHaveLength(2);
    expect(store.writes[0]!.flatMap((batch) => batch.updates)).toHaveLength(100);
    expect(store.writes[1]!.flatMap((batch) => batch.updates)).toHaveLength(10);
    expect(rooms[3]!.writtenUpTo).toEqual([10, 11]);
    log.close();
  });

  it('confirms nothing before the write that carries it has finished', async () => {
    const store = new FakeStore();
    let open!: () => void;
    store.gate = new Promise((resolve) => (open = resolve));
    const log = createLog(store);
    const room = new FakeRoom('doc');
    log.append(room, room.next());
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(room.writtenUpTo).toEqual([]);
    expect(log.unwrittenOf(room)).toHaveLength(1);
    open();
    await until(() => room.writtenUpTo.length === 1);
    expect(log.unwrittenOf(room)).toHaveLength(0);
    log.close();
  });

  it('with concurrent writes, lets another room go ahead but never writes one room twice at once', async () => {
    const { store, started, gates } = gatedStore();
    const log = createLog(store, 2);
    const busy = new FakeRoom('busy');
    const other = new FakeRoom('other');
    log.append(busy, busy.next());
    await until(() => started.length === 1);
    log.append(busy, busy.next());
    log.append(other, other.next());
    await until(() => started.length === 2);
    expect(started).toEqual(['busy:1', 'other:1']);
    gates.get('other:1')!();
    await until(() => other.writtenUpTo.length === 1);
    expect(started).toHaveLength(2); // busy:2 waits for busy:1
    gates.get('busy:1')!();
    await until(() => started.length === 3);
    expect(started[2]).toBe('busy:2');
    gates.get('busy:2')!();
    await until(() => busy.writtenUpTo.length === 2);
    expect(busy.writtenUpTo).toEqual([1, 2]);
    log.close();
  });

  it('waits for a quick write before starting the next beside it, and lets a slow one hold nobody up for long', async () => {
    const { store, started, gates } = gatedStore();
    const log = createLog(store, 4, 200);
    const [a, b, c] = [new FakeRoom('a'), new FakeRoom('b'), new FakeRoom('c')];
    log.append(a, a.next());
    await until(() => started.length === 1);
    // A quick write: what arrives meanwhile waits for it, then goes in one statement.
    log.append(b, b.next());
    log.append(c, c.next());
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(started).toEqual(['a:1']);
    gates.get('a:1')!();
    await until(() => started.length === 2);
    expect(started[1]).toBe('b:1,c:1');
    // A slow one: after 200 ms the next write starts beside it.
    const slowSince = performance.now();
    log.append(a, a.next());
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(started).toHaveLength(2);
    await until(() => started.length === 3);
    expect(started[2]).toBe('a:2');
    expect(performance.now() - slowSince).toBeGreaterThanOrEqual(150);
    for (const name of ['b:1,c:1', 'a:2']) gates.get(name)!();
    await until(() => a.writtenUpTo.length === 2 && b.writtenUpTo.length === 1 && c.writtenUpTo.length === 1);
    log.close();
  });

  it('keeps failed updates queued in order and writes all of them once the database answers again', async () => {
    const store = new FakeStore();
    let failures = 3;
    store.failWith = () => (failures-- > 0 ? Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' }) : null);
    const log = createLog(store);
    const room = new FakeRoom('doc');
    log.append(room, room.next());
    log.append(room, room.next());
    await until(() => room.failures >= 1);
    for (let index = 0; index < 3; index++) log.append(room, room.next());
    await until(() => room.writtenUpTo.at(-1) === 5);

    expect(room.failures).toBe(3);
    expect(seqsOf(store.writes, 'doc')).toEqual([1, 2, 3, 4, 5]);
    expect(log.unwrittenOf(room)).toHaveLength(0);
    log.close();
  });

  it('sets a document whose rows are refused aside, so the other documents keep being written', async () => {
    const store = new FakeStore();
    store.failWith = (batches) => (batches.some((batch) => batch.documentId === 'broken') ? Object.assign(new Error('foreign key'), { code: '23503' }) : null);
    const log = createLog(store);
    const broken = new FakeRoom('broken');
    const healthy = new FakeRoom('healthy');
    log.append(broken, broken.next());
    log.append(healthy, healthy.next());
    await until(() => healthy.writtenUpTo.length === 1);
    log.append(healthy, healthy.next());
    await until(() => healthy.writtenUpTo.length === 2);

    expect(broken.writtenUpTo).toEqual([]);
    expect(broken.failures).toBeGreaterThan(0);
    expect(log.unwrittenOf(broken)).toHaveLength(1);
    expect(seqsOf(store.writes, 'healthy')).toEqual([1, 2]);
    log.close();
  });

  it('confirms nothing of a document another process holds, and writes the others', async () => {
    const store = new FakeStore();
    store.heldElsewhere.add('taken');
    const log = createLog(store);
    const taken = new FakeRoom('taken');
    const mine = new FakeRoom('mine');
    log.append(taken, taken.next());
    log.append(mine, mine.next());
    await until(() => taken.fenced === 1 && mine.writtenUpTo.length === 1);

    expect(taken.writtenUpTo).toEqual([]);
    expect(log.unwrittenOf(taken)).toEqual([]);
    expect(log.pendingBytes).toBe(0);
    expect(seqsOf(store.writes, 'taken')).toEqual([]);
    expect(seqsOf(store.writes, 'mine')).toEqual([1]);
    log.close();
  });
});
