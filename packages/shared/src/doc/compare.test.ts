import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { HistoryActorDto } from '../api/types.js';
import { compareBoards, compareRoadmaps, type DocChange } from './compare.js';
import { addCard, createReply, FEEDBACK_ROOTS, getCards, snapshotCards } from './feedback.js';
import { EditAttribution, replayAttributed, noAttribution, type LoggedEdit } from './history-attribution.js';
import {
  addGoal,
  addHomework,
  addStep,
  addStrategy,
  chooseHomework,
  getGoals,
  goalList,
  offerHomework,
  ROADMAP_ROOTS,
  setAgreement,
  setGoalStatus,
  setStepDone,
  snapshotRoadmap,
} from './roadmap.js';
import { restoreBoard, restoreRoadmap } from './restore.js';
import { defineRoots, type RootSpec } from './shape.js';
import { applyTextDiff } from './y-helpers.js';
import { seeded as random } from '../testing/random.js';

const dana: HistoryActorDto = { kind: 'member', userId: 'u-dana', role: 'therapist', name: 'Dana Whitfield' };
const sam: HistoryActorDto = { kind: 'member', userId: 'u-sam', role: 'client', name: 'Sam' };

/** A document whose every transaction is logged as an edit by whoever `as` names at the time. */
class LoggedDoc {
  readonly doc = new Y.Doc();
  readonly log: LoggedEdit[] = [];
  private actor: HistoryActorDto = sam;
  private clock = Date.UTC(2026, 11, 1, 9);

  constructor(roots: Readonly<Record<string, RootSpec>>) {
    defineRoots(this.doc, roots);
    this.doc.on('update', (update: Uint8Array) => {
      this.clock += 60_000;
      this.log.push({ update, actor: this.actor, at: new Date(this.clock).toISOString() });
    });
  }

  as(actor: HistoryActorDto, change: (doc: Y.Doc) => void): void {
    this.actor = actor;
    this.doc.transact(() => change(this.doc));
  }

  /** The document after the first `count` edits of the log. */
  at(count: number): Y.Doc {
    const doc = new Y.Doc();
    for (const edit of this.log.slice(0, count)) Y.applyUpdate(doc, edit.update);
    return doc;
  }
}

/** The changes from the first `from` edits to the first `to`, attributed from the log in between. */
function compareLog(logged: LoggedDoc, from: number, to: number, board = false): { changes: DocChange[]; replayed: Y.Doc; after: Y.Doc } {
  const before = logged.at(from);
  const { doc: replayed, attribute } = replayAttributed(before, board ? FEEDBACK_ROOTS : ROADMAP_ROOTS, logged.log.slice(from, to));
  const after = logged.at(to);
  return { changes: board ? compareBoards(before, after, attribute) : compareRoadmaps(before, after, attribute), replayed, after };
}

const goalText = (doc: Y.Doc, index: number, field: 'title' | 'why') => getGoals(doc).get(index).get(field) as Y.Text;
const who = (change: DocChange) => (change.actor?.kind === 'member' ? change.actor.name : change.actor?.reason);

