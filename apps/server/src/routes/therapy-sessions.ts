import { endTherapySession, findOpenTherapySession, listTherapySessions, recordAudit, startTherapySession, type TherapySession } from '@alliance/db';
import { endSessionInput, sessionVersionLabel, workspaceParams, type EndedSessionDto, type TherapySessionDto, type TherapySessionsDto } from '@alliance/shared';
import { Hono } from 'hono';
import { shareScheduledDrafts } from '../collab/share-drafts.js';
import type { AppDeps, AppEnv } from '../http/context.js';
import { AppError, forbidden } from '../http/errors.js';
import { requireMembership } from '../http/membership.js';
import { validate } from '../http/validate.js';
import { limitBody } from '../middleware/body-limit.js';
import { noStore } from '../middleware/no-store.js';
import { currentUser, requireSession } from '../middleware/session.js';
import { requireWritable } from './terms.js';

export function toSessionDto(session: TherapySession): TherapySessionDto {
  return {
    id: session.id,
    number: session.number,
    startedAt: session.started_at.toISOString(),
    endedAt: session.ended_at?.toISOString() ?? null,
  };
}

/** The documents a session's end saves a version of. */
const SESSION_DOCS = ['roadmap', 'feedback'] as const;

/**
 * Live sessions (mounted at /api/workspaces/:id/sessions): the therapist starts and ends them;
 * starting one shares the drafts the client set aside for it, ending one saves a version of the
 * roadmap and the feedback board labelled "Session N — date".
 */
export function therapySessionRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(noStore)
    .use(requireSession)
    .get('/', validate('param', workspaceParams), async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      await requireMembership(deps.db, id, user.id);
      const sessions = await listTherapySessions(deps.db, id);
      const current = sessions.find((session) => session.ended_at === null);
      return c.json<TherapySessionsDto>({ current: current ? toSessionDto(current) : null, sessions: sessions.map(toSessionDto) }, 200);
    })
    .post('/', limitBody(), validate('param', workspaceParams), async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const workspace = await requireMembership(deps.db, id, user.id);
      if (workspace.role !== 'therapist') throw forbidden('Only the therapist starts a session.');
      requireWritable(workspace);
      const session = await startTherapySession(deps.db, { workspaceId: id, userId: user.id });
      if (!session) throw new AppError(409, 'CONFLICT', 'A session is already in progress.');
      await recordAudit(deps.db, { workspaceId: id, userId: user.id, action: 'session.start', target: String(session.number) });
      try {
        await shareScheduledDrafts(deps, id);
      } catch (error) {
        // The session has started either way; the drafts stay private and are shared next time.
        deps.logger.warn('session.share_drafts_failed', { workspaceId: id, error: error instanceof Error ? error.name : 'unknown' });
      }
      deps.events.workspaceChanged(id, 'session');
      return c.json<TherapySessionDto>(toSessionDto(session), 201);
    })
    .post('/current/end', limitBody(), validate('param', workspaceParams), validate('json', endSessionInput), async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const workspace = await requireMembership(deps.db, id, user.id);
      if (workspace.role !== 'therapist') throw forbidden('Only the therapist ends a session.');
      requireWritable(workspace);
      const open = await findOpenTherapySession(deps.db, id);
      if (!open) throw new AppError(409, 'CONFLICT', 'No session is in progress.');
      const ended = await endTherapySession(deps.db, { workspaceId: id, userId: user.id });
      if (!ended) throw new AppError(409, 'CONFLICT', 'No session is in progress.');
      const label = sessionVersionLabel(ended.number, ended.ended_at ?? new Date(), c.req.valid('json').timeZone);
      for (const doc of SESSION_DOCS) {
        await deps.rooms.createVersion({ workspaceId: id, doc, label, kind: 'session', userId: user.id });
      }
      await recordAudit(deps.db, { workspaceId: id, userId: user.id, action: 'session.end', target: String(ended.number) });
      deps.events.workspaceChanged(id, 'session');
      return c.json<EndedSessionDto>({ session: toSessionDto(ended), label }, 200);
    });
}
