import type { DocKey } from '@alliance/shared';

/** One local Yjs update waiting for the server to confirm it. */
export interface OutboxEntry {
  /** Unique within the person's document; entries written by one page sort in the order they were made. */
  id: string;
  /** The update exactly as the document produced it. */
  update: Uint8Array;
}

/**
 * Where one person's local updates wait on this device until the server confirms them, so a
 * reload or a closed tab loses none of them (the server's copy of the document is never kept
 * here: only what it has not confirmed yet). Every method is scoped to the person the outbox
 * was opened for; another person signing in on the same browser gets an outbox of their own.
 * In the browser it is IndexedDB ({@link openIndexedDbOutbox}); tests use the in-memory one.
 */
export interface Outbox {
  /** The document's waiting updates, in the order they were written. */
  list(key: DocKey): Promise<OutboxEntry[]>;
  /** Resolves once the entry is written (it then survives the page). */
  add(key: DocKey, entry: OutboxEntry): Promise<void>;
  /** Forgets entries the server confirmed (or refused for good); unknown ids are ignored. */
  remove(key: DocKey, ids: readonly string[]): Promise<void>;
  /** How many updates wait, over all of the person's documents. */
  count(): Promise<number>;
  /** Forgets every waiting update of the person (after they sign out). */
  clear(): Promise<void>;
}

/**
 * Names outbox entries for one document session: the session's start time and a random tag
 * (so two pages of the same person never pick the same id), then a counter.
 */
export function outboxEntryIds(): () => string {
  // getRandomValues, not randomUUID: the latter exists only on https (and localhost) pages.
  const tag = Array.from(crypto.getRandomValues(new Uint8Array(4)), (byte) => byte.toString(16).padStart(2, '0')).join('');
  const writer = `${Date.now().toString(36).padStart(9, '0')}-${tag}`;
  let next = 0;
  return () => `${writer}-${(next++).toString(36).padStart(7, '0')}`;
}
