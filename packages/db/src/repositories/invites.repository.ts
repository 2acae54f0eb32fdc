import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

type Db = Kysely<Database>;

/** Stores an invite (only the hash of its token) and returns its id. */
export async function createInvite(db: Db, input: { workspaceId: string; tokenHash: string; createdBy: string; expiresAt: Date }): Promise<{ id: string }> {
  return db
    .insertInto('invites')
    .values({ workspace_id: input.workspaceId, token_hash: input.tokenHash, created_by: input.createdBy, expires_at: input.expiresAt })
    .returning('id')
    .executeTakeFirstOrThrow();
}

/**
 * Ends every invite of the workspace that could still be used, by expiring it now. A new
 * invite replaces the old ones, so a link sent earlier (perhaps to the wrong address) dies.
 */
export async function expireOpenInvites(db: Db, workspaceId: string, now = new Date()): Promise<number> {
  const result = await db
    .updateTable('invites')
    .set({ expires_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export interface InvitePreview {
  workspaceId: string;
  expiresAt: Date;
  usedAt: Date | null;
  therapistName: string;
  /** Whether the workspace already has its client (through this or another invite). */
  hasClient: boolean;
}

/** What an invitee may see before accepting; deliberately not the workspace's title. */
export async function findInvitePreview(db: Db, tokenHash: string): Promise<InvitePreview | undefined> {
  const row = await db
    .selectFrom('invites as i')
    .innerJoin('users as u', 'u.id', 'i.created_by')
    .select((eb) => [
      'i.workspace_id as workspaceId',
      'i.expires_at as expiresAt',
      'i.used_at as usedAt',
      'u.name as therapistName',
      eb
        .exists(eb.selectFrom('memberships as m').select('m.user_id').whereRef('m.workspace_id', '=', 'i.workspace_id').where('m.role', '=', 'client'))
        .as('hasClient'),
    ])
    .where('i.token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row ? { ...row, hasClient: Boolean(row.hasClient) } : undefined;
}

export type AcceptInviteResult =
  | { ok: true; workspaceId: string }
  | { ok: false; reason: 'invalid' | 'expired' | 'used' | 'client-taken' | 'already-member' };

/**
 * Uses an invite: in one transaction, locks it, checks it is unused and unexpired, makes the
 * caller the workspace's client and marks the invite used. Two concurrent accepts cannot both win.
 */
export async function acceptInvite(db: Db, input: { tokenHash: string; userId: string; now?: Date }): Promise<AcceptInviteResult> {
  const now = input.now ?? new Date();
  try {
    return await db.transaction().execute(async (trx) => {
      const invite = await trx.selectFrom('invites').selectAll().where('token_hash', '=', input.tokenHash).forUpdate().executeTakeFirst();
      if (!invite) return { ok: false, reason: 'invalid' } as const;
      if (invite.used_at) return { ok: false, reason: 'used' } as const;
      if (invite.expires_at <= now) return { ok: false, reason: 'expired' } as const;
      const members = await trx.selectFrom('memberships').select(['user_id', 'role']).where('workspace_id', '=', invite.workspace_id).forUpdate().execute();
      if (members.some((member) => member.user_id === input.userId)) return { ok: false, reason: 'already-member' } as const;
      if (members.some((member) => member.role === 'client')) return { ok: false, reason: 'client-taken' } as const;
      await trx.insertInto('memberships').values({ workspace_id: invite.workspace_id, user_id: input.userId, role: 'client' }).execute();
      await trx.updateTable('invites').set({ used_at: now, used_by: input.userId }).where('id', '=', invite.id).execute();
      return { ok: true, workspaceId: invite.workspace_id } as const;
    });
  } catch (error) {
    // Two different invites of one workspace accepted at once: the row locks above do not
    // cover a membership that does not exist yet, so the unique constraints decide.
    if (isUniqueViolation(error)) {
      return { ok: false, reason: constraintOf(error) === 'memberships_pk' ? 'already-member' : 'client-taken' };
    }
    throw error;
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

function constraintOf(error: unknown): string | undefined {
  const value = (error as { constraint?: unknown }).constraint;
  return typeof value === 'string' ? value : undefined;
}
