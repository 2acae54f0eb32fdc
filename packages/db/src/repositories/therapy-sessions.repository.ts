import type { Kysely } from 'kysely';
import type { Database, TherapySession } from '../schema.js';

type Db = Kysely<Database>;

export async function listTherapySessions(db: Db, workspaceId: string): Promise<TherapySession[]> {
  return db.selectFrom('therapy_sessions').selectAll().where('workspace_id', '=', workspaceId).orderBy('number', 'desc').execute();
}

export async function findOpenTherapySession(db: Db, workspaceId: string): Promise<TherapySession | undefined> {
  return db.selectFrom('therapy_sessions').selectAll().where('workspace_id', '=', workspaceId).where('ended_at', 'is', null).executeTakeFirst();
}

/**
 * Starts the next numbered session, or returns undefined when one is already in progress
 * (a partial unique index makes that safe under concurrent starts).
 */
export async function startTherapySession(db: Db, input: { workspaceId: string; userId: string }): Promise<TherapySession | undefined> {
  try {
    return await db.transaction().execute(async (trx) => {
      const open = await trx.selectFrom('therapy_sessions').select('id').where('workspace_id', '=', input.workspaceId).where('ended_at', 'is', null).executeTakeFirst();
      if (open) return undefined;
      const last = await trx
        .selectFrom('therapy_sessions')
        .select((eb) => eb.fn.max('number').as('max'))
        .where('workspace_id', '=', input.workspaceId)
        .executeTakeFirst();
      return trx
        .insertInto('therapy_sessions')
        .values({ workspace_id: input.workspaceId, number: Number(last?.max ?? 0) + 1, started_by: input.userId })
        .returningAll()
        .executeTakeFirstOrThrow();
    });
  } catch (error) {
    // Unique violation: another start won the race.
    if ((error as { code?: string }).code === '23505') return undefined;
    throw error;
  }
}

/** Ends the session in progress; undefined when there is none. */
export async function endTherapySession(db: Db, input: { workspaceId: string; userId: string; at?: Date }): Promise<TherapySession | undefined> {
  return db
    .updateTable('therapy_sessions')
    .set({ ended_at: input.at ?? new Date(), ended_by: input.userId })
    .where('workspace_id', '=', input.workspaceId)
    .where('ended_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}
