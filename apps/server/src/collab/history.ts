import { exactCheckpointAtOrBefore, listUpdatesAfter, type Database } from '@alliance/db';
import { newDocOfKind, type DocKind } from '@alliance/shared';
import type { Kysely } from 'kysely';
import * as Y from 'yjs';
import type { CollabStore } from './store.js';

/** What reading history needs from the database. */
export type HistorySource = Pick<CollabStore, 'exactCheckpointAtOrBefore' | 'listUpdatesAfter'>;

/** History read straight from the database (for the routes). */
export function historySource(db: Kysely<Database>): HistorySource {
  return {
    exactCheckpointAtOrBefore: (documentId, seq) => exactCheckpointAtOrBefore(db, documentId, seq),
    listUpdatesAfter: (documentId, afterSeq, upToSeq) => listUpdatesAfter(db, documentId, afterSeq, upToSeq),
  };
}

/**
 * The document exactly as the update log had it after update `seq` — nothing later in it: the
 * latest exact checkpoint at or before `seq`, then the logged updates after it up to `seq`.
 * (Checkpoints from before checkpoints were exact are passed over; without any, the whole log
 * is replayed.)
 */
export async function stateAt(store: HistorySource, kind: DocKind, documentId: string, seq: number): Promise<Y.Doc> {
  const checkpoint = await store.exactCheckpointAtOrBefore(documentId, seq);
  const from = checkpoint?.up_to_seq ?? 0;
  const updates = from < seq ? await store.listUpdatesAfter(documentId, from, seq) : [];
  const doc = newDocOfKind(kind);
  doc.transact(() => {
    if (checkpoint) Y.applyUpdate(doc, checkpoint.state);
    for (const update of updates) Y.applyUpdate(doc, update.update);
  });
  return doc;
}
