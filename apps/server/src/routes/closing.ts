import {
  confirmClosing,
  findClosingReview,
  findOpenTherapySession,
  listMembers,
  openClosingReview,
  recordAudit,
  recordView,
  saveClosingReflection,
  type ClosingReviewRow,
  type WorkspaceForUser,
} from '@alliance/db';
import { closingReflectionInput, workspaceParams, type ClosingReviewDto } from '@alliance/shared';
import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../http/context.js';
import { AppError, forbidden } from '../http/errors.js';
import { requireMembership } from '../http/membership.js';
import { readKindOf } from '../http/read-kind.js';
import { validate } from '../http/validate.js';
import { limitBody } from '../middleware/body-limit.js';
import { noStore } from '../middleware/no-store.js';
import { currentUser, requireSession } from '../middleware/session.js';
import { buildClosingReview } from './closing-review.js';
import { requireWritable } from './terms.js';

/** The open review, for the steps that need one (a reflection, a confirmation). */
async function requireOpenReview(deps: Pick<AppDeps, 'db'>, workspace: WorkspaceForUser): Promise<ClosingReviewRow> {
  requireWritable(workspace);
  const review = await findClosingReview(deps.db, workspace.id);
  if (!review) throw new AppError(409, 'CLOSING_NOT_OPEN', 'The closing review has not been opened yet: the therapist opens it.');
  return review;
}

/**
 * The closing review (mounted at /api/workspaces/:id/closing). The therapist opens it and both
 * are invited; each writes a reflection in their own words (the other sees it once it is
 * saved) and confirms. When both have confirmed, the workspace becomes a read-only archive at
 * once: every writing route refuses, and open rooms are told, so the next realtime update is
 * refused too. Reading, history and export go on working.
 */
export function closingRoutes(deps: AppDeps) {
  const answer = async (workspaceId: string, userId: string) => {
    const workspace = await requireMembership(deps.db, workspaceId, userId);
    return buildClosingReview(deps, workspace, userId, await findClosingReview(deps.db, workspaceId));
  };
  return new Hono<AppEnv>()
    .use(noStore)
    .use(requireSession)
    .get('/', validate('param', workspaceParams), async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const workspace = await requireMembership(deps.db, id, user.id);
      const body = await buildClosingReview(deps, workspace, user.id, await findClosingReview(deps.db, id));
      await recordView(deps.db, { workspaceId: id, userId: user.id, action: 'closing.view', read: readKindOf(c) });
      return c.json<ClosingReviewDto>(body, 200);
    })
    .post('/', limitBody(), validate('param', workspaceParams), async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const workspace = await requireMembership(deps.db, id, user.id);
      if (workspace.role !== 'therapist') throw forbidden('Only the therapist opens the closing review.');
      requireWritable(workspace);
      const members = await listMembers(deps.db, id);
      if (!members.some((member) => member.role === 'client')) throw new AppError(409, 'CONFLICT', 'Your client has not joined yet: the closing review is for both of you.');
      const opened = await openClosingReview(deps.db, { workspaceId: id, userId: user.id });
      if (opened) {
        await recordAudit(deps.db, { workspaceId: id, userId: user.id, action: 'closing.open' });
        deps.events.workspaceChanged(id, 'closing');
      }
      return c.json<ClosingReviewDto>(await answer(id, user.id), opened ? 201 : 200);
    })
    .put('/reflection', limitBody(64 * 1024), validate('param', workspaceParams), validate('json', closingReflectionInput), async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const workspace = await requireMembership(deps.db, id, user.id);
      await requireOpenReview(deps, workspace);
      await saveClosingReflection(deps.db, { workspaceId: id, userId: user.id, ...c.req.valid('json') });
      await recordAudit(deps.db, { workspaceId: id, userId: user.id, action: 'closing.reflect' });
      deps.events.workspaceChanged(id, 'closing');
      return c.json<ClosingReviewDto>(await answer(id, user.id), 200);
    })
    .post('/confirm', limitBody(), validate('param', workspaceParams), async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const workspace = await requireMembership(deps.db, id, user.id);
      await requireOpenReview(deps, workspace);
      // A session in progress would stay open for ever in an archive: it ends first.
      if (await findOpenTherapySession(deps.db, id)) throw new AppError(409, 'CONFLICT', 'A session is in progress: end it before confirming.');
      const archivedAt = await confirmClosing(deps.db, { workspaceId: id, userId: user.id });
      await recordAudit(deps.db, { workspaceId: id, userId: user.id, action: 'closing.confirm' });
      if (archivedAt) {
        // Open rooms refuse the next update from now on, on both transports, in every process.
        deps.events.workspaceArchived(id);
        await recordAudit(deps.db, { workspaceId: id, userId: user.id, action: 'workspace.archive' });
      }
      deps.events.workspaceChanged(id, 'closing');
      return c.json<ClosingReviewDto>(await answer(id, user.id), 200);
    });
}
