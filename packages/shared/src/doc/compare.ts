import type * as Y from 'yjs';
import type { HistoryActorDto } from '../api/types.js';
import { snapshotCards, type CardFlag, type CardSnapshot, type FeedbackColumn } from './feedback.js';
import { fieldKey, itemKey, type Attribute } from './history-attribution.js';
import { ROLES, type Role } from './names.js';
import { snapshotRoadmap, type GoalSnapshot, type GoalStatus, type RoadmapSnapshot } from './roadmap.js';
import { diffWords, type TextRun } from './text-diff.js';

/**
 * Comparing two points of a document's history at the level people think in: a goal renamed,
 * a step done, a card moved — not the edits Yjs recorded. Each change names the goal or card
 * it belongs to (its words now, or as they were when it is gone) and carries who made it and
 * when: the last logged edit between the two points that touched it.
 */

/** Who made a change and when; null when no logged edit between the two points touched it. */
export interface ChangeAuthor {
  actor: HistoryActorDto | null;
  at: string | null;
}

interface OfGoal {
  goalId: string;
  /** The goal's title at the later point (at the earlier one when it was removed). */
  goal: string;
}

/** A change of the roadmap between two points. */
export type RoadmapChangeBody =
  | { kind: 'roadmap.title'; from: string; to: string }
  | (OfGoal & { kind: 'goal.added' | 'goal.removed' })
  | (OfGoal & { kind: 'goal.renamed' | 'goal.why'; runs: TextRun[] })
  | (OfGoal & { kind: 'goal.status'; from: GoalStatus; to: GoalStatus })
  | (OfGoal & { kind: 'goal.agreement'; role: Role; agreed: boolean })
  | (OfGoal & { kind: 'goal.targetDate'; from: string | null; to: string | null })
  | (OfGoal & { kind: 'goal.attainment'; from: number | null; to: number | null })
  | (OfGoal & { kind: 'goal.archived'; archived: boolean })
  | (OfGoal & { kind: 'step.added' | 'step.removed'; stepId: string; text: string })
  | (OfGoal & { kind: 'step.edited'; stepId: string; text: string; runs: TextRun[] })
  | (OfGoal & { kind: 'step.done'; stepId: string; text: string; done: boolean })
  | (OfGoal & { kind: 'strategy.added' | 'strategy.removed'; strategyId: string; text: string })
  | (OfGoal & { kind: 'strategy.edited'; strategyId: string; text: string; runs: TextRun[] })
  | (OfGoal & { kind: 'homework.offered'; offerId: string; homeworkIds: string[]; options: string[] })
  | (OfGoal & { kind: 'homework.added' | 'homework.removed' | 'homework.chosen'; homeworkId: string; text: string })
  | (OfGoal & { kind: 'homework.done'; homeworkId: string; text: string; done: boolean })
  | (OfGoal & { kind: 'homework.edited' | 'homework.reflection' | 'homework.notDone'; homeworkId: string; text: string; runs: TextRun[] });

interface OfCard {
  cardId: string;
  /** The card's words at the later point (at the earlier one when it was removed). */
  card: string;
}

/** A change of the feedback board between two points. */
export type BoardChangeBody =
  | (OfCard & { kind: 'card.added' | 'card.removed'; column: FeedbackColumn })
  | (OfCard & { kind: 'card.moved'; from: FeedbackColumn; to: FeedbackColumn })
  | (OfCard & { kind: 'card.edited'; runs: TextRun[] })
  | (OfCard & { kind: 'card.flag'; from: CardFlag; to: CardFlag })
  | (OfCard & { kind: 'reply.added' | 'reply.removed'; replyId: string; text: string; authorRole: Role })
  | (OfCard & { kind: 'reply.edited'; replyId: string; text: string; runs: TextRun[] });

export type RoadmapChange = RoadmapChangeBody & ChangeAuthor;
export type BoardChange = BoardChangeBody & ChangeAuthor;
export type DocChange = RoadmapChange | BoardChange;

/** Collects changes, each attributed by the first of its keys some edit touched. */
class ChangeList<T> {
  readonly changes: (T & ChangeAuthor)[] = [];

  constructor(private readonly attribute: Attribute) {}

  add(body: T, ...keys: string[]): void {
    let found = null;
    for (const key of keys) if ((found = this.attribute(key))) break;
    this.changes.push({ ...body, actor: found?.actor ?? null, at: found?.at ?? null });
  }
}

function byId<T extends { id: string }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((item) => [item.id, item]));
}

