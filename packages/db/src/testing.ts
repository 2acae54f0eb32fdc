import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, type Db, type DbKind } from './client.js';

export type { DbKind };
import { migrateToLatest } from './migrate.js';

/** The backends tests run on: PGlite always, Postgres when DATABASE_URL is set. */
export function testBackends(): DbKind[] {
  return process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestDatabase {
  kind: DbKind;
  /** Options to hand to createDb (or a server's env) to reach this database. */
  databaseUrl: string | undefined;
  dataDir: string | undefined;
  /** Drops the database (Postgres) or forgets it (PGlite). */
  drop(): Promise<void>;
}

/**
 * A fresh, empty database for one test file: a new Postgres database next to the one in
 * DATABASE_URL, or a PGlite folder under the OS temp dir.
 */
export async function createTestDatabase(kind: DbKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dataDir = mkdtempSync(join(tmpdir(), 'alliance-test-'));
    return { kind, databaseUrl: undefined, dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) throw new Error('DATABASE_URL is not set');
  const name = `alliance_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    kind,
    databaseUrl: url.toString(),
    dataDir: undefined,
    drop: async () => {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A migrated Kysely instance on a fresh test database. */
export async function openTestDb(kind: DbKind): Promise<Db & { drop(): Promise<void> }> {
  const database = await createTestDatabase(kind);
  const handle = createDb({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
  await migrateToLatest(handle.db);
  return {
    ...handle,
    drop: async () => {
      await handle.close();
      await database.drop();
    },
  };
}
