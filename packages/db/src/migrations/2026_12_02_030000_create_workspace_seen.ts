import { sql, type Kysely } from 'kysely';

/**
 * When each member last looked at each area of a workspace (the board, the check-ins, the
 * repair items), so what the other person added since can be marked new. One row per member
 * and area, moved on with every look.
 *
 * The update log gets an index by author, so "the latest change by the other member" is one
 * index lookup per document, however long its history — cheap enough for the workspace list.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('workspace_seen')
    .addColumn('workspace_id', 'uuid', (col) => col.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('area', 'text', (col) => col.notNull().check(sql`area in ('board', 'checkins', 'repairs')`))
    .addColumn('seen_at', 'timestamptz', (col) => col.notNull())
    .addPrimaryKeyConstraint('workspace_seen_pk', ['workspace_id', 'user_id', 'area'])
    .execute();
  await db.schema.createIndex('doc_updates_by_author').on('doc_updates').columns(['document_id', 'user_id', 'seq']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('doc_updates_by_author').execute();
  await db.schema.dropTable('workspace_seen').execute();
}
