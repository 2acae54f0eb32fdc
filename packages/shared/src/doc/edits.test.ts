import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { HistoryActorDto } from '../api/types.js';
import { EDIT_MAX_SPAN_MS, EDIT_BREAK_MS, groupEdits, sameActor, subjectsOfUpdates, type SeqEdit, type SubjectUpdate } from './edits.js';
import { addCard, FEEDBACK_ROOTS } from './feedback.js';
import { addGoal, addStep, getGoals, ROADMAP_ROOTS, seedRoadmap, setGoalStatus } from './roadmap.js';
import { defineRoots, type RootSpec } from './shape.js';
import { seeded as random } from '../testing/random.js';

const dana: HistoryActorDto = { kind: 'member', userId: 'u-dana', role: 'therapist', name: 'Dana Whitfield' };
const sam: HistoryActorDto = { kind: 'member', userId: 'u-sam', role: 'client', name: 'Sam' };
const server: HistoryActorDto = { kind: 'server', reason: 'share-drafts' };
const start = Date.UTC(2026, 11, 1, 22);

/** A document whose every transaction is logged, by whoever `as` names, `gap` after the one before. */
class LoggedDoc {
  readonly doc = new Y.Doc();
  readonly log: SeqEdit[] = [];
  private actor: HistoryActorDto = dana;
  private clock = start;
  private gap = 60_000;

  constructor(roots: Readonly<Record<string, RootSpec>>) {
    defineRoots(this.doc, roots);
    this.doc.on('update', (update: Uint8Array) => {
      this.clock += this.gap;
      this.log.push({ seq: this.log.length + 1, update, actor: this.actor, at: new Date(this.clock).toISOString() });
    });
  }

  as(actor: HistoryActorDto, change: () => void, gap = 60_000): void {
    this.actor = actor;
    this.gap = gap;
    change();
  }
}

/** The subjects of a whole log, replayed from an empty document. */
function subjectsOf(log: readonly SeqEdit[], roots: Readonly<Record<string, RootSpec>> = ROADMAP_ROOTS): SubjectUpdate[] {
  const doc = new Y.Doc();
  defineRoots(doc, roots);
  try {
    return subjectsOfUpdates(doc, log);
  } finally {
    doc.destroy();
  }
}

describe('what each update was about', () => {
  it('names the goal an update touched, its steps included, and the document for its own fields or several goals', () => {
    const road = new LoggedDoc(ROADMAP_ROOTS);
    road.as(server, () => seedRoadmap(road.doc, 'Our roadmap'));
    let sleep!: Y.Map<unknown>;
    let walk!: Y.Map<unknown>;
    road.as(dana, () => {
      sleep = addGoal(road.doc, { title: 'Sleep better', proposedBy: 'therapist' });
      walk = addGoal(road.doc, { title: 'Walk', proposedBy: 'therapist' });
    });
    const ids = [sleep.get('id') as string, walk.get('id') as string];
    road.as(sam, () => {
      (walk.get('title') as Y.Text).insert(4, ' daily');
      addStep(sleep, 'No phone after ten');
      setGoalStatus(sleep, 'active');
      road.doc.transact(() => {
        setGoalStatus(sleep, 'paused');
        setGoalStatus(walk, 'paused');
      });
      road.doc.getMap('meta').set('title', 'Sam’s roadmap');
      getGoals(road.doc).delete(1, 1);
    });
    const subjects = subjectsOf(road.log).map((update) => update.subject);
    const [sleepId, walkId] = ids;
    expect(subjects).toEqual([
      { kind: 'document' },
      { kind: 'goal', id: sleepId, title: 'Sleep better' },
      { kind: 'goal', id: walkId, title: 'Walk' },
      { kind: 'goal', id: walkId, title: 'Walk daily' },
      { kind: 'goal', id: sleepId, title: 'Sleep better' },
      { kind: 'goal', id: sleepId, title: 'Sleep better' },
      { kind: 'document' },
      { kind: 'document' },
      // A removed goal is named as it was.
      { kind: 'goal', id: walkId, title: 'Walk daily' },
    ]);
  });

  it('names a card by its first words', () => {
    const board = new LoggedDoc(FEEDBACK_ROOTS);
    board.as(sam, () => addCard(board.doc, 'change', 'I felt rushed at the end of today and wanted more time'));
    expect(subjectsOf(board.log, FEEDBACK_ROOTS)[0]!.subject).toMatchObject({ kind: 'card', title: 'I felt rushed at the end…' });
  });
});

