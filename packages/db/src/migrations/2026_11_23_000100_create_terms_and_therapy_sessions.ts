import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // "How we work": written by the therapist; every edit makes a new version to acknowledge.
  await db.schema
    .createTable('workspace_terms')
    .addColumn('workspace_id', 'uuid', (col) => col.primaryKey().references('workspaces.id').onDelete('cascade'))
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('updated_by', 'uuid', (col) => col.references('users.id'))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('terms_acknowledgements')
    .addColumn('workspace_id', 'uuid', (col) => col.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('acknowledged_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('terms_acknowledgements_pk', ['workspace_id', 'user_id', 'version'])
    .execute();

  await db.schema
    .alterTable('workspaces')
    .addColumn('decision_preference', 'text', (col) => col.check(sql`decision_preference in ('client', 'together', 'therapist')`))
    .execute();
  await db.schema.alterTable('workspaces').addColumn('decision_preference_at', 'timestamptz').execute();

  await db.schema
    .createTable('therapy_sessions')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (col) => col.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('number', 'integer', (col) => col.notNull())
    .addColumn('started_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('started_by', 'uuid', (col) => col.references('users.id'))
    .addColumn('ended_at', 'timestamptz')
    .addColumn('ended_by', 'uuid', (col) => col.references('users.id'))
    .addUniqueConstraint('therapy_sessions_number', ['workspace_id', 'number'])
    .execute();
  // At most one session in progress per workspace.
  await sql`create unique index therapy_sessions_one_open on therapy_sessions (workspace_id) where ended_at is null`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('therapy_sessions').ifExists().execute();
  await db.schema.alterTable('workspaces').dropColumn('decision_preference_at').execute();
  await db.schema.alterTable('workspaces').dropColumn('decision_preference').execute();
  await db.schema.dropTable('terms_acknowledgements').ifExists().execute();
  await db.schema.dropTable('workspace_terms').ifExists().execute();
}
