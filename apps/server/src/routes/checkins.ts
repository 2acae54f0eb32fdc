import { createCheckin, findCheckin, findCheckinSession, recordAudit, recordView, updateCheckin, type CheckinAnswers, type WorkspaceForUser } from '@alliance/db';
import { checkinAnswersInput, checkinParams, createCheckinInput, workspaceParams, type CheckinDto, type CheckinsDto } from '@alliance/shared';
import { Hono } from 'hono';
import type { z } from 'zod';
import type { AppDeps, AppEnv } from '../http/context.js';
import { AppError, forbidden, notFound } from '../http/errors.js';
import { requireMembership } from '../http/membership.js';
import { readKindOf } from '../http/read-kind.js';
import { validate } from '../http/validate.js';
import { limitBody } from '../middleware/body-limit.js';
import { noStore } from '../middleware/no-store.js';
import { currentUser, requireSession } from '../middleware/session.js';
import { readableCheckins, toCheckinDto } from './checkins-readable.js';
import { reviewCheckinForRepair } from '../repairs/checkin-repairs.js';
import { requireWritable } from './terms.js';

const closed = () => new AppError(409, 'CHECKIN_CLOSED', 'The next session has started: this check-in can no longer be answered or changed.');

/** The parsed answers in the repository's shape. */
function answersOf(input: z.output<typeof checkinAnswersInput>): CheckinAnswers {
  return { ...input.items, steering: input.steering, choicesOffered: input.choicesOffered, note: input.note, visibility: input.visibility };
}

/** Only the client answers check-ins, and only while the workspace can still be changed. */
function requireClientWriter(workspace: WorkspaceForUser): void {
  if (workspace.role !== 'client') throw forbidden('Only the client answers the after-session check-in.');
  requireWritable(workspace);
}

/**
 * After-session check-ins (mounted at /api/workspaces/:id/checkins): the client's process
 * feedback on an ended session, open until the next session starts. The client chooses when the
 * therapist sees it, and the server filters what it sends the therapist accordingly.
 * Nothing of a check-in's content goes to the logs or the audit trail.
 */
export function checkinRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(noStore)
    .use(requireSession)
    .get('/', validate('param', workspaceParams), async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const workspace = await requireMembership(deps.db, id, user.id);
      const checkins = await readableCheckins(deps, workspace, user.id);
      await recordView(deps.db, { workspaceId: id, userId: user.id, action: 'checkins.view', read: readKindOf(c) });
      return c.json<CheckinsDto>({ checkins }, 200);
    })
    .post('/', limitBody(16 * 1024), validate('param', workspaceParams), validate('json', createCheckinInput), async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      requireClientWriter(await requireMembership(deps.db, id, user.id));
      const session = await findCheckinSession(deps.db, id, input.sessionId);
      if (!session) throw notFound('No such session in this workspace.');
      if (session.endedAt === null) throw new AppError(409, 'CONFLICT', 'This session is still in progress: the check-in opens when it ends.');
      if (session.nextSessionStartedAt !== null) throw closed();
      const created = await createCheckin(deps.db, { workspaceId: id, sessionId: session.id, userId: user.id, ...answersOf(input) });
      if (!created) throw new AppError(409, 'CHECKIN_EXISTS', 'This session already has a check-in: change your answer instead.');
      await recordAudit(deps.db, { workspaceId: id, userId: user.id, action: 'checkin.create', target: String(session.number) });
      deps.events.workspaceChanged(id, 'checkins');
      await reviewCheckinForRepair(deps, id, created.id);
      return c.json<CheckinDto>(toCheckinDto(created), 201);
    })
    .put('/:checkinId', limitBody(16 * 1024), validate('param', checkinParams), validate('json', checkinAnswersInput), async (c) => {
      const user = currentUser(c);
      const { id, checkinId } = c.req.valid('param');
      requireClientWriter(await requireMembership(deps.db, id, user.id));
      const existing = await findCheckin(deps.db, id, checkinId);
      if (!existing || existing.userId !== user.id) throw notFound('No such check-in.');
      if (existing.nextSessionStartedAt !== null) throw closed();
      const updated = await updateCheckin(deps.db, { workspaceId: id, checkinId, ...answersOf(c.req.valid('json')) });
      // The next session started between the two reads.
      if (!updated) throw closed();
      await recordAudit(deps.db, { workspaceId: id, userId: user.id, action: 'checkin.update', target: String(existing.sessionNumber) });
      deps.events.workspaceChanged(id, 'checkins');
      await reviewCheckinForRepair(deps, id, checkinId);
      return c.json<CheckinDto>(toCheckinDto(updated), 200);
    });
}
