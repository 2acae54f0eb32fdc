import { acknowledgeTerms, ensureTerms, getTermsState, getTermsVersion, recordAudit, recordView, saveTerms, setDecisionPreference, type WorkspaceForUser } from '@alliance/db';
import { acknowledgeTermsInput, decisionPreferenceInput, saveTermsInput, TERMS_TEMPLATE, workspaceParams, type TermsDto } from '@alliance/shared';
import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../http/context.js';
import { AppError, forbidden } from '../http/errors.js';
import { requireMembership } from '../http/membership.js';
import { readKindOf } from '../http/read-kind.js';
import { validate } from '../http/validate.js';
import { limitBody } from '../middleware/body-limit.js';
import { noStore } from '../middleware/no-store.js';
import { currentUser, requireSession } from '../middleware/session.js';

/**
 * Refuses a change to an archived workspace (read-only for both, on every writing route), given
 * the workspace or a member's access to one of its documents.
 */
export function requireWritable(workspace: Pick<WorkspaceForUser, 'archivedAt'> | { readOnly: boolean }): void {
  if ('readOnly' in workspace ? workspace.readOnly : workspace.archivedAt) throw new AppError(409, 'READ_ONLY', 'This workspace is archived and can no longer be changed.');
}

export async function loadTerms(deps: Pick<AppDeps, 'db'>, workspaceId: string): Promise<TermsDto> {
  // A workspace starts with the template; the therapist edits it before inviting the client.
  await ensureTerms(deps.db, { workspaceId, body: TERMS_TEMPLATE, userId: null });
  const state = await getTermsState(deps.db, workspaceId);
  const terms = state.terms!;
  const acknowledgements: TermsDto['acknowledgements'] = {};
  for (const role of ['therapist', 'client'] as const) {
    const mark = state.acknowledgements[role];
    if (mark) acknowledgements[role] = { version: mark.version, at: mark.at.toISOString() };
  }
  const clientVersion = acknowledgements.client?.version;
  const clientRead = clientVersion !== undefined && clientVersion !== terms.version ? await getTermsVersion(deps.db, workspaceId, clientVersion) : undefined;
  return {
    body: terms.body,
    version: terms.version,
    updatedAt: terms.updated_at.toISOString(),
    acknowledgements,
    decisionPreference: state.decisionPreference,
    decisionPreferenceAt: state.decisionPreferenceAt?.toISOString() ?? null,
    clientLastRead: clientRead ? { version: clientRead.version, body: clientRead.body } : null,
  };
}

/**
 * "How we work" (mounted at /api/workspaces/:id/terms): the therapist writes it, the client
 * reads and acknowledges it before anything else, and says how they would like decisions made.
 */
export function termsRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(noStore)
    .use(requireSession)
    .get('/', validate('param', workspaceParams), async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      await requireMembership(deps.db, id, user.id);
      const terms = await loadTerms(deps, id);
      await recordView(deps.db, { workspaceId: id, userId: user.id, action: 'terms.view', read: readKindOf(c) });
      return c.json<TermsDto>(terms, 200);
    })
    .put('/', limitBody(64 * 1024), validate('param', workspaceParams), validate('json', saveTermsInput), async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const workspace = await requireMembership(deps.db, id, user.id);
      if (workspace.role !== 'therapist') throw forbidden('Only the therapist writes how we work.');
      requireWritable(workspace);
      await ensureTerms(deps.db, { workspaceId: id, body: TERMS_TEMPLATE, userId: null });
      const saved = await saveTerms(deps.db, { workspaceId: id, body: c.req.valid('json').body, userId: user.id });
      // The therapist wrote this version, so it counts as read by them.
      await acknowledgeTerms(deps.db, { workspaceId: id, userId: user.id, version: saved.version });
      await recordAudit(deps.db, { workspaceId: id, userId: user.id, action: 'terms.update' });
      deps.events.workspaceChanged(id, 'terms');
      return c.json<TermsDto>(await loadTerms(deps, id), 200);
    })
    .post('/acknowledge', limitBody(), validate('param', workspaceParams), validate('json', acknowledgeTermsInput), async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      requireWritable(await requireMembership(deps.db, id, user.id));
      const current = await loadTerms(deps, id);
      const { version } = c.req.valid('json');
      if (version !== current.version) {
        throw new AppError(409, 'CONFLICT', 'How we work has changed since you opened it. Please read the new version.');
      }
      await acknowledgeTerms(deps.db, { workspaceId: id, userId: user.id, version });
      await recordAudit(deps.db, { workspaceId: id, userId: user.id, action: 'terms.acknowledge' });
      deps.events.workspaceChanged(id, 'terms');
      return c.json<TermsDto>(await loadTerms(deps, id), 200);
    })
    .put('/decision-preference', limitBody(), validate('param', workspaceParams), validate('json', decisionPreferenceInput), async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const workspace = await requireMembership(deps.db, id, user.id);
      if (workspace.role !== 'client') throw forbidden('Only the client says how they would like decisions to be made.');
      requireWritable(workspace);
      await setDecisionPreference(deps.db, id, c.req.valid('json').preference);
      await recordAudit(deps.db, { workspaceId: id, userId: user.id, action: 'preference.update' });
      deps.events.workspaceChanged(id, 'terms');
      return c.json<TermsDto>(await loadTerms(deps, id), 200);
    });
}
