import type { Kysely } from 'kysely';

/**
 * A view of the same thing by the same person shortly after their last one is folded into
 * that row instead of adding one: `last_at` is when it was last repeated (null: seen once).
 * The index finds a person's latest view of a thing. (Edits are grouped straight from the
 * update log, whose primary key (document_id, seq) serves that: its append path gets no index.)
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit_events').addColumn('last_at', 'timestamptz').execute();
  await db.schema.createIndex('audit_events_actor_idx').on('audit_events').columns(['workspace_id', 'user_id', 'action', 'seq']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_events_actor_idx').execute();
  await db.schema.alterTable('audit_events').dropColumn('last_at').execute();
}
