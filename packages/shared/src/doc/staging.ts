import * as Y from 'yjs';
import { readChangeSet } from './change-set.js';
import { judgeChange, newDocOfKind, type ChangeVerdict, type DocKind } from './kinds.js';
import type { Role } from './names.js';

/** What trying an update on a staging copy found. */
export interface StagedUpdate {
  /** Why the update must be refused, or null. */
  verdict: ChangeVerdict;
  /**
   * What the staging copy integrated (no more than was new): the update as everyone gets it and
   * the log keeps it. Null when it brought nothing new.
   */
  effective: Uint8Array | null;
  /** The update left structs or deletions waiting for changes the document does not have. */
  pending: boolean;
  /** The staging copy's state vector after it (the update's own transaction), to check a replica against. */
  stateAfter: Map<number, number> | null;
  /**
   * How many transactions applying it ran. One for an update we can accept: a second one is Yjs
   * changing the document on its own afterwards (formatting clean-up), which no check has seen.
   */
  transactions: number;
}

/**
 * A copy of a document to try updates on before they touch the real one. The update is applied
 * to the copy and judged inside its transaction (`judgeChange`: shape, then the kind's rules), so
 * the checks see exactly the transaction the update produced — and only one of them.
 *
 * After a refusal the copy holds the refused change: throw it away (`discard`) and make a new one
 * from the real document before the next try.
 */
export class StagingDoc {
  readonly doc: Y.Doc;
  private current: { role: Role; now: number; trusted: boolean; read: ((transaction: Y.Transaction) => void) | undefined; result: StagedUpdate } | null = null;

  constructor(
    private readonly kind: DocKind,
    state: Uint8Array,
  ) {
    this.doc = newDocOfKind(kind);
    Y.applyUpdate(this.doc, state);
    this.doc.on('afterTransaction', this.onTransaction);
    this.doc.on('update', this.onUpdate);
  }

  /**
   * Applies `update` as made by `role` at the server's time `now`, and judges it. `trusted`: the
   * server made the change itself (from its own records, e.g. a restore): only its shape is
   * judged; who may ask for it was decided where it was asked for. `read` sees the update's
   * transaction once it was judged acceptable. Throws when the bytes are not an update.
   */
  try(update: Uint8Array, role: Role, now: number, trusted = false, read?: (transaction: Y.Transaction) => void): StagedUpdate {
    const result: StagedUpdate = { verdict: null, effective: null, stateAfter: null, pending: false, transactions: 0 };
    this.current = { role, now, trusted, read, result };
    try {
      Y.applyUpdate(this.doc, update);
    } finally {
      this.current = null;
    }
    result.pending = this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null;
    return result;
  }

  destroy(): void {
    this.doc.off('afterTransaction', this.onTransaction);
    this.doc.off('update', this.onUpdate);
    this.doc.destroy();
  }

  private readonly onTransaction = (transaction: Y.Transaction): void => {
    const current = this.current;
    if (!current) return;
    current.result.transactions++;
    if (current.result.transactions > 1 || current.result.verdict) return;
    current.result.verdict = judgeChange(this.kind, readChangeSet(transaction), current.role, current.now, current.trusted);
    current.result.stateAfter = transaction.afterState;
    if (!current.result.verdict) current.read?.(transaction);
  };

  private readonly onUpdate = (update: Uint8Array): void => {
    const current = this.current;
    if (!current) return;
    // A second update event belongs to a second transaction, which refuses the update anyway.
    current.result.effective ??= update;
  };
}
