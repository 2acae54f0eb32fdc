import { sql, type Kysely } from 'kysely';

/**
 * The text of every version of "How we work", not only the current one, so the client can be
 * shown what changed since the version they read. The current text of each workspace becomes
 * its first kept version (earlier ones were not stored).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('terms_versions')
    .addColumn('workspace_id', 'uuid', (col) => col.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('created_by', 'uuid', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('terms_versions_pk', ['workspace_id', 'version'])
    .execute();
  await sql`
    insert into terms_versions (workspace_id, version, body, created_by, created_at)
    select workspace_id, version, body, updated_by, updated_at from workspace_terms
  `.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('terms_versions').ifExists().execute();
}
