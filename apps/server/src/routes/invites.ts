import { acceptInvite, findInvitePreview, recordAudit } from '@alliance/db';
import { inviteParams, type AcceptInviteDto, type InvitePreviewDto } from '@alliance/shared';
import { Hono } from 'hono';
import { hashToken } from '../auth/crypto.js';
import type { AppDeps, AppEnv } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { validate } from '../http/validate.js';
import { noStore } from '../middleware/no-store.js';
import { currentUser, requireSession } from '../middleware/session.js';

const unknownInvite = () => new AppError(404, 'INVITE_INVALID', 'This invite link is not valid. Ask your therapist for a new one.');
const usedInvite = () => new AppError(410, 'INVITE_INVALID', 'This invite link has already been used. Ask your therapist for a new one.');
const expiredInvite = () => new AppError(410, 'INVITE_INVALID', 'This invite link has expired. Ask your therapist for a new one.');
const clientTaken = () => new AppError(409, 'CONFLICT', 'This workspace already has a client.');

/** A malformed token reads like an unknown one: a truncated link is simply not valid. */
const tokenParam = validate('param', inviteParams, unknownInvite);

/**
 * Looking at and accepting invites. The token is the only secret; it is looked up by its hash.
 * The preview shows the therapist's name and the expiry, never the workspace's title, which
 * may name the client.
 */
export function inviteRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(noStore)
    .get('/:token', tokenParam, async (c) => {
      const invite = await findInvitePreview(deps.db, hashToken(c.req.valid('param').token));
      if (!invite) throw unknownInvite();
      if (invite.usedAt) throw usedInvite();
      if (invite.expiresAt <= new Date()) throw expiredInvite();
      if (invite.hasClient) throw clientTaken();
      const body: InvitePreviewDto = { therapistName: invite.therapistName, expiresAt: invite.expiresAt.toISOString() };
      return c.json(body, 200);
    })
    .post('/:token/accept', requireSession, tokenParam, async (c) => {
      const user = currentUser(c);
      const result = await acceptInvite(deps.db, { tokenHash: hashToken(c.req.valid('param').token), userId: user.id });
      if (!result.ok) {
        switch (result.reason) {
          case 'invalid':
            throw unknownInvite();
          case 'used':
            throw usedInvite();
          case 'expired':
            throw expiredInvite();
          case 'already-member':
            throw new AppError(409, 'CONFLICT', 'You are already a member of this workspace.');
          case 'client-taken':
            throw clientTaken();
        }
      }
      await recordAudit(deps.db, { workspaceId: result.workspaceId, userId: user.id, action: 'invite.accept' });
      deps.logger.info('invite.accepted', { workspaceId: result.workspaceId, userId: user.id });
      deps.events.workspaceChanged(result.workspaceId, 'members');
      const body: AcceptInviteDto = { workspaceId: result.workspaceId };
      return c.json(body, 200);
    });
}
