import { findVersion, lastSeq, listChanges, listEditsBetween, listMembers, recordAudit, recordView, type Database, type LoggedChange, type MemberRow } from '@alliance/db';
import {
  compareCardSnapshots,
  compareQuery,
  compareRoadmapSnapshots,
  DOC_KINDS,
  docParams,
  EditAttribution,
  editsQuery,
  groupEdits,
  historyQuery,
  restoreBoard,
  restoreCard,
  restoreGoal,
  restoreInput,
  restoreRoadmap,
  restoreStep,
  snapshotCards,
  snapshotRoadmap,
  stateQuery,
  subjectsOfUpdates,
  type Attribute,
  type CompareDto,
  type DocChange,
  type DocName,
  type EditDto,
  type EditPageDto,
  type LoggedEdit,
  type HistoryActorDto,
  type HistoryPageDto,
  type RestoreResultDto,
} from '@alliance/shared';
import type { Kysely } from 'kysely';
import { Hono } from 'hono';
import * as Y from 'yjs';
import { historySource, stateAt } from '../collab/history.js';
import { forMember } from '../collab/origin.js';
import type { AppDeps, AppEnv } from '../http/context.js';
import { AppError, forbidden, notFound } from '../http/errors.js';
import { readKindOf } from '../http/read-kind.js';
import { validate } from '../http/validate.js';
import { limitBody } from '../middleware/body-limit.js';
import { noStore } from '../middleware/no-store.js';
import { currentUser, requireSession } from '../middleware/session.js';
import { requireWritable } from './terms.js';
import { requireDocAccess } from './versions.js';

const unknownDocument = () => notFound('No such document.');

/**
 * The most updates a comparison replays. Attributing a change means replaying every update
 * between the two points; past this many (months of daily work) the points are too far apart
 * for one answer, and comparing nearer ones is the way.
 */
export const MAX_COMPARE_UPDATES = 20_000;

/** Who made a logged change, from the server's own record: the member's id, or the server's reason. */
export function actorOf(change: Pick<LoggedChange, 'userId' | 'serverReason'>, members: ReadonlyMap<string, MemberRow>): HistoryActorDto {
  if (change.userId === null) return { kind: 'server', reason: change.serverReason ?? 'unknown' };
  const member = members.get(change.userId);
  return {
    kind: 'member',
    userId: change.userId,
    role: member?.role ?? 'client',
    name: member?.name ?? 'A former member',
    ...(change.serverReason ? { via: change.serverReason } : {}),
  };
}

/** Updates replayed between two turns of the event loop when attributing a comparison's changes. */
const ATTRIBUTION_SLICE = 250;

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * What changed from the document as `state` holds it through `edits`, each change attributed
 * to the last edit that touched it. `state` is read, then moved on to the later point: one
 * document, no copy (a long history makes a copy cost as much as the comparison). The edits are
 * replayed a slice at a time, letting the event loop serve live edits in between.
 */
async function changesFrom(doc: DocName, state: Y.Doc, edits: readonly LoggedEdit[]): Promise<DocChange[]> {
  if (doc === 'roadmap') {
    const then = snapshotRoadmap(state);
    const attribute = await attributeInSlices(state, edits);
    return compareRoadmapSnapshots(then, snapshotRoadmap(state), attribute);
  }
  const then = snapshotCards(state);
  const attribute = await attributeInSlices(state, edits);
  return compareCardSnapshots(then, snapshotCards(state), attribute);
}

async function attributeInSlices(state: Y.Doc, edits: readonly LoggedEdit[]): Promise<Attribute> {
  const attribution = new EditAttribution(state);
  for (let start = 0; start < edits.length; start += ATTRIBUTION_SLICE) {
    if (start > 0) await nextTurn();
    attribution.apply(edits.slice(start, start + ATTRIBUTION_SLICE));
  }
  return attribution.attribute;
}

/**
 * How many updates one page of edits reads back from its newest point: enough for a good page of
 * edits at once, few enough that a page stays quick on a long history.
 */
export const EDITS_WINDOW = 2_000;

/** Updates replayed between two turns of the event loop when naming what each was about (about 20 ms each). */
const SUBJECT_SLICE = 100;

/**
 * The edits (oldest first, see `groupEdits`) that updates `afterSeq`+1 … `upToSeq` of a document
 * make, each about the goal, card or document it touched. The route and the export both read
 * edits through this.
 */