/** Walks two lists of items by id: `visit(before, after)` for each, in the later order, the removed ones after. */
function pairUp<T extends { id: string }>(before: readonly T[], after: readonly T[], visit: (then: T | undefined, now: T | undefined) => void): void {
  const earlier = byId(before);
  const later = byId(after);
  for (const item of after) visit(earlier.get(item.id), item);
  for (const item of before) if (!later.has(item.id)) visit(item, undefined);
}

/** The changes between two states of a roadmap, goal by goal (in the later order; removed goals last). */
export function compareRoadmaps(before: Y.Doc, after: Y.Doc, attribute: Attribute): RoadmapChange[] {
  return compareRoadmapSnapshots(snapshotRoadmap(before), snapshotRoadmap(after), attribute);
}

/** `compareRoadmaps` on snapshots (so that one document can be read, then moved on to the later point). */
export function compareRoadmapSnapshots(then: RoadmapSnapshot, now: RoadmapSnapshot, attribute: Attribute): RoadmapChange[] {
  const list = new ChangeList<RoadmapChangeBody>(attribute);
  if (then.title !== now.title) list.add({ kind: 'roadmap.title', from: then.title, to: now.title }, fieldKey('meta', 'title'));
  pairUp(then.goals, now.goals, (was, is) => {
    if (was && is) compareGoal(list, was, is);
    else if (is) list.add({ kind: 'goal.added', goalId: is.id, goal: is.title }, itemKey('goal', is.id));
    else if (was) list.add({ kind: 'goal.removed', goalId: was.id, goal: was.title }, itemKey('goal', was.id));
  });
  return list.changes;
}

function compareGoal(list: ChangeList<RoadmapChangeBody>, was: GoalSnapshot, is: GoalSnapshot): void {
  const goal = itemKey('goal', is.id);
  const of: OfGoal = { goalId: is.id, goal: is.title };
  const field = (name: string, entry?: string) => [fieldKey(goal, name, entry), goal];
  if (was.title !== is.title) list.add({ ...of, kind: 'goal.renamed', runs: diffWords(was.title, is.title) }, ...field('title'));
  if (was.why !== is.why) list.add({ ...of, kind: 'goal.why', runs: diffWords(was.why, is.why) }, ...field('why'));
  if (was.status !== is.status) list.add({ ...of, kind: 'goal.status', from: was.status, to: is.status }, ...field('status'));
  for (const role of ROLES) {
    const [before, after] = [was.agreedBy[role], is.agreedBy[role]];
    if (before !== after) list.add({ ...of, kind: 'goal.agreement', role, agreed: after !== undefined }, ...field('agreedBy', role));
  }
  if (was.targetDate !== is.targetDate) list.add({ ...of, kind: 'goal.targetDate', from: was.targetDate, to: is.targetDate }, ...field('targetDate'));
  if (was.attainment !== is.attainment) list.add({ ...of, kind: 'goal.attainment', from: was.attainment, to: is.attainment }, ...field('attainment'));
  if (was.archived !== is.archived) list.add({ ...of, kind: 'goal.archived', archived: is.archived }, ...field('archived'));

  pairUp(was.steps, is.steps, (before, after) => {
    const step = itemKey('step', (after ?? before)!.id);
    if (!before) return list.add({ ...of, kind: 'step.added', stepId: after!.id, text: after!.text }, step);
    if (!after) return list.add({ ...of, kind: 'step.removed', stepId: before.id, text: before.text }, step);
    if (before.text !== after.text) list.add({ ...of, kind: 'step.edited', stepId: after.id, text: after.text, runs: diffWords(before.text, after.text) }, fieldKey(step, 'text'), step);
    if (before.done !== after.done) list.add({ ...of, kind: 'step.done', stepId: after.id, text: after.text, done: after.done }, fieldKey(step, 'done'), step);
  });

  pairUp(was.strategies, is.strategies, (before, after) => {
    const strategy = itemKey('strategy', (after ?? before)!.id);
    if (!before) return list.add({ ...of, kind: 'strategy.added', strategyId: after!.id, text: after!.text }, strategy);
    if (!after) return list.add({ ...of, kind: 'strategy.removed', strategyId: before.id, text: before.text }, strategy);
    if (before.text !== after.text) list.add({ ...of, kind: 'strategy.edited', strategyId: after.id, text: after.text, runs: diffWords(before.text, after.text) }, fieldKey(strategy, 'text'), strategy);
  });

  compareHomework(list, of, was.homework, is.homework);
}

