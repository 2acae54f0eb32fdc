import * as Y from 'yjs';
import { readChangeSet } from './change-set.js';
import { judgeChange, newDocOfKind, type ChangeVerdict, type DocKind } from './kinds.js';
import type { Role } from './names.js';
import type { UpdateSummary } from './update-content.js';

/** What `summarizeUpdate` found about how much of an update is new to the copy it is tried on. */
type UpdateNovelty = Pick<UpdateSummary, 'allNew' | 'deletedLength'>;

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
  private current: {
    update: Uint8Array;
    role: Role;
    now: number;
    trusted: boolean;
    read: ((transaction: Y.Transaction) => void) | undefined;
    summary: UpdateNovelty | undefined;
    result: StagedUpdate;
  } | null = null;

  constructor(
    private readonly kind: DocKind,
    state: Uint8Array,
  ) {
    this.doc = newDocOfKind(kind);
    Y.applyUpdate(this.doc, state);
    this.doc.on('afterTransaction', this.onTransaction);
  }

  /**
   * Applies `update` as made by `role` at the server's time `now`, and judges it. `trusted`: the
   * server made the change itself (from its own records, e.g. a restore): only its shape is
   * judged; who may ask for it was decided where it was asked for. `read` sees the update's
   * transaction once it was judged acceptable. `summary`, the update read against this copy
   * (`summarizeUpdate`), lets an update that was new throughout be its own `effective` instead of
   * being encoded again. Throws when the bytes are not an update.
   */
  try(
    update: Uint8Array,
    role: Role,
    now: number,
    trusted = false,
    read?: (transaction: Y.Transaction) => void,
    summary?: UpdateNovelty,
  ): StagedUpdate {
    const result: StagedUpdate = { verdict: null, effective: null, stateAfter: null, pending: false, transactions: 0 };
    this.current = { update, role, now, trusted, read, summary, result };
    try {
      Y.applyUpdate(this.doc, update);
    } finally {
      this.current = null;
      this.doc.off('update', this.onUpdate);
    }
    result.pending = this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null;
    return result;
  }

  destroy(): void {
    this.doc.off('afterTransaction', this.onTransaction);
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
    // What the transaction integrated is the update itself when none of its structs was held
    // and every clock it deletes was deleted now. Otherwise Yjs encodes what it integrated: it
    // does so after this event, for the 'update' listeners it then has.
    if (current.summary && isWhole(transaction, current.summary)) current.result.effective = current.update;
    else this.doc.on('update', this.onUpdate);
  };

  private readonly onUpdate = (update: Uint8Array): void => {
    const current = this.current;
    if (!current) return;
    // A second update event belongs to a second transaction, which refuses the update anyway.
    current.result.effective ??= update;
  };
}

/** Whether `transaction` changed something, and integrated all of an update `summary` describes. */
function isWhole(transaction: Y.Transaction, summary: UpdateNovelty): boolean {
  if (!summary.allNew) return false;
  let deleted = 0;
  for (const ranges of transaction.deleteSet.clients.values()) for (const range of ranges) deleted += range.len;
  if (deleted !== summary.deletedLength) return false;
  if (deleted > 0) return true;
  for (const [client, clock] of transaction.afterState) if (transaction.beforeState.get(client) !== clock) return true;
  return false;
}
