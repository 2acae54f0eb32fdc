import { acknowledgeRepair, closeRepair, findRepair, listRepairs, recordAudit, recordView, updateRepairText, type RepairRow, type WorkspaceForUser } from '@alliance/db';
import {
  findCard,
  getCards,
  repairParams,
  updateRepairInput,
  workspaceParams,
  type CheckinDrop,
  type FeedbackColumn,
  type RepairItemDto,
  type RepairItemsDto,
  type RepairSourceDto,
  type Role,
} from '@alliance/shared';
import { Hono } from 'hono';
import { forMember } from '../collab/origin.js';
import type { AppDeps, AppEnv } from '../http/context.js';
import { AppError, forbidden, notFound } from '../http/errors.js';
import { requireMembership } from '../http/membership.js';
import { readKindOf } from '../http/read-kind.js';
import { validate } from '../http/validate.js';
import { limitBody } from '../middleware/body-limit.js';
import { noStore } from '../middleware/no-store.js';
import { currentUser, requireSession } from '../middleware/session.js';
import { requireWritable } from './terms.js';

/**
 * Whether the therapist may not see a repair item yet: one from a check-in the client keeps for
 * the next session waits, like the check-in itself, until that session starts.
 */
export function hiddenFromTherapist(row: RepairRow): boolean {
  return row.sourceKind === 'checkin' && row.checkinVisibility === 'next_session' && row.nextSessionStartedAt === null;
}

export function visibleTo(role: Role, row: RepairRow): boolean {
  return role === 'client' || !hiddenFromTherapist(row);
}

function sourceOf(row: RepairRow): RepairSourceDto {
  if (row.sourceKind === 'card') return { kind: 'card', cardId: row.cardId ?? '', column: (row.cardColumn ?? 'process') as FeedbackColumn };
  return { kind: 'checkin', checkinId: row.checkinId ?? '', sessionNumber: row.sessionNumber ?? 0, drop: row.drop as CheckinDrop };
}

/** A repair item as both members see it (the check-in's note is never part of it). */
function toRepairDto(row: RepairRow): RepairItemDto {
  return {
    id: row.id,
    source: sourceOf(row),
    openedAt: row.openedAt.toISOString(),
    acknowledgedAt: row.acknowledgedAt?.toISOString() ?? null,
    whatHappened: row.whatHappened,
    clientView: row.clientView,
    therapistView: row.therapistView,
    willChange: row.willChange,
    version: row.version,
    updatedAt: row.updatedAt.toISOString(),
    closedAt: row.closedAt?.toISOString() ?? null,
  };
}

/** The workspace's repair items the member may see, open ones first. */
export async function readableRepairs(deps: Pick<AppDeps, 'db'>, workspace: WorkspaceForUser): Promise<RepairItemDto[]> {
  const rows = await listRepairs(deps.db, workspace.id);
  return rows.filter((row) => visibleTo(workspace.role, row)).map(toRepairDto);
}

/** The item, if the caller may see it; the same 404 as for none, so nothing hidden is told. */
async function requireRepair(deps: Pick<AppDeps, 'db'>, workspace: WorkspaceForUser, repairId: string): Promise<RepairRow> {
  const row = await findRepair(deps.db, workspace.id, repairId);
  if (!row || !visibleTo(workspace.role, row)) throw notFound('No such repair item.');
  return row;
}

const closedAlready = () => new AppError(409, 'CONFLICT', 'This repair item is closed: it can no longer be changed.');

/**
 * Repair items (mounted at /api/workspaces/:id/repairs), opened by the server when a check-in
 * drops against the client's baseline or a card is flagged. Both members write in them — each
 * their own "how I saw it", both "what happened" and "what we will change" — the therapist
 * acknowledges and only the client closes one as repaired. The access log records who did what
 * (never the words); the client's writes in an item the therapist cannot see yet are left out of
 * it, as the item is.
 */
