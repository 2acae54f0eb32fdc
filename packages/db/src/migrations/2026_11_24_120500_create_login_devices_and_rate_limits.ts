import { sql, type Kysely } from 'kysely';

/**
 * Login protection. `login_devices`: browsers that have logged in to an account before (their
 * device cookie, stored only as its hash), so guessing from elsewhere cannot lock the owner's
 * own browser out. `rate_limits`: the counters of the rate limiter on Postgres, shared by every
 * server process and kept across restarts. Its columns are the ones rate-limiter-flexible's
 * Postgres store reads and writes (`key`, `points`, `expire` in epoch milliseconds); the key is
 * `text` because an email alone may be 254 characters.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('login_devices')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'uuid', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('login_devices_user_idx').on('login_devices').column('user_id').execute();

  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'text', (col) => col.primaryKey())
    .addColumn('points', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('expire', 'bigint')
    .execute();
  await db.schema.createIndex('rate_limits_expire_idx').on('rate_limits').column('expire').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rate_limits').execute();
  await db.schema.dropTable('login_devices').execute();
}
