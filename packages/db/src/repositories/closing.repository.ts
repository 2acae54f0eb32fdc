import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

type Db = Kysely<Database>;

export interface ClosingReflectionRow {
  userId: string;
  helped: string;
  keep: string;
  ifHard: string;
  updatedAt: Date;
}

export interface ClosingConfirmationRow {
  userId: string;
  confirmedAt: Date;
}

/** A workspace's closing review: when and by whom it was opened, the reflections and confirmations so far. */
export interface ClosingReviewRow {
  workspaceId: string;
  openedAt: Date;
  openedBy: string | null;
  reflections: ClosingReflectionRow[];
  confirmations: ClosingConfirmationRow[];
}

/** Opens the closing review of a workspace; opening it again changes nothing. Returns whether this call opened it. */
export async function openClosingReview(db: Db, input: { workspaceId: string; userId: string }): Promise<boolean> {
  const inserted = await db
    .insertInto('closing_reviews')
    .values({ workspace_id: input.workspaceId, opened_by: input.userId })
    .onConflict((oc) => oc.column('workspace_id').doNothing())
    .returning('workspace_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** The closing review of a workspace, or undefined while the therapist has not opened it. */
export async function findClosingReview(db: Db, workspaceId: string): Promise<ClosingReviewRow | undefined> {
  const review = await db.selectFrom('closing_reviews').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirst();
  if (!review) return undefined;
  const [reflections, confirmations] = await Promise.all([
    db
      .selectFrom('closing_reflections')
      .select(['user_id as userId', 'helped', 'keep', 'if_hard as ifHard', 'updated_at as updatedAt'])
      .where('workspace_id', '=', workspaceId)
      .orderBy('updated_at')
      .execute(),
    db.selectFrom('closing_confirmations').select(['user_id as userId', 'confirmed_at as confirmedAt']).where('workspace_id', '=', workspaceId).orderBy('confirmed_at').execute(),
  ]);
  return { workspaceId, openedAt: review.opened_at, openedBy: review.opened_by, reflections, confirmations };
}

/**
 * Writes a member's reflection (the review must be open). Confirmations given so far are
 * withdrawn in the same transaction: each confirms the archive with the reflections as they
 * finally read.
 */
export async function saveClosingReflection(db: Db, input: { workspaceId: string; userId: string; helped: string; keep: string; ifHard: string; at?: Date }): Promise<void> {
  const at = input.at ?? new Date();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('closing_reflections')
      .values({ workspace_id: input.workspaceId, user_id: input.userId, helped: input.helped, keep: input.keep, if_hard: input.ifHard, updated_at: at })
      .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doUpdateSet({ helped: input.helped, keep: input.keep, if_hard: input.ifHard, updated_at: at }))
      .execute();
    await trx.deleteFrom('closing_confirmations').where('workspace_id', '=', input.workspaceId).execute();
  });
}

/**
 * Records a member's confirmation (the review must be open); once every member of the
 * workspace — the therapist and the client — has confirmed, archives the workspace in the same
 * transaction. The review's row is locked first, so two confirmations at once cannot both miss
 * each other. Returns when the workspace was archived, or null while someone has yet to confirm.
 */
export async function confirmClosing(db: Db, input: { workspaceId: string; userId: string }): Promise<Date | null> {
  return db.transaction().execute(async (trx) => {
    await trx.selectFrom('closing_reviews').select('workspace_id').where('workspace_id', '=', input.workspaceId).forUpdate().executeTakeFirstOrThrow();
    await trx
      .insertInto('closing_confirmations')
      .values({ workspace_id: input.workspaceId, user_id: input.userId })
      .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doNothing())
      .execute();
    const members = await trx
      .selectFrom('memberships as m')
      .leftJoin('closing_confirmations as c', (join) => join.onRef('c.workspace_id', '=', 'm.workspace_id').onRef('c.user_id', '=', 'm.user_id'))
      .select(['m.role', 'c.confirmed_at as confirmedAt'])
      .where('m.workspace_id', '=', input.workspaceId)
      .execute();
    const everyone = (['therapist', 'client'] as const).every((role) => members.some((member) => member.role === role)) && members.every((member) => member.confirmedAt !== null);
    if (!everyone) return null;
    await trx.updateTable('workspaces').set({ archived_at: new Date() }).where('id', '=', input.workspaceId).where('archived_at', 'is', null).execute();
    const workspace = await trx.selectFrom('workspaces').select('archived_at').where('id', '=', input.workspaceId).executeTakeFirstOrThrow();
    return workspace.archived_at;
  });
}
