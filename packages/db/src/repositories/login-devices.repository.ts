import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

type Db = Kysely<Database>;

/** Remembers a browser that logged in to `userId` (`id` is the hash of its device token). */
export async function addLoginDevice(db: Db, input: { id: string; userId: string }): Promise<void> {
  await db.insertInto('login_devices').values({ id: input.id, user_id: input.userId }).onConflict((oc) => oc.column('id').doNothing()).execute();
}

/** The first of `ids` that is a device of `userId`, if any. */
export async function findLoginDevice(db: Db, userId: string, ids: readonly string[]): Promise<string | undefined> {
  if (ids.length === 0) return undefined;
  const row = await db
    .selectFrom('login_devices')
    .select('id')
    .where('user_id', '=', userId)
    .where(sql<boolean>`id = any(${sql.val([...ids])}::text[])`)
    .executeTakeFirst();
  return row?.id;
}

export async function touchLoginDevice(db: Db, id: string, now = new Date()): Promise<void> {
  await db.updateTable('login_devices').set({ last_used_at: now }).where('id', '=', id).execute();
}

/** Forgets every device of a user (but `exceptId`), e.g. after a password change. */
export async function deleteUserLoginDevices(db: Db, userId: string, options: { exceptId?: string } = {}): Promise<number> {
  let query = db.deleteFrom('login_devices').where('user_id', '=', userId);
  if (options.exceptId !== undefined) query = query.where('id', '!=', options.exceptId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Forgets devices that have not logged in since `before` (their cookie has run out). */
export async function deleteStaleLoginDevices(db: Db, before: Date): Promise<number> {
  const result = await db.deleteFrom('login_devices').where('last_used_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
