import {
  countWorkspacesCreatedBy,
  createInvite,
  createWorkspace,
  expireOpenInvites,
  findClosingReview,
  listAudit,
  listMembers,
  listOpenRepairsForUser,
  listWorkspaceNews,
  listWorkspacesForUser,
  recordAudit,
  recordView,
} from '@alliance/db';
import {
  ALL_DOC_KINDS,
  createWorkspaceInput,
  docsHiddenFrom,
  workspaceParams,
  type AuditEventDto,
  type InviteDto,
  type WorkspaceDto,
  type WorkspaceListItemDto,
} from '@alliance/shared';
import { Hono } from 'hono';
import { hashToken, newToken } from '../auth/crypto.js';
import type { AppDeps, AppEnv } from '../http/context.js';
import { toWorkspaceListItemDto, toWorkspaceSummaryDto } from '../http/dto.js';
import { AppError, forbidden } from '../http/errors.js';
import { requireMembership } from '../http/membership.js';
import { readKindOf } from '../http/read-kind.js';
import { publicBaseUrl } from '../http/request-origin.js';
import { validate } from '../http/validate.js';
import { limitBody } from '../middleware/body-limit.js';
import { noStore } from '../middleware/no-store.js';
import { currentUser, requireSession } from '../middleware/session.js';
import { visibleTo } from './repairs.js';
import { requireWritable } from './terms.js';

const HOUR_MS = 60 * 60 * 1000;

/**
 * Workspaces, their members and invites (and the access log's first form). Every route is for
 * logged-in members only; anyone else gets the same 404 as for a workspace that does not exist.
 */
export function workspaceRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(noStore)
    .use(requireSession)
    .post('/', limitBody(), validate('json', createWorkspaceInput), async (c) => {
      const user = currentUser(c);
      const { title } = c.req.valid('json');
      if ((await countWorkspacesCreatedBy(deps.db, user.id)) >= deps.env.MAX_WORKSPACES_PER_USER) {
        throw new AppError(403, 'QUOTA_EXCEEDED', 'You have reached the number of workspaces one account may create.');
      }
      const workspace = await createWorkspace(deps.db, {
        title,
        therapistId: user.id,
        // Every kind of document, with its first content (the roadmap's title and schema version).
        docs: ALL_DOC_KINDS.map((kind) => ({ name: kind.name, initialUpdate: kind.seed({ title }) })),
      });
      await recordAudit(deps.db, { workspaceId: workspace.id, userId: user.id, action: 'workspace.create' });
      const summary = toWorkspaceSummaryDto({
        id: workspace.id,
        title: workspace.title,
        role: 'therapist',
        createdAt: workspace.created_at,
        archivedAt: workspace.archived_at,
      });
      return c.json(summary, 201);
    })
    .get('/', async (c) => {
      const user = currentUser(c);
      const [workspaces, news, openRepairs] = await Promise.all([
        listWorkspacesForUser(deps.db, user.id),
        listWorkspaceNews(deps.db, user.id),
        listOpenRepairsForUser(deps.db, user.id),
      ]);
      const newsById = new Map(news.map((row) => [row.workspaceId, row]));
      const openIn = new Map<string, number>();
      for (const repair of openRepairs) if (visibleTo(repair.role, repair)) openIn.set(repair.workspaceId, (openIn.get(repair.workspaceId) ?? 0) + 1);
      return c.json<WorkspaceListItemDto[]>(
        workspaces.map((workspace) => toWorkspaceListItemDto(workspace, newsById.get(workspace.id), openIn.get(workspace.id) ?? 0)),
        200,
      );
    })
    .get('/:id', validate('param', workspaceParams), async (c) => {
      const user = currentUser(c);
      const workspace = await requireMembership(deps.db, c.req.valid('param').id, user.id);
      await recordView(deps.db, { workspaceId: workspace.id, userId: user.id, action: 'workspace.view', read: readKindOf(c) });
      const [members, closing] = await Promise.all([listMembers(deps.db, workspace.id), findClosingReview(deps.db, workspace.id)]);
      const body: WorkspaceDto = {
        ...toWorkspaceSummaryDto(workspace),
        closingOpenedAt: closing?.openedAt.toISOString() ?? null,
        members: members.map((member) => ({ userId: member.userId, name: member.name, role: member.role, joinedAt: member.joinedAt.toISOString() })),
        docs: ALL_DOC_KINDS.filter((kind) => kind.canOpen(workspace.role)).map((kind) => kind.name),
      };
      return c.json(body, 200);
    })
    .post('/:id/invites', validate('param', workspaceParams), async (c) => {
      const user = currentUser(c);
      const workspace = await requireMembership(deps.db, c.req.valid('param').id, user.id);
      if (workspace.role !== 'therapist') throw forbidden('Only the therapist can invite someone to this workspace.');
      requireWritable(workspace);
      const members = await listMembers(deps.db, workspace.id);
      if (members.some((member) => member.role === 'client')) throw new AppError(409, 'CONFLICT', 'This workspace already has a client.');

      const token = newToken();
      const expiresAt = new Date(Date.now() + deps.env.INVITE_TTL_HOURS * HOUR_MS);
      // A new invite replaces any earlier one that is still open.
      await deps.db.transaction().execute(async (trx) => {
        await expireOpenInvites(trx, workspace.id);
        await createInvite(trx, { workspaceId: workspace.id, tokenHash: hashToken(token), createdBy: user.id, expiresAt });
      });
      await recordAudit(deps.db, { workspaceId: workspace.id, userId: user.id, action: 'invite.create' });
      const body: InviteDto = { token, url: `${publicBaseUrl(c, deps.env)}/invite/${token}`, expiresAt: expiresAt.toISOString() };
      return c.json(body, 201);
    })
    // The log's first form, kept for existing callers: the latest recorded events one by one
    // (edits are only in /access-log).
    .get('/:id/audit', validate('param', workspaceParams), async (c) => {
      const user = currentUser(c);
      const workspace = await requireMembership(deps.db, c.req.valid('param').id, user.id);
      await recordView(deps.db, { workspaceId: workspace.id, userId: user.id, action: 'audit.view', read: readKindOf(c) });
      const events = await listAudit(deps.db, workspace.id, { hiddenDocs: docsHiddenFrom(workspace.role) });
      const body: AuditEventDto[] = events.map((event) => ({
        id: event.id,
        action: event.action,
        target: event.target,
        userName: event.userName,
        createdAt: event.created_at.toISOString(),
      }));
      return c.json(body, 200);
    });
}
