import { sql, type Kysely } from 'kysely';

/**
 * Repair items: opened by the server when a check-in drops against the client's own baseline
 * (one per check-in at most) or a feedback card is flagged "let's talk" (one open item per card
 * at most). Both members write in them; `version` guards concurrent writes.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('repair_items')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (col) => col.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('source_kind', 'text', (col) => col.notNull().check(sql`source_kind in ('checkin', 'card')`))
    .addColumn('checkin_id', 'uuid', (col) => col.unique().references('checkins.id').onDelete('cascade'))
    .addColumn('card_id', 'text', (col) => col.check(sql`char_length(card_id) <= 64`))
    .addColumn('card_column', 'text')
    .addColumn('drop', 'jsonb')
    .addColumn('what_happened', 'text', (col) => col.notNull().defaultTo('').check(sql`char_length(what_happened) <= 4000`))
    .addColumn('client_view', 'text', (col) => col.notNull().defaultTo('').check(sql`char_length(client_view) <= 4000`))
    .addColumn('therapist_view', 'text', (col) => col.notNull().defaultTo('').check(sql`char_length(therapist_view) <= 4000`))
    .addColumn('will_change', 'text', (col) => col.notNull().defaultTo('').check(sql`char_length(will_change) <= 4000`))
    .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('opened_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('acknowledged_at', 'timestamptz')
    .addColumn('acknowledged_by', 'uuid', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('closed_at', 'timestamptz')
    .addColumn('closed_by', 'uuid', (col) => col.references('users.id').onDelete('set null'))
    .addCheckConstraint('repair_items_source', sql`(source_kind = 'checkin' and checkin_id is not null and drop is not null) or (source_kind = 'card' and card_id is not null)`)
    .execute();
  await db.schema.createIndex('repair_items_workspace').on('repair_items').column('workspace_id').execute();
  // A card has at most one open repair item, however many times (or processes) it is flagged.
  await db.schema
    .createIndex('repair_items_open_card')
    .on('repair_items')
    .columns(['workspace_id', 'card_id'])
    .unique()
    .where(sql.ref('closed_at'), 'is', null)
    .where(sql.ref('card_id'), 'is not', null)
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('repair_items').execute();
}