describe('comparing two points of a roadmap', () => {
  it('names a goal renamed, with the words inserted and deleted and who renamed it, when', () => {
    const logged = new LoggedDoc(ROADMAP_ROOTS);
    logged.as(sam, (doc) => addGoal(doc, { title: 'Sleep better', why: 'rest', proposedBy: 'client' }));
    const from = logged.log.length;
    logged.as(dana, (doc) => applyTextDiff(goalText(doc, 0, 'title'), 'Sleep well at night'));
    const { changes } = compareLog(logged, from, logged.log.length);
    expect(changes).toEqual([
      {
        kind: 'goal.renamed',
        goalId: String(getGoals(logged.doc).get(0).get('id')),
        goal: 'Sleep well at night',
        runs: [
          { kind: 'same', text: 'Sleep ' },
          { kind: 'removed', text: 'better' },
          { kind: 'added', text: 'well at night' },
        ],
        actor: dana,
        at: logged.log.at(-1)!.at,
      },
    ]);
  });

  it('lists goals added and removed, the why reworded, status, agreement, date and attainment moved', () => {
    const logged = new LoggedDoc(ROADMAP_ROOTS);
    logged.as(sam, (doc) => {
      addGoal(doc, { title: 'Sleep better', why: 'rest', proposedBy: 'client' });
      addGoal(doc, { title: 'Walk', proposedBy: 'client' });
    });
    const from = logged.log.length;
    logged.as(sam, (doc) => applyTextDiff(goalText(doc, 0, 'why'), 'rest and calm'));
    logged.as(dana, (doc) => setAgreement(getGoals(doc).get(0), 'therapist', true));
    logged.as(sam, (doc) => setAgreement(getGoals(doc).get(0), 'client', true));
    logged.as(dana, (doc) => {
      getGoals(doc).get(0).set('targetDate', '2027-03-01');
      getGoals(doc).get(0).set('attainment', 1);
    });
    logged.as(sam, (doc) => getGoals(doc).delete(1, 1));
    logged.as(dana, (doc) => addGoal(doc, { title: 'Call a friend', proposedBy: 'therapist' }));
    const { changes } = compareLog(logged, from, logged.log.length);
    expect(changes.map((change) => [change.kind, who(change)])).toEqual([
      ['goal.why', 'Sam'],
      ['goal.status', 'Sam'],
      ['goal.agreement', 'Dana Whitfield'],
      ['goal.agreement', 'Sam'],
      ['goal.targetDate', 'Dana Whitfield'],
      ['goal.attainment', 'Dana Whitfield'],
      ['goal.added', 'Dana Whitfield'],
      ['goal.removed', 'Sam'],
    ]);
    expect(changes[1]).toMatchObject({ from: 'proposed', to: 'agreed' });
    expect(changes[2]).toMatchObject({ role: 'therapist', agreed: true });
    expect(changes[5]).toMatchObject({ from: null, to: 1 });
    expect(changes[7]).toMatchObject({ goal: 'Walk' });
  });

  it('lists steps, strategies and homework: added, edited, done and undone, offered, chosen, reflected on, removed', () => {
    const logged = new LoggedDoc(ROADMAP_ROOTS);
    let ids: Record<string, string> = {};
    logged.as(dana, (doc) => {
      const goal = addGoal(doc, { title: 'Sleep better', proposedBy: 'therapist' });
      ids = {
        lights: String(addStep(goal, 'lights out at 11')!.get('id')),
        tea: String(addStep(goal, 'no tea after 6')!.get('id')),
        breathe: String(addStrategy(goal, 'breathe slowly')!.get('id')),
        diary: String(addHomework(goal, 'sleep diary')!.get('id')),
      };
      setStepDone(goalList(goal, 'steps')!.get(1), true, 'therapist');
    });
    const from = logged.log.length;
    const goal = () => getGoals(logged.doc).get(0);
    const item = (list: 'steps' | 'strategies' | 'homework', index: number) => goalList(goal(), list)!.get(index);
    logged.as(sam, () => setStepDone(item('steps', 0), true, 'client'));
    logged.as(sam, () => setStepDone(item('steps', 1), false, 'client'));
    logged.as(dana, () => applyTextDiff(item('steps', 0).get('text') as Y.Text, 'lights out at 10'));
    logged.as(dana, () => addStep(goal(), 'read a book'));
    logged.as(dana, () => applyTextDiff(item('strategies', 0).get('text') as Y.Text, 'breathe slowly, count to four'));
    logged.as(dana, () => offerHomework(goal(), ['walk at dusk', 'stretch'], 'therapist'));
    logged.as(sam, () => chooseHomework(goal(), String(item('homework', 2).get('id'))));
    logged.as(sam, () => {
      item('homework', 0).set('done', true);
      applyTextDiff(item('homework', 0).get('reflection') as Y.Text, 'it helped');
    });
    logged.as(dana, () => goalList(goal(), 'strategies')!.delete(0, 1));
    const { changes } = compareLog(logged, from, logged.log.length);
    expect(changes.map((change) => [change.kind, who(change)])).toEqual([
      ['step.edited', 'Dana Whitfield'],
      ['step.done', 'Sam'],
      ['step.done', 'Sam'],
      ['step.added', 'Dana Whitfield'],
      ['strategy.removed', 'Dana Whitfield'],
      ['homework.done', 'Sam'],
      ['homework.reflection', 'Sam'],
      ['homework.offered', 'Dana Whitfield'],
    ]);
    expect(changes[1]).toMatchObject({ stepId: ids.lights, done: true });
    expect(changes[2]).toMatchObject({ stepId: ids.tea, done: false });
    expect(changes[7]).toMatchObject({ options: ['walk at dusk', 'stretch'] });
    // The choice is its own change once the offer was there at the earlier point.
    const chosen = compareLog(logged, logged.log.length - 3, logged.log.length).changes;
    expect(chosen.map((change) => [change.kind, who(change)])).toContainEqual(['homework.chosen', 'Sam']);
  });

  it('finds nothing between a point and itself', () => {
    const logged = new LoggedDoc(ROADMAP_ROOTS);
    logged.as(sam, (doc) => addGoal(doc, { title: 'Sleep better', proposedBy: 'client' }));
    expect(compareRoadmaps(logged.doc, logged.at(logged.log.length), noAttribution)).toEqual([]);
  });
});

