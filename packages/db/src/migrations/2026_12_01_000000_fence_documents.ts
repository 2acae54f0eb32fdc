import { sql, type Kysely } from 'kysely';

/**
 * What makes every stored update trustworthy and every write fenced:
 * - `doc_updates.server_reason`: why the server made a change itself (null for a member's edit);
 * - `doc_clients`: which person each Yjs client id of a document belongs to (null: the server),
 *   so nobody can write under someone else's id;
 * - `doc_leases`: the one server process that may write a document's log, with a token that
 *   grows on every takeover; every log write checks it, so two processes never both append.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('doc_updates').addColumn('server_reason', 'text').execute();

  await db.schema
    .createTable('doc_clients')
    .addColumn('document_id', 'uuid', (col) => col.notNull().references('documents.id').onDelete('cascade'))
    .addColumn('client_id', 'bigint', (col) => col.notNull())
    .addColumn('user_id', 'uuid', (col) => col.references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('doc_clients_pk', ['document_id', 'client_id'])
    .execute();

  await db.schema
    .createTable('doc_leases')
    .addColumn('document_id', 'uuid', (col) => col.primaryKey().references('documents.id').onDelete('cascade'))
    .addColumn('owner', 'text', (col) => col.notNull())
    .addColumn('token', 'bigint', (col) => col.notNull())
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('doc_leases').execute();
  await db.schema.dropTable('doc_clients').execute();
  await db.schema.alterTable('doc_updates').dropColumn('server_reason').execute();
}
