import { createTrendNote, deleteTrendNote, findCheckinSession, findTrendNote, listTrendNotes, recordAudit, recordView, type TrendNoteRow } from '@alliance/db';
import { createTrendNoteInput, trendNoteParams, workspaceParams, type TrendNoteDto, type TrendNotesDto } from '@alliance/shared';
import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../http/context.js';
import { forbidden, notFound } from '../http/errors.js';
import { requireMembership } from '../http/membership.js';
import { readKindOf } from '../http/read-kind.js';
import { validate } from '../http/validate.js';
import { limitBody } from '../middleware/body-limit.js';
import { noStore } from '../middleware/no-store.js';
import { currentUser, requireSession } from '../middleware/session.js';
import { requireWritable } from './terms.js';

export function toTrendNoteDto(row: TrendNoteRow): TrendNoteDto {
  return {
    id: row.id,
    sessionId: row.sessionId,
    sessionNumber: row.sessionNumber,
    date: row.notedOn,
    text: row.text,
    authorId: row.authorId,
    authorRole: row.authorRole,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Every note beside the trend of a workspace (both members see them all), oldest first. */
export async function readTrendNotes(deps: Pick<AppDeps, 'db'>, workspaceId: string): Promise<TrendNoteDto[]> {
  return (await listTrendNotes(deps.db, workspaceId)).map(toTrendNoteDto);
}

/**
 * Notes beside the check-in trend (mounted at /api/workspaces/:id/trend-notes): either member
 * writes one on a session or a day, both read them, only the author removes theirs.
 * The audit trail says a note was added or removed, never what it says.
 */
export function trendNoteRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(noStore)
    .use(requireSession)
    .get('/', validate('param', workspaceParams), async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      await requireMembership(deps.db, id, user.id);
      const notes = await readTrendNotes(deps, id);
      await recordView(deps.db, { workspaceId: id, userId: user.id, action: 'trends.view', read: readKindOf(c) });
      return c.json<TrendNotesDto>({ notes }, 200);
    })
    .post('/', limitBody(4 * 1024), validate('param', workspaceParams), validate('json', createTrendNoteInput), async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      const workspace = await requireMembership(deps.db, id, user.id);
      requireWritable(workspace);
      const sessionId = input.sessionId ?? null;
      if (sessionId && !(await findCheckinSession(deps.db, id, sessionId))) throw notFound('No such session in this workspace.');
      const created = await createTrendNote(deps.db, { workspaceId: id, sessionId, notedOn: sessionId ? null : (input.date ?? null), authorId: user.id, authorRole: workspace.role, text: input.text });
      await recordAudit(deps.db, { workspaceId: id, userId: user.id, action: 'trend-note.create', target: created.sessionNumber === null ? null : String(created.sessionNumber) });
      deps.events.workspaceChanged(id, 'trends');
      return c.json<TrendNoteDto>(toTrendNoteDto(created), 201);
    })
    .delete('/:noteId', validate('param', trendNoteParams), async (c) => {
      const user = currentUser(c);
      const { id, noteId } = c.req.valid('param');
      requireWritable(await requireMembership(deps.db, id, user.id));
      const note = await findTrendNote(deps.db, id, noteId);
      if (!note) throw notFound('No such note.');
      if (note.authorId !== user.id) throw forbidden('Only the person who wrote a note can remove it.');
      if (!(await deleteTrendNote(deps.db, { workspaceId: id, noteId, authorId: user.id }))) throw notFound('No such note.');
      await recordAudit(deps.db, { workspaceId: id, userId: user.id, action: 'trend-note.delete', target: note.sessionNumber === null ? null : String(note.sessionNumber) });
      deps.events.workspaceChanged(id, 'trends');
      return c.body(null, 204);
    });
}