describe('comparing two points of the feedback board', () => {
  it('lists cards added, moved, edited, flagged and removed, and replies, with who and when', () => {
    const logged = new LoggedDoc(FEEDBACK_ROOTS);
    logged.as(sam, (doc) => {
      addCard(doc, 'power', 'I felt rushed');
      addCard(doc, 'working', 'The homework');
    });
    const from = logged.log.length;
    const card = (index: number) => getCards(logged.doc).get(index);
    logged.as(dana, () => (card(0).get('replies') as Y.Array<Y.Map<unknown>>).push([createReply('therapist', 'Thank you for saying so')]));
    logged.as(dana, () => card(0).set('flag', 'talk'));
    logged.as(sam, () => {
      card(0).set('column', 'process');
      applyTextDiff(card(0).get('text') as Y.Text, 'I felt rushed today');
    });
    logged.as(sam, (doc) => getCards(doc).delete(1, 1));
    logged.as(sam, (doc) => addCard(doc, 'change', 'Shorter sessions'));
    const { changes } = compareLog(logged, from, logged.log.length, true);
    expect(changes.map((change) => [change.kind, who(change)])).toEqual([
      ['card.edited', 'Sam'],
      ['card.moved', 'Sam'],
      ['card.flag', 'Dana Whitfield'],
      ['reply.added', 'Dana Whitfield'],
      ['card.added', 'Sam'],
      ['card.removed', 'Sam'],
    ]);
    expect(changes[1]).toMatchObject({ from: 'power', to: 'process', card: 'I felt rushed today' });
  });
});

// ---- generated histories ----

const WORDS = ['sleep', 'walk', 'calm', 'friend', 'tea', 'read', 'rest', 'music', 'call', 'write'];

/**
 * A history of the roadmap edited by two people, each in their own copy, their edits reaching
 * the log (and then each other) in a random order, as they do through the server.
 */
function generateHistory(seed: number, length: number): LoggedEdit[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const people = [
    { actor: dana, role: 'therapist' as const, doc: new Y.Doc(), seen: 0 },
    { actor: sam, role: 'client' as const, doc: new Y.Doc(), seen: 0 },
  ];
  const log: LoggedEdit[] = [];
  for (let index = 0; index < length; index++) {
    const person = pick(people);
    // Now and then a person catches up with the log.
    if (next() < 0.5) {
      for (const edit of log.slice(person.seen)) Y.applyUpdate(person.doc, edit.update, 'log');
      person.seen = log.length;
    }
    const goals = getGoals(person.doc);
    const goal = goals.length > 0 ? goals.get(Math.floor(next() * goals.length)) : null;
    const record = (update: Uint8Array, origin: unknown) => {
      if (origin !== 'log') log.push({ update, actor: person.actor, at: new Date(Date.UTC(2026, 0, 1) + log.length * 60_000).toISOString() });
    };
    person.doc.on('update', record);
    const action = next();
    if (!goal || action < 0.15) addGoal(person.doc, { title: `${pick(WORDS)} ${pick(WORDS)}`, proposedBy: person.role });
    else if (action < 0.4) {
      const text = goal.get('title') as Y.Text;
      if (next() < 0.5 || text.length === 0) text.insert(Math.floor(next() * (text.length + 1)), ` ${pick(WORDS)}`);
      else text.delete(Math.floor(next() * text.length), 1);
    } else if (action < 0.5) (goal.get('why') as Y.Text).insert(0, `${pick(WORDS)} `);
    else if (action < 0.6) setAgreement(goal, person.role, next() < 0.7);
    else if (action < 0.67) setGoalStatus(goal, pick(['active', 'paused', 'achieved'] as const));
    else if (action < 0.75) addStep(goal, pick(WORDS));
    else if (action < 0.85) {
      const steps = goalList(goal, 'steps')!;
      if (steps.length > 0) setStepDone(steps.get(Math.floor(next() * steps.length)), next() < 0.6, person.role);
    } else if (action < 0.9) goal.set('attainment', Math.floor(next() * 5) - 2);
    else goals.delete(goals.toArray().indexOf(goal), 1);
    person.doc.off('update', record);
  }
  return log;
}

