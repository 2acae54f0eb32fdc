import { sql, type Kysely } from 'kysely';

/**
 * The closing review at the end of therapy: opened once by the therapist
 * (`closing_reviews`), a reflection each member writes in their own words
 * (`closing_reflections`), and each member's confirmation that the workspace may become a
 * read-only archive (`closing_confirmations`).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('closing_reviews')
    .addColumn('workspace_id', 'uuid', (col) => col.primaryKey().references('workspaces.id').onDelete('cascade'))
    .addColumn('opened_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('opened_by', 'uuid', (col) => col.references('users.id'))
    .execute();

  await db.schema
    .createTable('closing_reflections')
    .addColumn('workspace_id', 'uuid', (col) => col.notNull().references('closing_reviews.workspace_id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('helped', 'text', (col) => col.notNull())
    .addColumn('keep', 'text', (col) => col.notNull())
    .addColumn('if_hard', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('closing_reflections_pk', ['workspace_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('closing_confirmations')
    .addColumn('workspace_id', 'uuid', (col) => col.notNull().references('closing_reviews.workspace_id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('confirmed_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('closing_confirmations_pk', ['workspace_id', 'user_id'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('closing_confirmations').execute();
  await db.schema.dropTable('closing_reflections').execute();
  await db.schema.dropTable('closing_reviews').execute();
}