describe('grouping updates into edits', () => {
  const update = (seq: number, actor: HistoryActorDto, minutes: number, id = 'g1'): SubjectUpdate => ({
    seq,
    actor,
    at: new Date(start + minutes * 60_000).toISOString(),
    subject: { kind: 'goal', id, title: id },
  });

  it('keeps one person’s changes to one goal together, and splits on another person, another goal or a pause', () => {
    const edits = groupEdits([update(1, dana, 0), update(2, dana, 1), update(3, sam, 2), update(4, sam, 3, 'g2'), update(5, sam, 3 + EDIT_BREAK_MS / 60_000 + 1, 'g2'), update(6, dana, 20)]);
    expect(edits.map(({ fromSeq, toSeq, changes }) => [fromSeq, toSeq, changes])).toEqual([
      [1, 2, 2],
      [3, 3, 1],
      [4, 4, 1],
      [5, 5, 1],
      [6, 6, 1],
    ]);
    expect(edits[0]).toMatchObject({ startedAt: update(1, dana, 0).at, endedAt: update(2, dana, 1).at, actor: dana });
  });

  it('splits a long run of work into edits of at most the longest span', () => {
    const minutes = Array.from({ length: 100 }, (_, index) => index);
    const edits = groupEdits(minutes.map((minute) => update(minute + 1, dana, minute)));
    expect(edits.length).toBeGreaterThan(1);
    for (const edit of edits) expect(Date.parse(edit.endedAt) - Date.parse(edit.startedAt)).toBeLessThanOrEqual(EDIT_MAX_SPAN_MS);
  });

  it('keeps a restore apart from the same person’s typing', () => {
    expect(groupEdits([update(1, dana, 0), update(2, { ...dana, via: 'restore' }, 1)])).toHaveLength(2);
  });
});

// ---- generated histories ----

/** A roadmap edited by two people and now and then the server, with pauses of random length; each update adds, changes or removes one goal, or changes the title. */
function generateHistory(seed: number, length: number): { log: SeqEdit[]; touched: string[] } {
  const next = random(seed);
  const road = new LoggedDoc(ROADMAP_ROOTS);
  const touched: string[] = [];
  road.as(server, () => seedRoadmap(road.doc, 'Roadmap'));
  touched.push('document');
  while (road.log.length < length) {
    const actor = [dana, sam, server][Math.floor(next() * 2.2)]!;
    const gap = Math.floor(next() * 8 * 60_000);
    const goals = getGoals(road.doc);
    const action = next();
    road.as(actor, () => {
      if (goals.length === 0 || action < 0.2) {
        const goal = addGoal(road.doc, { title: `goal ${road.log.length}`, proposedBy: 'client' });
        touched.push(`goal:${goal.get('id') as string}`);
      } else if (action < 0.9) {
        const index = Math.floor(next() * goals.length);
        const goal = goals.get(index);
        touched.push(`goal:${goal.get('id') as string}`);
        if (action < 0.6) (goal.get('title') as Y.Text).insert(0, 'x');
        else if (action < 0.8) addStep(goal, 'a step');
        else goals.delete(index, 1);
      } else {
        touched.push('document');
        road.doc.getMap('meta').set('title', `Roadmap ${road.log.length}`);
      }
    }, gap);
  }
  return { log: road.log, touched };
}

describe('edits of generated histories', () => {
  const seeds = Array.from({ length: 12 }, (_, index) => 3_000 + index * 7_919);

  it.each(seeds)('seed %i: every update is in exactly one edit, of one actor and one subject, without a long pause', (seed) => {
    const { log, touched } = generateHistory(seed, 120);
    const subjects = subjectsOf(log);
    expect(subjects.map(({ subject }) => (subject.kind === 'document' ? 'document' : `${subject.kind}:${subject.id}`))).toEqual(touched);
    const edits = groupEdits(subjects);
    // The edits cover the log in order, each update once.
    expect(edits.flatMap((edit) => Array.from({ length: edit.toSeq - edit.fromSeq + 1 }, (_, index) => edit.fromSeq + index))).toEqual(log.map((edit) => edit.seq));
    for (const edit of edits) {
      const inside = subjects.slice(edit.fromSeq - 1, edit.toSeq);
      expect(edit.changes).toBe(inside.length);
      expect(inside.every((one) => sameActor(one.actor, edit.actor))).toBe(true);
      expect(new Set(inside.map((one) => JSON.stringify({ kind: one.subject.kind, id: 'id' in one.subject ? one.subject.id : null }))).size).toBe(1);
      for (let index = 1; index < inside.length; index++) expect(Date.parse(inside[index]!.at) - Date.parse(inside[index - 1]!.at)).toBeLessThanOrEqual(EDIT_BREAK_MS);
    }
    // Neighbouring edits would have been one if nothing set them apart.
    for (let index = 1; index < edits.length; index++) {
      const [before, after] = [edits[index - 1]!, edits[index]!];
      const apart =
        !sameActor(before.actor, after.actor) ||
        JSON.stringify(before.subject.kind === 'document' ? null : before.subject.id) !== JSON.stringify(after.subject.kind === 'document' ? null : after.subject.id) ||
        Date.parse(after.startedAt) - Date.parse(before.endedAt) > EDIT_BREAK_MS ||
        Date.parse(after.startedAt) - Date.parse(before.startedAt) > EDIT_MAX_SPAN_MS;
      expect(apart).toBe(true);
    }
  });

  it.each(seeds.slice(0, 4))('seed %i: a log read in slices on one document names every update as read at once', (seed) => {
    const { log } = generateHistory(seed, 120);
    const doc = new Y.Doc();
    defineRoots(doc, ROADMAP_ROOTS);
    try {
      const sliced: SubjectUpdate[] = [];
      for (let start = 0; start < log.length; start += 17) sliced.push(...subjectsOfUpdates(doc, log.slice(start, start + 17)));
      expect(sliced).toEqual(subjectsOf(log));
    } finally {
      doc.destroy();
    }
  });
});
