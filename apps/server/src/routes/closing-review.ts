import {
  findDocument,
  lastSeq,
  listMembers,
  listTherapySessions,
  listUpdatesAfter,
  listVersions,
  type ClosingReviewRow,
  type MemberRow,
  type WorkspaceForUser,
} from '@alliance/db';
import { DOC_KINDS, gasTScore, snapshotRoadmap, type ClosingGoalDto, type ClosingReviewDto, type RoadmapPointDto, type RoadmapSnapshot, type Role } from '@alliance/shared';
import * as Y from 'yjs';
import { historySource, stateAt } from '../collab/history.js';
import type { AppDeps } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { toSessionDto } from './therapy-sessions.js';
import { readTrends } from './trends.js';

/*
 * The closing review as one reads it, built in one place for the closing route (what the app
 * shows) and the export (what the downloaded file holds), so the two never differ.
 */

/** The roadmap at each point, read in one walk along its log (each point's state exactly). */
async function roadmapsAt(deps: Pick<AppDeps, 'db'>, documentId: string, seqs: readonly number[]): Promise<RoadmapSnapshot[]> {
  const snapshots: RoadmapSnapshot[] = [];
  let doc: Y.Doc | null = null;
  let at = 0;
  try {
    for (const seq of seqs) {
      if (!doc) doc = await stateAt(historySource(deps.db), DOC_KINDS.roadmap, documentId, seq);
      else if (seq > at) {
        const updates = await listUpdatesAfter(deps.db, documentId, at, seq);
        const target = doc;
        target.transact(() => {
          for (const update of updates) Y.applyUpdate(target, update.update);
        });
      }
      at = Math.max(at, seq);
      snapshots.push(snapshotRoadmap(doc));
    }
  } finally {
    doc?.destroy();
  }
  return snapshots;
}

/** Goals a score counts: the ones on the roadmap, not those set aside. */
const scoredGoals = (roadmap: RoadmapSnapshot) => roadmap.goals.filter((goal) => !goal.archived);

/**
 * Everything the closing review shows, read fresh: the sessions, the roadmap at the end of each
 * (the first of them is "the first roadmap"; without any, the roadmap as it was created) and
 * now, each goal's attainment along the way, the GAS T-score at the start and now, and both
 * reflections once each was saved, and the check-in trend as this member may read it.
 */
export async function buildClosingReview(deps: Pick<AppDeps, 'db'>, workspace: WorkspaceForUser, userId: string, review: ClosingReviewRow | undefined): Promise<ClosingReviewDto> {
  const document = await findDocument(deps.db, workspace.id, 'roadmap');
  if (!document) throw new AppError(404, 'NOT_FOUND', 'No such document.');
  const [sessions, versions, last, members] = await Promise.all([listTherapySessions(deps.db, workspace.id), listVersions(deps.db, document.id), lastSeq(deps.db, document.id), listMembers(deps.db, workspace.id)]);
  const sessionPoints: RoadmapPointDto[] = versions
    .filter((version) => version.kind === 'session' && version.seq <= last)
    .sort((a, b) => a.seq - b.seq)
    .map((version) => ({ seq: version.seq, label: version.label ?? 'A session', at: version.created_at.toISOString() }));
  const now: RoadmapPointDto = { seq: last, label: 'Now', at: new Date().toISOString() };
  const first: RoadmapPointDto = sessionPoints[0] ?? { seq: Math.min(1, last), label: 'The beginning', at: workspace.createdAt.toISOString() };
  const points = sessionPoints.length > 0 ? [...sessionPoints, now] : [first, now];
  const roadmaps = await roadmapsAt(deps, document.id, points.map((point) => point.seq));
  const current = roadmaps.at(-1)!;
  const timeline = sessions.map(toSessionDto);
  const trends = await readTrends(deps, workspace, userId, timeline);

  const goals: ClosingGoalDto[] = current.goals.map((goal) => ({
    id: goal.id,
    title: goal.title,
    status: goal.status,
    archived: goal.archived,
    attainment: goal.attainment,
    importance: goal.importance,
    difficulty: goal.difficulty,
    attainmentOverTime: points.map((point, index) => {
      const then = roadmaps[index]!.goals.find((candidate) => candidate.id === goal.id);
      return { label: point.label, at: point.at, attainment: then?.attainment ?? null, present: then !== undefined };
    }),
  }));

  return {
    openedAt: review?.openedAt.toISOString() ?? null,
    openedBy: review?.openedBy ?? null,
    archivedAt: workspace.archivedAt?.toISOString() ?? null,
    reflections: reflectionsOf(review, members),
    confirmations: confirmationsOf(review, members),
    gas: { start: gasTScore(scoredGoals(roadmaps[0]!)), now: gasTScore(scoredGoals(current)) },
    goals,
    sessions: [...timeline].reverse(),
    roadmap: { first, last: now },
    trends,
  };
}

function reflectionsOf(review: ClosingReviewRow | undefined, members: readonly MemberRow[]): ClosingReviewDto['reflections'] {
  const reflections: ClosingReviewDto['reflections'] = { therapist: null, client: null };
  for (const row of review?.reflections ?? []) {
    const member = members.find((candidate) => candidate.userId === row.userId);
    if (!member) continue;
    reflections[member.role] = { userId: row.userId, role: member.role, name: member.name, helped: row.helped, keep: row.keep, ifHard: row.ifHard, updatedAt: row.updatedAt.toISOString() };
  }
  return reflections;
}

function confirmationsOf(review: ClosingReviewRow | undefined, members: readonly MemberRow[]): Partial<Record<Role, string>> {
  const confirmations: Partial<Record<Role, string>> = {};
  for (const row of review?.confirmations ?? []) {
    const member = members.find((candidate) => candidate.userId === row.userId);
    if (member) confirmations[member.role] = row.confirmedAt.toISOString();
  }
  return confirmations;
}