/**
 * Who last changed what `read` reads of each item (by id) in edits `from` to `to` of the log,
 * worked out edit by edit from the states themselves (the oracle the attribution is checked against).
 */
function lastChangers(log: readonly LoggedEdit[], from: number, to: number, read: (doc: Y.Doc) => Map<string, string>, roots: Readonly<Record<string, RootSpec>> = ROADMAP_ROOTS): Map<string, HistoryActorDto> {
  const doc = stateOf(log, from, roots);
  const changers = new Map<string, HistoryActorDto>();
  let before = read(doc);
  for (const edit of log.slice(from, to)) {
    Y.applyUpdate(doc, edit.update);
    const after = read(doc);
    for (const [id, value] of after) if (before.has(id) && before.get(id) !== value) changers.set(id, edit.actor);
    before = after;
  }
  return changers;
}

const goalTitles = (doc: Y.Doc) => new Map(snapshotRoadmap(doc).goals.map((goal) => [goal.id, goal.title]));

/** The document after the first `count` edits of `log`, as the server's log replay has it. */
function stateOf(log: readonly LoggedEdit[], count: number, roots: Readonly<Record<string, RootSpec>> = ROADMAP_ROOTS): Y.Doc {
  const doc = new Y.Doc();
  defineRoots(doc, roots);
  doc.transact(() => {
    for (const edit of log.slice(0, count)) Y.applyUpdate(doc, edit.update);
  });
  return doc;
}

