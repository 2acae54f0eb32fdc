import { sql, type Kysely } from 'kysely';
import type { CheckinsTable, Database, RepairItemsTable } from '../schema.js';

type Db = Kysely<Database>;

/** A repair item with what its source tells about who may see it. */
export interface RepairRow {
  id: string;
  workspaceId: string;
  sourceKind: RepairItemsTable['source_kind'];
  checkinId: string | null;
  cardId: string | null;
  cardColumn: string | null;
  /** The check-in's drop, as it was stored (parsed JSON). */
  drop: unknown;
  /** The check-in's session, its visibility and when the session after it started. */
  sessionNumber: number | null;
  checkinVisibility: CheckinsTable['visibility'] | null;
  nextSessionStartedAt: Date | null;
  whatHappened: string;
  clientView: string;
  therapistView: string;
  willChange: string;
  version: number;
  openedAt: Date;
  updatedAt: Date;
  acknowledgedAt: Date | null;
  closedAt: Date | null;
}

/** The text fields of a repair item, as a write changes them. */
export interface RepairText {
  whatHappened?: string;
  clientView?: string;
  therapistView?: string;
  willChange?: string;
}

function repairsQuery(db: Db) {
  return db
    .selectFrom('repair_items as r')
    .leftJoin('checkins as c', 'c.id', 'r.checkin_id')
    .leftJoin('therapy_sessions as s', 's.id', 'c.session_id')
    .leftJoin('therapy_sessions as n', (join) => join.onRef('n.workspace_id', '=', 's.workspace_id').on((eb) => eb('n.number', '=', eb('s.number', '+', 1))))
    .select([
      'r.id',
      'r.workspace_id as workspaceId',
      'r.source_kind as sourceKind',
      'r.checkin_id as checkinId',
      'r.card_id as cardId',
      'r.card_column as cardColumn',
      'r.drop',
      's.number as sessionNumber',
      'c.visibility as checkinVisibility',
      'n.started_at as nextSessionStartedAt',
      'r.what_happened as whatHappened',
      'r.client_view as clientView',
      'r.therapist_view as therapistView',
      'r.will_change as willChange',
      'r.version',
      'r.opened_at as openedAt',
      'r.updated_at as updatedAt',
      'r.acknowledged_at as acknowledgedAt',
      'r.closed_at as closedAt',
    ]);
}

/** pg and PGlite both parse jsonb; a string (an older driver) is parsed here. */
function parsed(row: RepairRow): RepairRow {
  return typeof row.drop === 'string' ? { ...row, drop: JSON.parse(row.drop) as unknown } : row;
}

/** Every repair item of a workspace: open ones first, newest first. */
export async function listRepairs(db: Db, workspaceId: string): Promise<RepairRow[]> {
  const rows = await repairsQuery(db)
    .where('r.workspace_id', '=', workspaceId)
    .orderBy(sql`r.closed_at is null`, 'desc')
    .orderBy('r.opened_at', 'desc')
    .execute();
  return rows.map(parsed);
}

/** The open repair items of every workspace `userId` is a member of, with their role there. */
export async function listOpenRepairsForUser(db: Db, userId: string): Promise<(RepairRow & { role: 'therapist' | 'client' })[]> {
  const rows = await repairsQuery(db)
    .innerJoin('memberships as m', (join) => join.onRef('m.workspace_id', '=', 'r.workspace_id').on('m.user_id', '=', userId))
    .select('m.role')
    .where('r.closed_at', 'is', null)
    .execute();
  return rows.map((row) => ({ ...parsed(row), role: row.role }));
}

export async function findRepair(db: Db, workspaceId: string, repairId: string): Promise<RepairRow | undefined> {
  const row = await repairsQuery(db).where('r.workspace_id', '=', workspaceId).where('r.id', '=', repairId).executeTakeFirst();
  return row && parsed(row);
}

/**
 * Opens the repair item of a check-in that dropped, or brings an open one up to date with the
 * check-in's new answers: its drop, and its opening words while nobody has written in it yet.
 */