export async function editsBetween(db: Kysely<Database>, doc: DocName, documentId: string, afterSeq: number, upToSeq: number, members: ReadonlyMap<string, MemberRow>): Promise<EditDto[]> {
  const [state, rows] = await Promise.all([stateAt(historySource(db), DOC_KINDS[doc], documentId, afterSeq), listEditsBetween(db, documentId, afterSeq, upToSeq)]);
  try {
    const logged = rows.map((row) => ({ seq: row.seq, update: row.update, actor: actorOf(row, members), at: row.createdAt.toISOString() }));
    // A long history is read in slices, letting the event loop serve live edits in between.
    const subjects = [];
    for (let start = 0; start < logged.length; start += SUBJECT_SLICE) {
      if (start > 0) await nextTurn();
      subjects.push(...subjectsOfUpdates(state, logged.slice(start, start + SUBJECT_SLICE)));
    }
    return groupEdits(subjects);
  } finally {
    state.destroy();
  }
}

/** The seq a point of history names (a version's id, or `seq:N`), checked against the log. */
export async function resolvePoint(db: Kysely<Database>, documentId: string, point: string): Promise<number> {
  const seq = point.startsWith('seq:') ? Number(point.slice(4)) : (await findVersion(db, documentId, point))?.seq;
  if (seq === undefined) throw notFound('No such version.');
  if (seq > (await lastSeq(db, documentId))) throw notFound('The document has no update with this number yet.');
  return seq;
}

/**
 * The history of a document (mounted at /api/workspaces/:id/docs): every accepted update with
 * who made it and when, the document exactly as it was after any of them, and what changed
 * between any two of them, by whom. Members only, as for the document itself (the client's
 * drafts are the client's alone); reading it counts as looking at the document's saved
 * versions in the access log.
 */