describe('comparing points of generated histories by two people', () => {
  const seeds = Array.from({ length: 25 }, (_, index) => 1_000 + index * 7_919);

  it.each(seeds)('holds for the history of seed %i', (seed) => {
    const log = generateHistory(seed, 60);
    const next = random(seed ^ 0x5eed);
    for (let round = 0; round < 6; round++) {
      const from = Math.floor(next() * log.length);
      const to = from + Math.floor(next() * (log.length - from + 1));
      const before = stateOf(log, from);
      const after = stateOf(log, to);
      const { doc: replayed, attribute } = replayAttributed(before, ROADMAP_ROOTS, log.slice(from, to));

      // Replaying the log between the points gives the later point exactly.
      expect(Y.encodeStateVector(replayed)).toEqual(Y.encodeStateVector(after));
      expect(snapshotRoadmap(replayed)).toEqual(snapshotRoadmap(after));
      // A point compared with itself: nothing changed.
      expect(compareRoadmaps(after, stateOf(log, to), replayAttributed(after, ROADMAP_ROOTS, []).attribute)).toEqual([]);

      const changes = compareRoadmaps(before, after, attribute);
      const then = new Map(snapshotRoadmap(before).goals.map((goal) => [goal.id, goal]));
      const now = new Map(snapshotRoadmap(after).goals.map((goal) => [goal.id, goal]));
      const ofKind = (kind: DocChange['kind']) => new Set(changes.filter((change) => change.kind === kind).map((change) => ('goalId' in change ? change.goalId : '')));
      // Every goal there only later is added; every goal gone is removed; every title changed is a rename.
      expect(ofKind('goal.added')).toEqual(new Set([...now.keys()].filter((id) => !then.has(id))));
      expect(ofKind('goal.removed')).toEqual(new Set([...then.keys()].filter((id) => !now.has(id))));
      expect(ofKind('goal.renamed')).toEqual(new Set([...now.values()].filter((goal) => then.has(goal.id) && then.get(goal.id)!.title !== goal.title).map((goal) => goal.id)));
      // Every change is someone's, made between the two points.
      for (const change of changes) {
        expect(change.actor, `${change.kind} attributed`).not.toBeNull();
        expect(change.at! > (log[from - 1]?.at ?? '') && change.at! <= log[to - 1]!.at).toBe(true);
      }
      // A renamed goal is the rename of whoever last edited its title.
      const editors = lastChangers(log, from, to, goalTitles);
      for (const change of changes) {
        if (change.kind === 'goal.renamed') expect(change.actor).toEqual(editors.get(change.goalId));
      }

      // Restoring everything as it was at the earlier point leaves nothing to compare but the
      // agreement marks (never restored: each person's own) and the status that follows them.
      const restored = stateOf(log, to);
      restoreRoadmap(restored, before);
      const left = compareRoadmaps(before, restored, noAttribution);
      for (const change of left) {
        expect(['goal.agreement', 'goal.status']).toContain(change.kind);
      }
    }
  });

  it.each(seeds.slice(0, 8))('attributes alike whether the edits are replayed at once or a slice at a time (seed %i)', (seed) => {
    const log = generateHistory(seed, 80);
    const before = stateOf(log, 10);
    const whole = replayAttributed(before, ROADMAP_ROOTS, log.slice(10));
    const expected = compareRoadmaps(before, whole.doc, whole.attribute);
    expect(expected.length).toBeGreaterThan(0);
    for (const size of [1, 7, 32]) {
      const doc = stateOf(log, 10);
      const attribution = new EditAttribution(doc);
      for (let start = 10; start < log.length; start += size) attribution.apply(log.slice(start, start + size));
      expect(snapshotRoadmap(doc)).toEqual(snapshotRoadmap(whole.doc));
      expect(compareRoadmaps(before, doc, attribution.attribute), `slices of ${size}`).toEqual(expected);
    }
  });

  it('attributes the cards of a board edited by both to whoever last changed their words and column; restores of the whole board leave nothing to compare but replies', () => {
    const logged = new LoggedDoc(FEEDBACK_ROOTS);
    const next = random(42);
    const cardAt = (doc: Y.Doc) => getCards(doc).get(Math.floor(next() * getCards(doc).length));
    const points: number[] = [];
    for (let index = 0; index < 80; index++) {
      const action = next();
      logged.as(next() < 0.5 ? sam : dana, (doc) => {
        if (getCards(doc).length === 0 || action < 0.3) addCard(doc, 'working', pick(next));
        else if (action < 0.5) cardAt(doc).set('column', ['working', 'change', 'power', 'process'][Math.floor(next() * 4)]);
        else if (action < 0.7) (cardAt(doc).get('text') as Y.Text).insert(0, `${pick(next)} `);
        else if (action < 0.8) cardAt(doc).set('flag', next() < 0.5 ? 'talk' : 'none');
        else if (action < 0.9) (cardAt(doc).get('replies') as Y.Array<Y.Map<unknown>>).push([createReply('therapist', pick(next))]);
        else getCards(doc).delete(0, 1);
      });
      points.push(logged.log.length);
    }
    const end = logged.log.length;
    const texts = (doc: Y.Doc) => new Map(snapshotCards(doc).map((card) => [card.id, card.text]));
    const columns = (doc: Y.Doc) => new Map(snapshotCards(doc).map((card) => [card.id, card.column]));
    for (const point of points.filter((_, index) => index % 7 === 0)) {
      const { changes } = compareLog(logged, point, end, true);
      const [wroteLast, movedLast] = [lastChangers(logged.log, point, end, texts, FEEDBACK_ROOTS), lastChangers(logged.log, point, end, columns, FEEDBACK_ROOTS)];
      for (const change of changes) {
        expect(change.actor, `${change.kind} attributed`).not.toBeNull();
        if (change.kind === 'card.edited') expect(change.actor).toEqual(wroteLast.get(change.cardId));
        if (change.kind === 'card.moved') expect(change.actor).toEqual(movedLast.get(change.cardId));
      }
      const version = logged.at(point);
      const restored = logged.at(logged.log.length);
      restoreBoard(restored, version);
      const left = compareBoards(version, restored, noAttribution);
      for (const change of left) expect(change.kind).toMatch(/^reply\./);
    }
  });
});

function pick(next: () => number): string {
  return WORDS[Math.floor(next() * WORDS.length)]!;
}
