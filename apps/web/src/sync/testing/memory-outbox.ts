import type { DocKey } from '@alliance/shared';
import type { Outbox, OutboxEntry } from '../outbox.js';

/**
 * The {@link Outbox} contract kept in memory, for tests of the sync layer: share one between
 * two sessions to stand for a page that was closed and opened again. Entries are copied in and
 * out, as IndexedDB's structured clone does.
 */
export class MemoryOutbox implements Outbox {
  private readonly docs = new Map<DocKey, Map<string, Uint8Array>>();

  list(key: DocKey): Promise<OutboxEntry[]> {
    const entries = [...(this.docs.get(key) ?? [])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Promise.resolve(entries.map(([id, update]) => ({ id, update: update.slice() })));
  }

  add(key: DocKey, entry: OutboxEntry): Promise<void> {
    let doc = this.docs.get(key);
    if (!doc) this.docs.set(key, (doc = new Map()));
    doc.set(entry.id, entry.update.slice());
    return Promise.resolve();
  }

  remove(key: DocKey, ids: readonly string[]): Promise<void> {
    const doc = this.docs.get(key);
    for (const id of ids) doc?.delete(id);
    if (doc?.size === 0) this.docs.delete(key);
    return Promise.resolve();
  }

  count(): Promise<number> {
    let count = 0;
    for (const doc of this.docs.values()) count += doc.size;
    return Promise.resolve(count);
  }

  clear(): Promise<void> {
    this.docs.clear();
    return Promise.resolve();
  }

  /** How many entries wait for one document, at once (for assertions). */
  size(key: DocKey): number {
    return this.docs.get(key)?.size ?? 0;
  }
}
