import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

type Db = Kysely<Database>;

export interface SessionUser {
  sessionId: string;
  expiresAt: Date;
  user: { id: string; email: string; name: string };
}

export async function createSession(db: Db, input: { id: string; userId: string; expiresAt: Date }): Promise<void> {
  await db.insertInto('auth_sessions').values({ id: input.id, user_id: input.userId, expires_at: input.expiresAt }).execute();
}

/** The live session with this id and its user, or undefined when unknown or expired. */
export async function findSession(db: Db, id: string, now = new Date()): Promise<SessionUser | undefined> {
  const row = await db
    .selectFrom('auth_sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.id as sessionId', 's.expires_at as expiresAt', 'u.id as userId', 'u.email', 'u.name'])
    .where('s.id', '=', id)
    .where('s.expires_at', '>', now)
    .executeTakeFirst();
  if (!row) return undefined;
  return { sessionId: row.sessionId, expiresAt: row.expiresAt, user: { id: row.userId, email: row.email, name: row.name } };
}

export async function extendSession(db: Db, id: string, expiresAt: Date): Promise<void> {
  await db.updateTable('auth_sessions').set({ expires_at: expiresAt }).where('id', '=', id).execute();
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('auth_sessions').where('id', '=', id).execute();
}

/**
 * Which of `ids` are sessions that still exist and have not expired: one query, however many
 * ids (they travel as one array parameter).
 */
export async function findLiveSessionIds(db: Db, ids: readonly string[], now = new Date()): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('auth_sessions')
    .select('id')
    .where(sql<boolean>`id = any(${sql.val([...ids])}::text[])`)
    .where('expires_at', '>', now)
    .execute();
  return new Set(rows.map((row) => row.id));
}

/** Deletes every session of a user (but `exceptSessionId`); returns the ids deleted. */
export async function deleteUserSessions(db: Db, userId: string, options: { exceptSessionId?: string } = {}): Promise<string[]> {
  let query = db.deleteFrom('auth_sessions').where('user_id', '=', userId);
  if (options.exceptSessionId !== undefined) query = query.where('id', '!=', options.exceptSessionId);
  const rows = await query.returning('id').execute();
  return rows.map((row) => row.id);
}

export async function deleteExpiredSessions(db: Db, now = new Date()): Promise<number> {
  const result = await db.deleteFrom('auth_sessions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
