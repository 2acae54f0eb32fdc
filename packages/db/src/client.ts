import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.js';
import type { Database } from './schema.js';

export type DbKind = 'pglite' | 'postgres';

export interface DbOptions {
  /** A postgres:// URL; without it the embedded PGlite database is used. */
  databaseUrl?: string | undefined;
  /** PGlite's data folder (default ./data). Use 'memory://' for a throwaway database. */
  dataDir?: string | undefined;
  /** Pool size for Postgres. */
  maxConnections?: number;
  /**
   * Postgres: a statement running longer is cancelled by the server, and a query the client has
   * waited on longer is abandoned (a stuck connection must not hold a request or a write forever).
   */
  statementTimeoutMs?: number;
}

/** Long enough for the slowest legitimate statement (a big checkpoint); far below forever. */
const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

export interface Db {
  db: Kysely<Database>;
  kind: DbKind;
  /**
   * The `pg` pool behind `db` on Postgres (undefined on PGlite), for libraries that speak to
   * Postgres themselves (the rate limiter's store), so the process keeps one pool.
   */
  postgresPool: pg.Pool | undefined;
  close(): Promise<void>;
}

const INT8_OID = 20;
const BYTEA_OID = 17;

/**
 * Type parsers for `pg` so both backends return the same JavaScript types: int8 as number
 * (sequence numbers and counts stay far below 2^53) and bytea as a plain Uint8Array.
 */
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return (value: string) => Number(value);
    if (oid === BYTEA_OID) {
      const parseBuffer = pg.types.getTypeParser(BYTEA_OID) as (value: string) => Buffer;
      return (value: string) => {
        const buffer = parseBuffer(value);
        return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      };
    }
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export function createDb(options: DbOptions = {}): Db {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.maxConnections ?? 10,
      types: pgTypes,
      connectionTimeoutMillis: 5_000,
      statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
      // The client gives up a little after the server would have cancelled.
      query_timeout: (options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS) + 5_000,
      idle_in_transaction_session_timeout: 2 * (options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS),
    });
    // An idle client losing its connection (database restart) must not crash the process.
    pool.on('error', () => {});
    // Nor may one losing it in the middle of a query: the query is rejected, but the client
    // also emits 'error', and the pool listens only while the client is idle.
    pool.on('connect', (client) => client.on('error', () => {}));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', postgresPool: pool, close: () => db.destroy() };
  }
  const dataDir = options.dataDir ?? './data';
  let location: string | undefined;
  if (dataDir !== 'memory://') {
    location = resolve(dataDir, 'pglite');
    mkdirSync(location, { recursive: true });
  }
  const pglite = new PGlite(location);
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return { db, kind: 'pglite', postgresPool: undefined, close: () => db.destroy() };
}
