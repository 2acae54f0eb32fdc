import { listCheckins, openCheckinRepair, removeUntouchedCheckinRepair } from '@alliance/db';
import { checkinDrop, describeRepairSource } from '@alliance/shared';
import type { AppDeps } from '../http/context.js';

/**
 * After a check-in is answered or changed: a drop against the client's own baseline (their three
 * check-ins before it) opens its repair item, or brings the open one up to date; a check-in that
 * no longer drops loses its item while nobody has acknowledged it or written in it.
 */
export async function reviewCheckinForRepair(deps: Pick<AppDeps, 'db' | 'events'>, workspaceId: string, checkinId: string): Promise<void> {
  const rows = await listCheckins(deps.db, workspaceId);
  const index = rows.findIndex((row) => row.id === checkinId);
  const current = rows[index];
  if (!current) return;
  const series = rows.filter((row) => row.userId === current.userId && row.sessionNumber < current.sessionNumber);
  const drop = checkinDrop(series, current);
  if (drop) {
    const whatHappened = describeRepairSource({ kind: 'checkin', checkinId, sessionNumber: current.sessionNumber, drop });
    await openCheckinRepair(deps.db, { workspaceId, checkinId, drop, whatHappened });
    deps.events.workspaceChanged(workspaceId, 'repairs');
  } else if (await removeUntouchedCheckinRepair(deps.db, workspaceId, checkinId)) {
    deps.events.workspaceChanged(workspaceId, 'repairs');
  }
}