export function repairRoutes(deps: AppDeps) {
  const recordAction = async (workspace: WorkspaceForUser, userId: string, action: string, row: RepairRow) => {
    if (!hiddenFromTherapist(row)) await recordAudit(deps.db, { workspaceId: workspace.id, userId, action });
  };
  return new Hono<AppEnv>()
    .use(noStore)
    .use(requireSession)
    .get('/', validate('param', workspaceParams), async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const workspace = await requireMembership(deps.db, id, user.id);
      const repairs = await readableRepairs(deps, workspace);
      // The workspace asks on every visit; only a look at an item is one for the access log.
      if (repairs.length > 0) await recordView(deps.db, { workspaceId: id, userId: user.id, action: 'repairs.view', read: readKindOf(c) });
      return c.json<RepairItemsDto>({ repairs }, 200);
    })
    .put('/:repairId', limitBody(64 * 1024), validate('param', repairParams), validate('json', updateRepairInput), async (c) => {
      const user = currentUser(c);
      const { id, repairId } = c.req.valid('param');
      const { version, ...text } = c.req.valid('json');
      const workspace = await requireMembership(deps.db, id, user.id);
      requireWritable(workspace);
      const existing = await requireRepair(deps, workspace, repairId);
      if (workspace.role === 'client' && text.therapistView !== undefined) throw forbidden('How the therapist saw it is theirs to write.');
      if (workspace.role === 'therapist' && text.clientView !== undefined) throw forbidden('How your client saw it is theirs to write.');
      if (existing.closedAt) throw closedAlready();
      const updated = await updateRepairText(deps.db, { workspaceId: id, repairId, version, text });
      if (!updated) {
        const now = await findRepair(deps.db, id, repairId);
        if (now?.closedAt) throw closedAlready();
        throw new AppError(409, 'CONFLICT', 'This repair item changed while you were writing: look at the latest words and try again.');
      }
      await recordAction(workspace, user.id, 'repair.update', updated);
      deps.events.workspaceChanged(id, 'repairs');
      return c.json<RepairItemDto>(toRepairDto(updated), 200);
    })
    .post('/:repairId/acknowledge', limitBody(), validate('param', repairParams), async (c) => {
      const user = currentUser(c);
      const { id, repairId } = c.req.valid('param');
      const workspace = await requireMembership(deps.db, id, user.id);
      if (workspace.role !== 'therapist') throw forbidden('The therapist acknowledges a repair item.');
      requireWritable(workspace);
      const existing = await requireRepair(deps, workspace, repairId);
      if (await acknowledgeRepair(deps.db, { workspaceId: id, repairId, userId: user.id })) {
        await recordAction(workspace, user.id, 'repair.acknowledge', existing);
        deps.events.workspaceChanged(id, 'repairs');
      }
      return c.json<RepairItemDto>(toRepairDto((await findRepair(deps.db, id, repairId))!), 200);
    })
    .post('/:repairId/close', limitBody(), validate('param', repairParams), async (c) => {
      const user = currentUser(c);
      const { id, repairId } = c.req.valid('param');
      const workspace = await requireMembership(deps.db, id, user.id);
      if (workspace.role !== 'client') throw forbidden('Only your client closes a repair item as repaired.');
      requireWritable(workspace);
      const existing = await requireRepair(deps, workspace, repairId);
      if (!existing.closedAt) {
        const cardId = existing.cardId;
        if (existing.sourceKind === 'card' && cardId) {
          // The card is marked talked through on the board too, as the client's own change.
          await deps.rooms.change({ workspaceId: id, doc: 'feedback' }, forMember(user.id, 'client', 'repair.close'), (doc) => {
            const card = findCard(getCards(doc), cardId)?.card;
            if (card && card.get('flag') !== 'repaired') card.set('flag', 'repaired');
          });
        }
        if (await closeRepair(deps.db, { workspaceId: id, repairId, userId: user.id })) {
          await recordAction(workspace, user.id, 'repair.close', existing);
          deps.events.workspaceChanged(id, 'repairs');
        }
      }
      return c.json<RepairItemDto>(toRepairDto((await findRepair(deps.db, id, repairId))!), 200);
    });
}