export function historyRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(noStore)
    .use(requireSession)
    .get('/:doc/history', validate('param', docParams, unknownDocument), validate('query', historyQuery), async (c) => {
      const user = currentUser(c);
      const { id, doc } = c.req.valid('param');
      const { after, limit } = c.req.valid('query');
      const access = await requireDocAccess(deps, user.id, id, doc);
      const [changes, last, members] = await Promise.all([
        listChanges(deps.db, access.documentId, after, limit + 1),
        lastSeq(deps.db, access.documentId),
        listMembers(deps.db, id),
      ]);
      const byId = new Map(members.map((member) => [member.userId, member]));
      const page = changes.slice(0, limit);
      await recordView(deps.db, { workspaceId: id, userId: user.id, action: 'version.view', target: doc, read: readKindOf(c) });
      return c.json<HistoryPageDto>(
        {
          changes: page.map((change) => ({ seq: change.seq, createdAt: change.createdAt.toISOString(), actor: actorOf(change, byId) })),
          next: changes.length > limit ? page.at(-1)!.seq : null,
          lastSeq: last,
        },
        200,
      );
    })
    .get('/:doc/state', validate('param', docParams, unknownDocument), validate('query', stateQuery), async (c) => {
      const user = currentUser(c);
      const { id, doc } = c.req.valid('param');
      const { seq } = c.req.valid('query');
      const access = await requireDocAccess(deps, user.id, id, doc);
      if (seq > (await lastSeq(deps.db, access.documentId))) throw notFound('The document has no update with this number yet.');
      const state = await stateAt(historySource(deps.db), DOC_KINDS[doc], access.documentId, seq);
      const bytes = Y.encodeStateAsUpdate(state);
      state.destroy();
      await recordView(deps.db, { workspaceId: id, userId: user.id, action: 'version.view', target: doc, read: readKindOf(c) });
      return c.body(new Uint8Array(bytes), 200, { 'Content-Type': 'application/octet-stream' });
    })
    .get('/:doc/compare', validate('param', docParams, unknownDocument), validate('query', compareQuery), async (c) => {
      const user = currentUser(c);
      const { id, doc } = c.req.valid('param');
      const query = c.req.valid('query');
      const access = await requireDocAccess(deps, user.id, id, doc);
      const points = await Promise.all([resolvePoint(deps.db, access.documentId, query.from), resolvePoint(deps.db, access.documentId, query.to)]);
      // Compared from the earlier point to the later, whichever order they came in.
      const [from, to] = points[0] <= points[1] ? points : [points[1], points[0]];
      if (to - from > MAX_COMPARE_UPDATES) throw new AppError(400, 'BAD_REQUEST', `These two points are more than ${MAX_COMPARE_UPDATES.toLocaleString('en')} changes apart: compare points nearer to each other.`);
      const [state, edits, members, first] = await Promise.all([
        stateAt(historySource(deps.db), DOC_KINDS[doc], access.documentId, from),
        listEditsBetween(deps.db, access.documentId, from, to),
        listMembers(deps.db, id),
        from > 0 ? listChanges(deps.db, access.documentId, from - 1, 1) : Promise.resolve([]),
        recordView(deps.db, { workspaceId: id, userId: user.id, action: 'version.view', target: doc, read: readKindOf(c) }),
      ]);
      const byId = new Map(members.map((member) => [member.userId, member]));
      const logged = edits.map((edit) => ({ update: edit.update, actor: actorOf(edit, byId), at: edit.createdAt.toISOString() }));
      let changes: DocChange[];
      try {
        changes = await changesFrom(doc, state, logged);
      } finally {
        state.destroy();
      }
      const fromAt = first[0]?.createdAt.toISOString() ?? null;
      return c.json<CompareDto>({ from: { seq: from, at: fromAt }, to: { seq: to, at: logged.at(-1)?.at ?? fromAt }, changes }, 200);
    })
    .post('/:doc/restore', limitBody(), validate('param', docParams, unknownDocument), validate('json', restoreInput), async (c) => {
      const user = currentUser(c);
      const { id, doc } = c.req.valid('param');
      const input = c.req.valid('json');
      const access = await requireDocAccess(deps, user.id, id, doc);
      requireWritable(access);
      // Who may restore what follows who may write what: the roadmap is both people's, cards are the client's.
      if (doc !== 'roadmap' && access.role !== 'client') throw forbidden('Only the client restores cards: they are their words.');
      if (doc === 'roadmap' ? input.cardId !== undefined : input.goalId !== undefined) throw new AppError(400, 'VALIDATION_FAILED', doc === 'roadmap' ? 'The roadmap has goals, not cards.' : 'The board has cards, not goals.');
      const seq = await resolvePoint(deps.db, access.documentId, input.versionId);
      const version = await stateAt(historySource(deps.db), DOC_KINDS[doc], access.documentId, seq);
      let found = true;
      let restored: number | null;
      try {
        restored = await deps.rooms.change({ workspaceId: id, doc }, forMember(user.id, access.role, 'restore'), (current) => {
          if (input.stepId && input.goalId) found = restoreStep(current, version, input.goalId, input.stepId);
          else if (input.goalId) found = restoreGoal(current, version, input.goalId);
          else if (input.cardId) found = restoreCard(current, version, input.cardId);
          else if (doc === 'roadmap') restoreRoadmap(current, version);
          else restoreBoard(current, version);
        });
      } finally {
        version.destroy();
      }
      if (!found) throw notFound(input.cardId ? 'That card is not in this version.' : input.stepId ? 'That step (or its goal) is not in this version or not in the roadmap now.' : 'That goal is not in this version.');
      await recordAudit(deps.db, { workspaceId: id, userId: user.id, action: 'doc.restore', target: doc });
      return c.json<RestoreResultDto>({ seq: restored, undo: restored === null ? null : `seq:${restored - 1}` }, 201);
    })
    .get('/:doc/edits', validate('param', docParams, unknownDocument), validate('query', editsQuery), async (c) => {
      const user = currentUser(c);
      const { id, doc } = c.req.valid('param');
      const { before, limit } = c.req.valid('query');
      const access = await requireDocAccess(deps, user.id, id, doc);
      const [last, members] = await Promise.all([lastSeq(deps.db, access.documentId), listMembers(deps.db, id)]);
      const upTo = Math.min(before ?? last, last);
      const from = Math.max(0, upTo - EDITS_WINDOW);
      const edits = await editsBetween(deps.db, doc, access.documentId, from, upTo, new Map(members.map((member) => [member.userId, member])));
      // The oldest edit of the window may have begun before it: it comes whole with the next page (unless it is all there is).
      const whole = from > 0 && edits.length > 1 ? edits.slice(1) : edits;
      const page = whole.slice(-limit).reverse();
      const oldest = page.at(-1);
      await recordView(deps.db, { workspaceId: id, userId: user.id, action: 'version.view', target: doc, read: readKindOf(c) });
      return c.json<EditPageDto>({ edits: page, next: oldest && oldest.fromSeq > 1 ? oldest.fromSeq - 1 : null }, 200);
    });
}
