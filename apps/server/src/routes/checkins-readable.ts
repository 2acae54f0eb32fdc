import { listCheckins, type CheckinRow } from '@alliance/db';
import type { CheckinDto } from '@alliance/shared';
import type { AppDeps } from '../http/context.js';

/*
 * What of the check-ins a member may read: one rule for the check-ins route, the trends, the
 * closing review and the export, so none of them can show the therapist more than another.
 */

/** A check-in as its own author sees it: everything. */
export function toCheckinDto(row: CheckinRow): CheckinDto {
  return {
    id: row.id,
    sessionId: row.sessionId,
    sessionNumber: row.sessionNumber,
    items: { heard: row.heard, wanted: row.wanted, fit: row.fit, overall: row.overall },
    steering: row.steering,
    choicesOffered: row.choicesOffered,
    note: row.note,
    visibility: row.visibility,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    open: row.nextSessionStartedAt === null,
  };
}

/**
 * A check-in as the therapist may see it, or null while it is not theirs to see: a
 * `next_session` one waits for the next session to start, a `trend` one comes without its note.
 */
function forTherapist(row: CheckinRow): CheckinDto | null {
  if (row.visibility === 'next_session' && row.nextSessionStartedAt === null) return null;
  const dto = toCheckinDto(row);
  return row.visibility === 'trend' ? { ...dto, note: null } : dto;
}

/** The check-ins of a workspace as this member may read them, oldest session first: the client their own, the therapist what the client let through. */
export async function readableCheckins(deps: Pick<AppDeps, 'db'>, workspace: { id: string; role: 'therapist' | 'client' }, userId: string): Promise<CheckinDto[]> {
  const rows = await listCheckins(deps.db, workspace.id);
  return workspace.role === 'therapist' ? rows.map(forTherapist).filter((dto): dto is CheckinDto => dto !== null) : rows.filter((row) => row.userId === userId).map(toCheckinDto);
}
