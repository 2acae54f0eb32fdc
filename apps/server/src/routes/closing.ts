import {
  confirmClosing,
  findClosingReview,
  findDocument,
  findOpenTherapySession,
  lastSeq,
  listMembers,
  listTherapySessions,
  listUpdatesAfter,
  listVersions,
  openClosingReview,
  recordAudit,
  recordView,
  saveClosingReflection,
  type ClosingReviewRow,
  type MemberRow,
  type WorkspaceForUser,
} from '@alliance/db';
import {
  closingReflectionInput,
  DOC_KINDS,
  gasTScore,
  snapshotRoadmap,
  workspaceParams,
  type ClosingGoalDto,
  type ClosingReviewDto,
  type RoadmapPointDto,
  type RoadmapSnapshot,
  type Role,
} from '@alliance/shared';
import { Hono } from 'hono';
import * as Y from 'yjs';
import { historySource, stateAt } from '../collab/history.js';
import type { AppDeps, AppEnv } from '../http/context.js';
import { AppError, forbidden } from '../http/errors.js';
import { requireMembership } from '../http/membership.js';
import { readKindOf } from '../http/read-kind.js';
import { validate } from '../http/validate.js';
import { limitBody } from '../middleware/body-limit.js';
import { noStore } from '../middleware/no-store.js';
import { currentUser, requireSession } from '../middleware/session.js';
import { requireWritable } from './terms.js';
import { toSessionDto } from './therapy-sessions.js';

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
 * reflections once each was saved.
 */
async function buildReview(deps: Pick<AppDeps, 'db'>, workspace: WorkspaceForUser, review: ClosingReviewRow | undefined): Promise<ClosingReviewDto> {
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
    sessions: sessions.map(toSessionDto).reverse(),
    roadmap: { first, last: now },
    trends: null,
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

/** The open review, for the steps that need one (a reflection, a confirmation). */
async function requireOpenReview(deps: Pick<AppDeps, 'db'>, workspace: WorkspaceForUser): Promise<ClosingReviewRow> {
  requireWritable(workspace);
  const review = await findClosingReview(deps.db, workspace.id);
  if (!review) throw new AppError(409, 'CLOSING_NOT_OPEN', 'The closing review has not been opened yet: the therapist opens it.');
  return review;
}

/**
 * The closing review (mounted at /api/workspaces/:id/closing). The therapist opens it and both
 * are invited; each writes a reflection in their own words (the other sees it once it is
 * saved) and confirms. When both have confirmed, the workspace becomes a read-only archive at
 * once: every writing route refuses, and open rooms are told, so the next realtime update is
 * refused too. Reading, history and export go on working.
 */
export function closingRoutes(deps: AppDeps) {
  const answer = async (workspaceId: string, userId: string) => {
    const workspace = await requireMembership(deps.db, workspaceId, userId);
    return buildReview(deps, workspace, await findClosingReview(deps.db, workspaceId));
  };
  return new Hono<AppEnv>()
    .use(noStore)
    .use(requireSession)
    .get('/', validate('param', workspaceParams), async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const workspace = await requireMembership(deps.db, id, user.id);
      const body = await buildReview(deps, workspace, await findClosingReview(deps.db, id));
      await recordView(deps.db, { workspaceId: id, userId: user.id, action: 'closing.view', read: readKindOf(c) });
      return c.json<ClosingReviewDto>(body, 200);
    })
    .post('/', limitBody(), validate('param', workspaceParams), async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const workspace = await requireMembership(deps.db, id, user.id);
      if (workspace.role !== 'therapist') throw forbidden('Only the therapist opens the closing review.');
      requireWritable(workspace);
      const members = await listMembers(deps.db, id);
      if (!members.some((member) => member.role === 'client')) throw new AppError(409, 'CONFLICT', 'Your client has not joined yet: the closing review is for both of you.');
      const opened = await openClosingReview(deps.db, { workspaceId: id, userId: user.id });
      if (opened) {
        await recordAudit(deps.db, { workspaceId: id, userId: user.id, action: 'closing.open' });
        deps.events.workspaceChanged(id, 'closing');
      }
      return c.json<ClosingReviewDto>(await answer(id, user.id), opened ? 201 : 200);
    })
    .put('/reflection', limitBody(64 * 1024), validate('param', workspaceParams), validate('json', closingReflectionInput), async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const workspace = await requireMembership(deps.db, id, user.id);
      await requireOpenReview(deps, workspace);
      await saveClosingReflection(deps.db, { workspaceId: id, userId: user.id, ...c.req.valid('json') });
      await recordAudit(deps.db, { workspaceId: id, userId: user.id, action: 'closing.reflect' });
      deps.events.workspaceChanged(id, 'closing');
      return c.json<ClosingReviewDto>(await answer(id, user.id), 200);
    })
    .post('/confirm', limitBody(), validate('param', workspaceParams), async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const workspace = await requireMembership(deps.db, id, user.id);
      await requireOpenReview(deps, workspace);
      // A session in progress would stay open for ever in an archive: it ends first.
      if (await findOpenTherapySession(deps.db, id)) throw new AppError(409, 'CONFLICT', 'A session is in progress: end it before confirming.');
      const archivedAt = await confirmClosing(deps.db, { workspaceId: id, userId: user.id });
      await recordAudit(deps.db, { workspaceId: id, userId: user.id, action: 'closing.confirm' });
      if (archivedAt) {
        // Open rooms refuse the next update from now on, on both transports.
        deps.rooms.setReadOnly(id, true);
        await recordAudit(deps.db, { workspaceId: id, userId: user.id, action: 'workspace.archive' });
      }
      deps.events.workspaceChanged(id, 'closing');
      return c.json<ClosingReviewDto>(await answer(id, user.id), 200);
    });
}
