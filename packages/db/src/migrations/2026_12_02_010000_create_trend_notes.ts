import { sql, type Kysely } from 'kysely';

/**
 * Notes beside the check-in trend ("moved house", "exam week"): either member writes one,
 * tied to a therapy session or to a day (exactly one of the two), at most 280 characters.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('trend_notes')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (col) => col.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('session_id', 'uuid', (col) => col.references('therapy_sessions.id').onDelete('cascade'))
    .addColumn('noted_on', 'date')
    .addColumn('author_id', 'uuid', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('author_role', 'text', (col) => col.notNull().check(sql`author_role in ('therapist', 'client')`))
    .addColumn('text', 'text', (col) => col.notNull().check(sql`char_length(text) between 1 and 280`))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('trend_notes_session_or_day', sql`(session_id is null) <> (noted_on is null)`)
    .execute();
  await db.schema.createIndex('trend_notes_workspace').on('trend_notes').column('workspace_id').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('trend_notes').execute();
}
