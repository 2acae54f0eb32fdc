import { sql, type Kysely } from 'kysely';

/**
 * After-session check-ins: the client's process feedback on one ended therapy session (four
 * 0–10 items, who steered, whether choices were offered, an optional note) and when the
 * therapist may see it. One per session; the ranges are enforced here as well as in the API.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('checkins')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (col) => col.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('session_id', 'uuid', (col) => col.notNull().unique().references('therapy_sessions.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('heard', 'integer', (col) => col.notNull().check(sql`heard between 0 and 10`))
    .addColumn('wanted', 'integer', (col) => col.notNull().check(sql`wanted between 0 and 10`))
    .addColumn('fit', 'integer', (col) => col.notNull().check(sql`fit between 0 and 10`))
    .addColumn('overall', 'integer', (col) => col.notNull().check(sql`overall between 0 and 10`))
    .addColumn('steering', 'integer', (col) => col.notNull().check(sql`steering between -2 and 2`))
    .addColumn('choices_offered', 'text', (col) => col.notNull().check(sql`choices_offered in ('yes', 'some', 'no')`))
    .addColumn('note', 'text', (col) => col.check(sql`char_length(note) <= 2000`))
    .addColumn('visibility', 'text', (col) => col.notNull().check(sql`visibility in ('now', 'next_session', 'trend')`))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('checkins_workspace').on('checkins').column('workspace_id').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('checkins').execute();
}
