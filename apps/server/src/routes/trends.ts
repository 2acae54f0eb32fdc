import { getTermsState, listTherapySessions } from '@alliance/db';
import { buildTrends, type TherapySessionDto, type TrendsDto } from '@alliance/shared';
import type { AppDeps } from '../http/context.js';
import { readableCheckins } from './checkins-readable.js';
import { toSessionDto } from './therapy-sessions.js';
import { readTrendNotes } from './trend-notes.js';

/** The check-in trend as this member may read it (the therapist's without what the client held back), with the notes beside it. */
export async function readTrends(deps: Pick<AppDeps, 'db'>, workspace: { id: string; role: 'therapist' | 'client' }, userId: string, sessions?: readonly TherapySessionDto[]): Promise<TrendsDto> {
  const [checkins, notes, terms, listed] = await Promise.all([
    readableCheckins(deps, workspace, userId),
    readTrendNotes(deps, workspace.id),
    getTermsState(deps.db, workspace.id),
    sessions ?? listTherapySessions(deps.db, workspace.id).then((rows) => rows.map(toSessionDto)),
  ]);
  return buildTrends({ checkins, sessions: listed, preference: terms.decisionPreference, notes });
}
