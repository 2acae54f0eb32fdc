import { sql, type Kysely } from 'kysely';

/**
 * Audit events get an insertion sequence: events recorded within one clock tick (common on
 * PGlite, whose clock is coarse) still list in the order they happened.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE audit_events ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY`.execute(db);
  await db.schema.dropIndex('audit_events_workspace_idx').execute();
  await db.schema.createIndex('audit_events_workspace_idx').on('audit_events').columns(['workspace_id', 'created_at', 'seq']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_events_workspace_idx').execute();
  await db.schema.alterTable('audit_events').dropColumn('seq').execute();
  await db.schema.createIndex('audit_events_workspace_idx').on('audit_events').columns(['workspace_id', 'created_at']).execute();
}
