import { listAccessLog, recordView, type AccessLogRow } from '@alliance/db';
import {
  accessLogQuery,
  docsHiddenFrom,
  formatAccessCursor,
  isDocName,
  parseAccessCursor,
  workspaceParams,
  type AccessActorDto,
  type AccessEntryDto,
  type AccessLogDto,
  type ViewAction,
} from '@alliance/shared';
import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../http/context.js';
import { requireMembership } from '../http/membership.js';
import { readKindOf } from '../http/read-kind.js';
import { validate } from '../http/validate.js';
import { noStore } from '../middleware/no-store.js';
import { currentUser, requireSession } from '../middleware/session.js';

function toActor(row: AccessLogRow): AccessActorDto {
  return row.userId === null ? { kind: 'server' } : { kind: 'member', userId: row.userId, name: row.userName ?? 'A former member' };
}

export function toEntryDto(row: AccessLogRow): AccessEntryDto | null {
  const base = { id: row.id, actor: toActor(row), from: row.firstAt.toISOString(), to: row.lastAt.toISOString() };
  switch (row.kind) {
    case 'action':
      return { ...base, kind: 'action', action: row.action ?? '', target: row.target };
    case 'edits':
      return isDocName(row.doc) ? { ...base, kind: 'edits', doc: row.doc, changes: row.count } : null;
    case 'views':
      return { ...base, kind: 'views', views: row.views.map((view) => ({ action: view.action as ViewAction, target: view.target })) };
  }
}

/**
 * The access log (mounted at /api/workspaces/:id/access-log): newest first, a page at a time,
 * each person's reads folded into visits and their edits grouped per document, so what was
 * done is never pushed out of sight by what was looked at. Nothing about a document the
 * reader may not open is in it (the therapist's copy shows nothing of the client's drafts).
 */
export function accessLogRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(noStore)
    .use(requireSession)
    .get('/', validate('param', workspaceParams), validate('query', accessLogQuery), async (c) => {
      const user = currentUser(c);
      const workspace = await requireMembership(deps.db, c.req.valid('param').id, user.id);
      const { before, limit } = c.req.valid('query');
      await recordView(deps.db, { workspaceId: workspace.id, userId: user.id, action: 'audit.view', read: readKindOf(c) });
      // One more than asked tells whether an older page exists.
      const rows = await listAccessLog(deps.db, {
        workspaceId: workspace.id,
        hiddenDocs: docsHiddenFrom(workspace.role),
        before: before ? parseAccessCursor(before) : null,
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      const body: AccessLogDto = {
        entries: page.map(toEntryDto).filter((entry): entry is AccessEntryDto => entry !== null),
        next: rows.length > limit && last ? formatAccessCursor({ atMicros: last.atMicros, id: last.id }) : null,
      };
      return c.json(body, 200);
    });
}
