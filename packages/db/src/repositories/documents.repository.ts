import type { Kysely } from 'kysely';
import type { Database, DocCheckpoint } from '../schema.js';

type Db = Kysely<Database>;

export async function findDocument(db: Db, workspaceId: string, name: string): Promise<{ id: string } | undefined> {
  return db.selectFrom('documents').select('id').where('workspace_id', '=', workspaceId).where('name', '=', name).executeTakeFirst();
}

export interface LoggedUpdate {
  seq: number;
  update: Uint8Array;
  userId: string | null;
}

/** Appends many updates in one statement (group commit). Fails as a whole. */
export async function appendUpdates(db: Db, documentId: string, updates: LoggedUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  await db
    .insertInto('doc_updates')
    .values(updates.map((u) => ({ document_id: documentId, seq: u.seq, update: u.update, user_id: u.userId })))
    .execute();
}

export interface UpdateBatch {
  documentId: string;
  updates: LoggedUpdate[];
}

/**
 * Appends the updates of several documents in one statement (group commit) and returns how many
 * rows it added. A (document, seq) that is already stored is skipped rather than failing the
 * whole statement: a write whose commit was never acknowledged (connection lost mid-flight) is
 * retried with the same rows, and the retry must not be refused for the half that landed.
 */
export async function appendUpdateBatches(db: Db, batches: UpdateBatch[]): Promise<number> {
  const rows = batches.flatMap((batch) => batch.updates.map((u) => ({ document_id: batch.documentId, seq: u.seq, update: u.update, user_id: u.userId })));
  if (rows.length === 0) return 0;
  const result = await db
    .insertInto('doc_updates')
    .values(rows)
    .onConflict((oc) => oc.columns(['document_id', 'seq']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? rows.length);
}

export async function listUpdatesAfter(db: Db, documentId: string, afterSeq: number, upToSeq?: number): Promise<LoggedUpdate[]> {
  let query = db
    .selectFrom('doc_updates')
    .select(['seq', 'update', 'user_id as userId'])
    .where('document_id', '=', documentId)
    .where('seq', '>', afterSeq);
  if (upToSeq !== undefined) query = query.where('seq', '<=', upToSeq);
  return query.orderBy('seq').execute();
}

export async function lastSeq(db: Db, documentId: string): Promise<number> {
  const row = await db.selectFrom('doc_updates').select((eb) => eb.fn.max('seq').as('max')).where('document_id', '=', documentId).executeTakeFirst();
  return row?.max == null ? 0 : Number(row.max);
}

export async function insertCheckpoint(
  db: Db,
  input: { documentId: string; upToSeq: number; state: Uint8Array; kind: DocCheckpoint['kind']; label?: string | null; createdBy?: string | null },
): Promise<DocCheckpoint> {
  return db
    .insertInto('doc_checkpoints')
    .values({
      document_id: input.documentId,
      up_to_seq: input.upToSeq,
      state: input.state,
      kind: input.kind,
      label: input.label ?? null,
      created_by: input.createdBy ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function latestCheckpoint(db: Db, documentId: string): Promise<DocCheckpoint | undefined> {
  return db
    .selectFrom('doc_checkpoints')
    .selectAll()
    .where('document_id', '=', documentId)
    .orderBy('up_to_seq', 'desc')
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export type VersionRow = Omit<DocCheckpoint, 'state'>;

export async function listCheckpoints(db: Db, documentId: string): Promise<VersionRow[]> {
  return db
    .selectFrom('doc_checkpoints')
    .select(['id', 'document_id', 'up_to_seq', 'label', 'kind', 'created_by', 'created_at'])
    .where('document_id', '=', documentId)
    .orderBy('created_at', 'desc')
    .orderBy('up_to_seq', 'desc')
    .execute();
}

export async function findCheckpoint(db: Db, documentId: string, id: string): Promise<DocCheckpoint | undefined> {
  return db.selectFrom('doc_checkpoints').selectAll().where('document_id', '=', documentId).where('id', '=', id).executeTakeFirst();
}