export async function openCheckinRepair(db: Db, input: { workspaceId: string; checkinId: string; drop: unknown; whatHappened: string }): Promise<void> {
  const drop = JSON.stringify(input.drop);
  await db
    .insertInto('repair_items')
    .values({ workspace_id: input.workspaceId, source_kind: 'checkin', checkin_id: input.checkinId, drop: sql<string>`${drop}::jsonb`, what_happened: input.whatHappened })
    .onConflict((oc) =>
      oc
        .column('checkin_id')
        .doUpdateSet({
          drop: sql<string>`excluded.drop`,
          what_happened: sql<string>`case when repair_items.version = 1 then excluded.what_happened else repair_items.what_happened end`,
        })
        .where('repair_items.closed_at', 'is', null),
    )
    .execute();
}

/**
 * Removes the repair item of a check-in that no longer drops (the client changed their answers)
 * while it is untouched: nobody acknowledged it or wrote in it. True when one was removed.
 */
export async function removeUntouchedCheckinRepair(db: Db, workspaceId: string, checkinId: string): Promise<boolean> {
  const removed = await db
    .deleteFrom('repair_items')
    .where('workspace_id', '=', workspaceId)
    .where('checkin_id', '=', checkinId)
    .where('version', '=', 1)
    .where('acknowledged_at', 'is', null)
    .where('closed_at', 'is', null)
    .executeTakeFirst();
  return Number(removed.numDeletedRows) > 0;
}

/** Opens a repair item for a flagged card unless one is open for it already. True when it opened one. */
export async function openCardRepair(db: Db, input: { workspaceId: string; cardId: string; column: string; whatHappened: string }): Promise<boolean> {
  const inserted = await db
    .insertInto('repair_items')
    .values({ workspace_id: input.workspaceId, source_kind: 'card', card_id: input.cardId, card_column: input.column, what_happened: input.whatHappened })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/**
 * Writes text fields of an open repair item, if it is still at `version` (then one more).
 * Undefined when it is not: someone else wrote first, or it was closed.
 */
export async function updateRepairText(db: Db, input: { workspaceId: string; repairId: string; version: number; text: RepairText }): Promise<RepairRow | undefined> {
  const { whatHappened, clientView, therapistView, willChange } = input.text;
  const updated = await db
    .updateTable('repair_items')
    .set({
      ...(whatHappened !== undefined ? { what_happened: whatHappened } : {}),
      ...(clientView !== undefined ? { client_view: clientView } : {}),
      ...(therapistView !== undefined ? { therapist_view: therapistView } : {}),
      ...(willChange !== undefined ? { will_change: willChange } : {}),
      version: sql<number>`version + 1`,
      updated_at: new Date(),
    })
    .where('workspace_id', '=', input.workspaceId)
    .where('id', '=', input.repairId)
    .where('version', '=', input.version)
    .where('closed_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return updated ? findRepair(db, input.workspaceId, updated.id) : undefined;
}

/** The therapist's acknowledgement (once; later calls change nothing). True when it was new. */
export async function acknowledgeRepair(db: Db, input: { workspaceId: string; repairId: string; userId: string }): Promise<boolean> {
  const updated = await db
    .updateTable('repair_items')
    .set({ acknowledged_at: new Date(), acknowledged_by: input.userId })
    .where('workspace_id', '=', input.workspaceId)
    .where('id', '=', input.repairId)
    .where('acknowledged_at', 'is', null)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) > 0;
}

/** Closes an open repair item as repaired. True when it was open. */
export async function closeRepair(db: Db, input: { workspaceId: string; repairId: string; userId: string }): Promise<boolean> {
  const updated = await db
    .updateTable('repair_items')
    .set({ closed_at: new Date(), closed_by: input.userId })
    .where('workspace_id', '=', input.workspaceId)
    .where('id', '=', input.repairId)
    .where('closed_at', 'is', null)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) > 0;
}

/** Closes the open repair item of a card (its flag was set to repaired). True when there was one. */
export async function closeCardRepair(db: Db, input: { workspaceId: string; cardId: string; userId: string }): Promise<boolean> {
  const updated = await db
    .updateTable('repair_items')
    .set({ closed_at: new Date(), closed_by: input.userId })
    .where('workspace_id', '=', input.workspaceId)
    .where('card_id', '=', input.cardId)
    .where('closed_at', 'is', null)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) > 0;
}
