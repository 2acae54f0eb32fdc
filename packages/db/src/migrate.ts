import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as createCoreTables from './migrations/2026_11_23_000000_create_core_tables.js';
import * as createTermsAndTherapySessions from './migrations/2026_11_23_000100_create_terms_and_therapy_sessions.js';
import * as orderAuditEvents from './migrations/2026_11_23_000200_order_audit_events.js';
import * as addAuditViewRepeats from './migrations/2026_11_24_100000_add_audit_view_repeats.js';
import * as createLoginDevicesAndRateLimits from './migrations/2026_11_24_120500_create_login_devices_and_rate_limits.js';
import * as fenceDocuments from './migrations/2026_12_01_000000_fence_documents.js';
import * as separateVersions from './migrations/2026_12_01_120000_separate_versions_from_checkpoints.js';
import * as createClosingReviews from './migrations/2026_12_01_220000_create_closing_reviews.js';
import * as createCheckins from './migrations/2026_12_01_230000_create_checkins.js';
import * as createTrendNotes from './migrations/2026_12_02_010000_create_trend_notes.js';
import * as createRepairItems from './migrations/2026_12_02_020000_create_repair_items.js';
import * as createWorkspaceSeen from './migrations/2026_12_02_030000_create_workspace_seen.js';
import * as keepTermsVersions from './migrations/2026_12_02_011500_keep_terms_versions.js';
import type { Database } from './schema.js';

/** Migrations are listed here (not read from disk) so they work from source and bundles alike. */
const migrations: Record<string, Migration> = {
  '2026_11_23_000000_create_core_tables': createCoreTables,
  '2026_11_23_000100_create_terms_and_therapy_sessions': createTermsAndTherapySessions,
  '2026_11_23_000200_order_audit_events': orderAuditEvents,
  '2026_11_24_100000_add_audit_view_repeats': addAuditViewRepeats,
  '2026_11_24_120500_create_login_devices_and_rate_limits': createLoginDevicesAndRateLimits,
  '2026_12_01_000000_fence_documents': fenceDocuments,
  '2026_12_01_120000_separate_versions_from_checkpoints': separateVersions,
  '2026_12_01_220000_create_closing_reviews': createClosingReviews,
  '2026_12_01_230000_create_checkins': createCheckins,
  '2026_12_02_010000_create_trend_notes': createTrendNotes,
  '2026_12_02_011500_keep_terms_versions': keepTermsVersions,
  '2026_12_02_020000_create_repair_items': createRepairItems,
  '2026_12_02_030000_create_workspace_seen': createWorkspaceSeen,
};

/** The names of every migration, in order. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(migrations);

class StaticMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

/** An arbitrary constant naming this app's advisory lock for migrations. */
const MIGRATION_LOCK_KEY = 724_301_977;

/**
 * Brings the schema up to date. Safe when several processes start at once: they queue on a
 * Postgres advisory lock, so only one runs the migrations and the others find them done.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  await db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(connection);
    try {
      const migrator = new Migrator({ db: connection, provider: new StaticMigrationProvider() });
      const { error, results } = await migrator.migrateToLatest();
      const failed = results?.find((result) => result.status === 'Error');
      if (error || failed) {
        throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(connection);
    }
  });
}