type HomeworkSnapshot = GoalSnapshot['homework'][number];

/** Homework: new offers as one change each (their options together), tasks added, chosen, done, reflected on. */
function compareHomework(list: ChangeList<RoadmapChangeBody>, of: OfGoal, was: readonly HomeworkSnapshot[], is: readonly HomeworkSnapshot[]): void {
  const offered = new Map<string, HomeworkSnapshot[]>();
  pairUp(was, is, (before, after) => {
    const homework = itemKey('homework', (after ?? before)!.id);
    if (!before && after!.offerId !== null) {
      const options = offered.get(after!.offerId) ?? [];
      if (options.length === 0) offered.set(after!.offerId, options);
      options.push(after!);
      return;
    }
    if (!before) return list.add({ ...of, kind: 'homework.added', homeworkId: after!.id, text: after!.text }, homework);
    if (!after) return list.add({ ...of, kind: 'homework.removed', homeworkId: before.id, text: before.text }, homework);
    const about = { ...of, homeworkId: after.id, text: after.text };
    const field = (name: string) => [fieldKey(homework, name), homework];
    if (before.text !== after.text) list.add({ ...about, kind: 'homework.edited', runs: diffWords(before.text, after.text) }, ...field('text'));
    if (!before.chosen && after.chosen) list.add({ ...about, kind: 'homework.chosen' }, ...field('chosen'));
    if (before.done !== after.done) list.add({ ...about, kind: 'homework.done', done: after.done }, ...field('done'));
    if (before.notDoneReason !== after.notDoneReason) list.add({ ...about, kind: 'homework.notDone', runs: diffWords(before.notDoneReason, after.notDoneReason) }, ...field('notDoneReason'));
    if (before.reflection !== after.reflection) list.add({ ...about, kind: 'homework.reflection', runs: diffWords(before.reflection, after.reflection) }, ...field('reflection'));
  });
  for (const [offerId, options] of offered) {
    list.add(
      { ...of, kind: 'homework.offered', offerId, homeworkIds: options.map((option) => option.id), options: options.map((option) => option.text) },
      ...options.map((option) => itemKey('homework', option.id)),
    );
  }
}

/** The changes between two states of the feedback board, card by card (in the later order; removed cards last). */
export function compareBoards(before: Y.Doc, after: Y.Doc, attribute: Attribute): BoardChange[] {
  return compareCardSnapshots(snapshotCards(before), snapshotCards(after), attribute);
}

/** `compareBoards` on snapshots of the cards. */
export function compareCardSnapshots(then: readonly CardSnapshot[], now: readonly CardSnapshot[], attribute: Attribute): BoardChange[] {
  const list = new ChangeList<BoardChangeBody>(attribute);
  pairUp(then, now, (was, is) => {
    if (was && is) compareCard(list, was, is);
    else if (is) list.add({ kind: 'card.added', cardId: is.id, card: is.text, column: is.column }, itemKey('card', is.id));
    else if (was) list.add({ kind: 'card.removed', cardId: was.id, card: was.text, column: was.column }, itemKey('card', was.id));
  });
  return list.changes;
}

function compareCard(list: ChangeList<BoardChangeBody>, was: CardSnapshot, is: CardSnapshot): void {
  const card = itemKey('card', is.id);
  const of: OfCard = { cardId: is.id, card: is.text };
  if (was.text !== is.text) list.add({ ...of, kind: 'card.edited', runs: diffWords(was.text, is.text) }, fieldKey(card, 'text'), card);
  if (was.column !== is.column) list.add({ ...of, kind: 'card.moved', from: was.column, to: is.column }, fieldKey(card, 'column'), card);
  if (was.flag !== is.flag) list.add({ ...of, kind: 'card.flag', from: was.flag, to: is.flag }, fieldKey(card, 'flag'), card);
  pairUp(was.replies, is.replies, (before, after) => {
    const reply = itemKey('reply', (after ?? before)!.id);
    if (!before) return list.add({ ...of, kind: 'reply.added', replyId: after!.id, text: after!.text, authorRole: after!.authorRole }, reply);
    if (!after) return list.add({ ...of, kind: 'reply.removed', replyId: before.id, text: before.text, authorRole: before.authorRole }, reply);
    if (before.text !== after.text) list.add({ ...of, kind: 'reply.edited', replyId: after.id, text: after.text, runs: diffWords(before.text, after.text) }, fieldKey(reply, 'text'), reply);
  });
}
