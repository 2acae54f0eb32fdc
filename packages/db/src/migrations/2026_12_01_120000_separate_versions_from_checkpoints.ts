import { sql, type Kysely } from 'kysely';

/**
 * Versions people see become their own rows, each naming the point of the update log it shows;
 * checkpoints become an internal index for loading (and can be thinned), and say whether their
 * state holds exactly the log up to their seq.
 *
 * - `doc_versions`: every listed version (periodic, session, named) with its seq. The state of a
 *   version is the log replayed up to that seq, so it survives any checkpoint being removed.
 *   The versions listed so far (all checkpoints) are copied over with the same ids, so links to
 *   them keep working.
 * - `doc_checkpoints.exact`: older checkpoints could hold a few updates past their seq; new ones
 *   hold exactly the log up to it. Only exact ones serve "the state at seq N".
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('doc_versions')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('document_id', 'uuid', (col) => col.notNull().references('documents.id').onDelete('cascade'))
    .addColumn('seq', 'bigint', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('periodic', 'session', 'named')`))
    .addColumn('label', 'text')
    .addColumn('created_by', 'uuid', (col) => col.references('users.id'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('doc_versions_doc_created_idx').on('doc_versions').columns(['document_id', 'created_at']).execute();
  await sql`
    insert into doc_versions (id, document_id, seq, kind, label, created_by, created_at)
    select id, document_id, up_to_seq, case kind when 'auto' then 'periodic' else kind end, label, created_by, created_at
    from doc_checkpoints
  `.execute(db);
  await db.schema.alterTable('doc_checkpoints').addColumn('exact', 'boolean', (col) => col.notNull().defaultTo(false)).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('doc_checkpoints').dropColumn('exact').execute();
  await db.schema.dropTable('doc_versions').execute();
}
