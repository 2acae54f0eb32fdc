import { sql, type Kysely } from 'kysely';
import type { Database, TrendNotesTable } from '../schema.js';

type Db = Kysely<Database>;

/** A note beside the trend, with the number of the session it is tied to. */
export interface TrendNoteRow {
  id: string;
  workspaceId: string;
  sessionId: string | null;
  sessionNumber: number | null;
  /** YYYY-MM-DD, or null for a note on a session. */
  notedOn: string | null;
  authorId: string | null;
  authorRole: TrendNotesTable['author_role'];
  text: string;
  createdAt: Date;
}

function trendNotesQuery(db: Db) {
  return db
    .selectFrom('trend_notes as t')
    .leftJoin('therapy_sessions as s', 's.id', 't.session_id')
    .select([
      't.id',
      't.workspace_id as workspaceId',
      't.session_id as sessionId',
      's.number as sessionNumber',
      // The day as text: pg and PGlite would read a `date` differently.
      sql<string | null>`to_char(t.noted_on, 'YYYY-MM-DD')`.as('notedOn'),
      't.author_id as authorId',
      't.author_role as authorRole',
      't.text',
      't.created_at as createdAt',
    ]);
}

/** Every note of a workspace, oldest first. */
export async function listTrendNotes(db: Db, workspaceId: string): Promise<TrendNoteRow[]> {
  return trendNotesQuery(db).where('t.workspace_id', '=', workspaceId).orderBy('t.created_at').orderBy('t.id').execute();
}

/** Adds a note, tied to a session of the workspace or to a day. */
export async function createTrendNote(
  db: Db,
  input: { workspaceId: string; sessionId: string | null; notedOn: string | null; authorId: string; authorRole: TrendNotesTable['author_role']; text: string },
): Promise<TrendNoteRow> {
  const { id } = await db
    .insertInto('trend_notes')
    .values({ workspace_id: input.workspaceId, session_id: input.sessionId, noted_on: input.notedOn, author_id: input.authorId, author_role: input.authorRole, text: input.text })
    .returning('id')
    .executeTakeFirstOrThrow();
  return (await trendNotesQuery(db).where('t.id', '=', id).executeTakeFirst())!;
}

/** Removes a note of the workspace written by `authorId`; whether there was one. */
export async function deleteTrendNote(db: Db, input: { workspaceId: string; noteId: string; authorId: string }): Promise<boolean> {
  const deleted = await db.deleteFrom('trend_notes').where('workspace_id', '=', input.workspaceId).where('id', '=', input.noteId).where('author_id', '=', input.authorId).returning('id').executeTakeFirst();
  return deleted !== undefined;
}

/** One note of the workspace, or undefined. */
export async function findTrendNote(db: Db, workspaceId: string, noteId: string): Promise<TrendNoteRow | undefined> {
  return trendNotesQuery(db).where('t.workspace_id', '=', workspaceId).where('t.id', '=', noteId).executeTakeFirst();
}
