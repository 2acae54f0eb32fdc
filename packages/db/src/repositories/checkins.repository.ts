import type { Kysely } from 'kysely';
import type { CheckinsTable, Database } from '../schema.js';

type Db = Kysely<Database>;

/** The answers of a check-in, as the client gives or changes them. */
export interface CheckinAnswers {
  heard: number;
  wanted: number;
  fit: number;
  overall: number;
  steering: number;
  choicesOffered: CheckinsTable['choices_offered'];
  note: string | null;
  visibility: CheckinsTable['visibility'];
}

/** A check-in with the session it is about and when the next session started (null: not yet). */
export interface CheckinRow extends CheckinAnswers {
  id: string;
  workspaceId: string;
  sessionId: string;
  sessionNumber: number;
  userId: string;
  createdAt: Date;
  updatedAt: Date;
  nextSessionStartedAt: Date | null;
}

/** A therapy session as a check-in needs it: whether it ended, and whether the next one has started. */
export interface CheckinSessionRow {
  id: string;
  number: number;
  endedAt: Date | null;
  nextSessionStartedAt: Date | null;
}

/** The query of check-ins with their session and the session after it. */
function checkinsQuery(db: Db) {
  return db
    .selectFrom('checkins as c')
    .innerJoin('therapy_sessions as s', 's.id', 'c.session_id')
    .leftJoin('therapy_sessions as n', (join) => join.onRef('n.workspace_id', '=', 's.workspace_id').on((eb) => eb('n.number', '=', eb('s.number', '+', 1))))
    .select([
      'c.id',
      'c.workspace_id as workspaceId',
      'c.session_id as sessionId',
      's.number as sessionNumber',
      'c.user_id as userId',
      'c.heard',
      'c.wanted',
      'c.fit',
      'c.overall',
      'c.steering',
      'c.choices_offered as choicesOffered',
      'c.note',
      'c.visibility',
      'c.created_at as createdAt',
      'c.updated_at as updatedAt',
      'n.started_at as nextSessionStartedAt',
    ]);
}

/** A session of the workspace, with when the session after it started; undefined when it is not this workspace's. */
export async function findCheckinSession(db: Db, workspaceId: string, sessionId: string): Promise<CheckinSessionRow | undefined> {
  return db
    .selectFrom('therapy_sessions as s')
    .leftJoin('therapy_sessions as n', (join) => join.onRef('n.workspace_id', '=', 's.workspace_id').on((eb) => eb('n.number', '=', eb('s.number', '+', 1))))
    .select(['s.id', 's.number', 's.ended_at as endedAt', 'n.started_at as nextSessionStartedAt'])
    .where('s.workspace_id', '=', workspaceId)
    .where('s.id', '=', sessionId)
    .executeTakeFirst();
}

/** Every check-in of a workspace, oldest session first. */
export async function listCheckins(db: Db, workspaceId: string): Promise<CheckinRow[]> {
  return checkinsQuery(db).where('c.workspace_id', '=', workspaceId).orderBy('s.number').execute();
}

/** One check-in of a workspace, or undefined. */
export async function findCheckin(db: Db, workspaceId: string, checkinId: string): Promise<CheckinRow | undefined> {
  return checkinsQuery(db).where('c.workspace_id', '=', workspaceId).where('c.id', '=', checkinId).executeTakeFirst();
}

function answerColumns(answers: CheckinAnswers) {
  return {
    heard: answers.heard,
    wanted: answers.wanted,
    fit: answers.fit,
    overall: answers.overall,
    steering: answers.steering,
    choices_offered: answers.choicesOffered,
    note: answers.note,
    visibility: answers.visibility,
  };
}

/** Records the check-in on a session; undefined when that session already has one (one per session). */
export async function createCheckin(db: Db, input: CheckinAnswers & { workspaceId: string; sessionId: string; userId: string }): Promise<CheckinRow | undefined> {
  const inserted = await db
    .insertInto('checkins')
    .values({ workspace_id: input.workspaceId, session_id: input.sessionId, user_id: input.userId, ...answerColumns(input) })
    .onConflict((oc) => oc.column('session_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted ? findCheckin(db, input.workspaceId, inserted.id) : undefined;
}

/**
 * Rewrites the answers of a check-in of the workspace while it is open: the session after its
 * own has not started (checked in the same statement, so a change racing the next start loses).
 * Undefined when there is no such open check-in.
 */
export async function updateCheckin(db: Db, input: CheckinAnswers & { workspaceId: string; checkinId: string; at?: Date }): Promise<CheckinRow | undefined> {
  const updated = await db
    .updateTable('checkins')
    .set({ ...answerColumns(input), updated_at: input.at ?? new Date() })
    .where('workspace_id', '=', input.workspaceId)
    .where('id', '=', input.checkinId)
    .where(({ exists, not, selectFrom }) =>
      not(
        exists(
          selectFrom('therapy_sessions as s')
            .innerJoin('therapy_sessions as n', (join) => join.onRef('n.workspace_id', '=', 's.workspace_id').on((eb) => eb('n.number', '=', eb('s.number', '+', 1))))
            .select('n.id')
            .whereRef('s.id', '=', 'checkins.session_id'),
        ),
      ),
    )
    .returning('id')
    .executeTakeFirst();
  return updated ? findCheckin(db, input.workspaceId, updated.id) : undefined;
}
