import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createCard, createReply, getCards } from './feedback.js';
import { DOC_KINDS, type DocKind } from './kinds.js';
import type { Role } from './names.js';
import { addGoal, createGoal, createHomework, createStep, getGoals, offerHomework, seedRoadmap, setAgreement, setGoalWeight, setStepDone } from './roadmap.js';
import { StagingDoc } from './staging.js';
import { summarizeUpdate } from './update-content.js';

const NOW = Date.parse('2026-12-01T12:00:00.000Z');

/** What a client holding `base` sends after `change`. */
function craft(base: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
  const before = Y.encodeStateVector(doc);
  change(doc);
  return Y.encodeStateAsUpdate(doc, before);
}

function judge(kind: DocKind, base: Y.Doc, role: Role, change: (doc: Y.Doc) => void) {
  const staging = new StagingDoc(kind, Y.encodeStateAsUpdate(base));
  try {
    return staging.try(craft(base, change), role, NOW);
  } finally {
    staging.destroy();
  }
}

const roadmapOf = (base: Y.Doc, role: Role, change: (doc: Y.Doc) => void) => judge(DOC_KINDS.roadmap, base, role, change);
const boardOf = (base: Y.Doc, role: Role, change: (doc: Y.Doc) => void) => judge(DOC_KINDS.feedback, base, role, change);

function roadmap(): Y.Doc {
  const doc = new Y.Doc();
  seedRoadmap(doc, 'Roadmap');
  const goal = addGoal(doc, { title: 'Sleep better', why: 'rest', proposedBy: 'client' });
  doc.transact(() => {
    (goal.get('steps') as Y.Array<Y.Map<unknown>>).push([createStep('lights out')]);
    (goal.get('homework') as Y.Array<Y.Map<unknown>>).push([createHomework('diary')]);
  });
  offerHomework(goal, ['walk', 'read'], 'therapist');
  return doc;
}

const goalIn = (doc: Y.Doc) => getGoals(doc).get(0);
const listIn = (doc: Y.Doc, key: string) => goalIn(doc).get(key) as Y.Array<Y.Map<unknown>>;

function board(): Y.Doc {
  const doc = new Y.Doc();
  const card = createCard('power', 'I felt rushed today');
  doc.transact(() => getCards(doc).push([card]));
  (card.get('replies') as Y.Array<Y.Map<unknown>>).push([createReply('therapist', 'Thank you for saying so')]);
  return doc;
}

const cardIn = (doc: Y.Doc) => getCards(doc).get(0);
const repliesIn = (doc: Y.Doc) => cardIn(doc).get('replies') as Y.Array<Y.Map<unknown>>;

describe('judging an update by the transaction it produces', () => {
  it('accepts typing, and hands back exactly what was integrated', () => {
    const base = roadmap();
    const staged = roadmapOf(base, 'therapist', (doc) => (goalIn(doc).get('title') as Y.Text).insert(5, ' much'));
    expect(staged).toMatchObject({ verdict: null, pending: false, transactions: 1 });
    expect(staged.effective).toBeInstanceOf(Uint8Array);
  });

  it('hands the accepted transaction to a reader, with the state vector it left, and hides a refused one', () => {
    const base = roadmap();
    const staging = new StagingDoc(DOC_KINDS.roadmap, Y.encodeStateAsUpdate(base));
    const read: Y.Transaction[] = [];
    const typed = craft(base, (doc) => (goalIn(doc).get('title') as Y.Text).insert(5, ' much'));
    const staged = staging.try(typed, 'therapist', NOW, false, (transaction) => read.push(transaction));
    expect(staged.verdict).toBeNull();
    expect(read).toHaveLength(1);
    expect(read[0]!.doc).toBe(staging.doc);
    // Another copy that takes the same update reaches exactly that state.
    const replica = new Y.Doc();
    Y.applyUpdate(replica, Y.encodeStateAsUpdate(base));
    Y.applyUpdate(replica, staged.effective!);
    expect(Y.encodeStateVector(staged.stateAfter!)).toEqual(Y.encodeStateVector(replica));

    // The client may not offer homework: refused, and the reader never sees it.
    const offered = craft(base, (doc) => offerHomework(goalIn(doc), ['swim', 'cook'], 'client'));
    expect(staging.try(offered, 'client', NOW, false, (transaction) => read.push(transaction)).verdict).not.toBeNull();
    expect(read).toHaveLength(1);
    staging.destroy();
  });

  it('reports nothing new for an update already integrated', () => {
    const base = roadmap();
    const staging = new StagingDoc(DOC_KINDS.roadmap, Y.encodeStateAsUpdate(base));
    const staged = staging.try(Y.encodeStateAsUpdate(base), 'client', NOW);
    expect(staged).toMatchObject({ verdict: null, effective: null, transactions: 1 });
  });

  it('finds formatting marks in the bytes, before anything applies them', () => {
    const base = roadmap();
    const update = craft(base, (doc) => (goalIn(doc).get('title') as Y.Text).format(0, 5, { bold: true }));
    expect(summarizeUpdate(update, base).problem).toMatch(/formatting/);
    const embed = craft(base, (doc) => (goalIn(doc).get('title') as Y.Text).insertEmbed(0, { image: 'x' }));
    expect(summarizeUpdate(embed, base).problem).toMatch(/embedded/);
  });

  it('names the client ids an update brings new structs under, and none for structs already there', () => {
    const base = roadmap();
    const writer = new Y.Doc();
    Y.applyUpdate(writer, Y.encodeStateAsUpdate(base));
    const before = Y.encodeStateVector(writer);
    (getGoals(writer).get(0).get('title') as Y.Text).insert(0, '!');
    const update = Y.encodeStateAsUpdate(writer, before);
    expect([...summarizeUpdate(update, base).authors]).toEqual([writer.clientID]);
    expect(summarizeUpdate(Y.encodeStateAsUpdate(base), base)).toMatchObject({ addsStructs: false, authors: new Set() });
  });
});

describe('the effective update', () => {
  /** Tries `update` on a fresh copy of `base`, with its summary as the server reads it. */
  function stage(base: Y.Doc, update: Uint8Array) {
    const staging = new StagingDoc(DOC_KINDS.roadmap, Y.encodeStateAsUpdate(base));
    try {
      return staging.try(update, 'client', NOW, false, undefined, summarizeUpdate(update, staging.doc));
    } finally {
      staging.destroy();
    }
  }
  /** `base` after `update`, as a snapshot. */
  const after = (base: Y.Doc, update: Uint8Array | null) => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
    if (update) Y.applyUpdate(doc, update);
    return doc.toJSON();
  };
  const title = (doc: Y.Doc) => goalIn(doc).get('title') as Y.Text;

  it('is the update itself when all of it was new: typing, deleting, replacing a value', () => {
    const base = roadmap();
    const changes: ((doc: Y.Doc) => void)[] = [
      (doc) => title(doc).insert(5, ' well'),
      (doc) => title(doc).delete(0, 6),
      (doc) => setStepDone(listIn(doc, 'steps').get(0), true, 'client', new Date(NOW)),
      (doc) => doc.transact(() => (title(doc).insert(0, 'To '), title(doc).delete(3, 1))),
    ];
    for (const change of changes) {
      const update = craft(base, change);
      const staged = stage(base, update);
      expect(staged.verdict).toBeNull();
      expect(staged.effective).toBe(update);
    }
  });

  it('is what was new, encoded again, when the update repeats what the document holds', () => {
    const base = roadmap();
    const writer = new Y.Doc();
    Y.applyUpdate(writer, Y.encodeStateAsUpdate(base));
    const seen = Y.encodeStateVector(writer);
    title(writer).insert(0, 'A');
    const first = Y.encodeStateAsUpdate(writer, seen);
    Y.applyUpdate(base, first);
    title(writer).insert(1, 'B');
    title(writer).delete(0, 1);
    // The first letter again (held), the second one (new), and a deletion.
    const overlapping = Y.encodeStateAsUpdate(writer, seen);
    const staged = stage(base, overlapping);
    expect(staged.effective).not.toBe(overlapping);
    expect(staged.effective!.byteLength).toBeLessThan(overlapping.byteLength);
    expect(after(base, staged.effective)).toEqual(after(base, overlapping));

    // A deletion the document already holds beside a new one: only the new one is kept.
    const deletedBefore = craft(base, (doc) => title(doc).delete(0, 1));
    Y.applyUpdate(base, deletedBefore);
    const redundant = Y.mergeUpdates([deletedBefore, craft(base, (doc) => title(doc).delete(0, 1))]);
    const again = stage(base, redundant);
    expect(again.effective).not.toBe(redundant);
    expect(again.effective!.byteLength).toBeLessThan(redundant.byteLength);
    expect(after(base, again.effective)).toEqual(after(base, redundant));

    // Nothing new at all: none.
    expect(stage(base, deletedBefore).effective).toBeNull();
    expect(stage(base, Y.encodeStateAsUpdate(base)).effective).toBeNull();
  });
});

describe('who-said-what on the roadmap', () => {
  it('lets each member set and clear only their own agreement mark and words', () => {
    const base = roadmap();
    expect(roadmapOf(base, 'therapist', (doc) => setAgreement(goalIn(doc), 'therapist', true)).verdict).toBeNull();
    expect(roadmapOf(base, 'therapist', (doc) => setAgreement(goalIn(doc), 'client', true)).verdict).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(roadmapOf(base, 'client', (doc) => (goalIn(doc).get('agreedWhy') as Y.Map<string>).set('therapist', 'rest')).verdict).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(roadmapOf(base, 'client', (doc) => (goalIn(doc).get('agreedTitle') as Y.Map<string>).set('client', 'Sleep better')).verdict).toBeNull();
    const marked = roadmap();
    setAgreement(goalIn(marked), 'client', true);
    expect(roadmapOf(marked, 'therapist', (doc) => (goalIn(doc).get('agreedBy') as Y.Map<string>).delete('client')).verdict).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(roadmapOf(marked, 'client', (doc) => setAgreement(goalIn(doc), 'client', false)).verdict).toBeNull();
  });

  it('refuses agreed without both marks, and a goal proposed in the other person’s name', () => {
    const base = roadmap();
    expect(roadmapOf(base, 'therapist', (doc) => goalIn(doc).set('status', 'agreed')).verdict).toMatchObject({ reason: /both/ });
    const asClient = (doc: Y.Doc) => getGoals(doc).push([createGoal({ title: 'x', proposedBy: 'client' })]);
    expect(roadmapOf(base, 'therapist', asClient).verdict).toMatchObject({ code: 'PERMISSION_DENIED', reason: /proposed/ });
    expect(roadmapOf(base, 'client', asClient).verdict).toBeNull();
    expect(roadmapOf(base, 'client', (doc) => goalIn(doc).set('proposedBy', 'therapist')).verdict).toMatchObject({ code: 'SHAPE_VIOLATION', reason: /cannot change/ });
  });

  it('records ticks as the one who ticks, never in the future, and with the tick only', () => {
    const base = roadmap();
    const step = (doc: Y.Doc) => listIn(doc, 'steps').get(0);
    expect(roadmapOf(base, 'client', (doc) => setStepDone(step(doc), true, 'client', new Date(NOW))).verdict).toBeNull();
    expect(roadmapOf(base, 'client', (doc) => setStepDone(step(doc), true, 'therapist', new Date(NOW))).verdict).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(roadmapOf(base, 'client', (doc) => setStepDone(step(doc), true, 'client', new Date(NOW + 86_400_000))).verdict).toMatchObject({ code: 'PERMISSION_DENIED' });
    const ticked = roadmap();
    setStepDone(step(ticked), true, 'therapist', new Date(NOW));
    expect(roadmapOf(ticked, 'client', (doc) => step(doc).set('doneBy', 'client')).verdict).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(roadmapOf(ticked, 'client', (doc) => setStepDone(step(doc), false, 'client')).verdict).toBeNull();
  });

  it('lets only the therapist offer a choice of homework and only the client choose', () => {
    const base = roadmap();
    expect(roadmapOf(base, 'client', (doc) => offerHomework(goalIn(doc), ['a', 'b'], 'client')).verdict).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(roadmapOf(base, 'therapist', (doc) => offerHomework(goalIn(doc), ['a', 'b'], 'therapist')).verdict).toBeNull();
    const option = (doc: Y.Doc) => listIn(doc, 'homework').get(1);
    expect(roadmapOf(base, 'therapist', (doc) => option(doc).set('chosen', true)).verdict).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(roadmapOf(base, 'client', (doc) => option(doc).set('chosen', true)).verdict).toBeNull();
    expect(roadmapOf(base, 'therapist', (doc) => option(doc).set('offeredBy', 'client')).verdict).toMatchObject({ code: 'SHAPE_VIOLATION' });
  });

  it('lets the client say how much a goal matters and the therapist how hard it is, each only their own', () => {
    const base = roadmap();
    expect(roadmapOf(base, 'client', (doc) => setGoalWeight(goalIn(doc), 'client', 3)).verdict).toBeNull();
    expect(roadmapOf(base, 'therapist', (doc) => setGoalWeight(goalIn(doc), 'therapist', 2)).verdict).toBeNull();
    expect(roadmapOf(base, 'therapist', (doc) => goalIn(doc).set('importance', 3)).verdict).toMatchObject({ code: 'PERMISSION_DENIED', reason: /matters/ });
    expect(roadmapOf(base, 'client', (doc) => goalIn(doc).set('difficulty', 1)).verdict).toMatchObject({ code: 'PERMISSION_DENIED', reason: /hard/ });
    expect(roadmapOf(base, 'client', (doc) => goalIn(doc).set('importance', 4)).verdict).toMatchObject({ code: 'SHAPE_VIOLATION' });
    const withImportance = (doc: Y.Doc) => {
      const goal = createGoal({ title: 'x', proposedBy: 'therapist' });
      goal.set('importance', 2);
      getGoals(doc).push([goal]);
    };
    expect(roadmapOf(base, 'therapist', withImportance).verdict).toMatchObject({ code: 'PERMISSION_DENIED' });
  });

  it('never lets a text or list be swapped for another, nor a field be removed', () => {
    const base = roadmap();
    expect(roadmapOf(base, 'client', (doc) => goalIn(doc).set('title', new Y.Text('other'))).verdict).toMatchObject({ code: 'SHAPE_VIOLATION' });
    expect(roadmapOf(base, 'client', (doc) => goalIn(doc).set('steps', new Y.Array())).verdict).toMatchObject({ code: 'SHAPE_VIOLATION' });
    expect(roadmapOf(base, 'client', (doc) => goalIn(doc).delete('status')).verdict).toMatchObject({ code: 'SHAPE_VIOLATION', reason: /removed/ });
  });
});

describe('feedback permissions by identity', () => {
  it('lets the therapist reply, edit and remove their own reply, and flag a card to talk', () => {
    const base = board();
    expect(boardOf(base, 'therapist', (doc) => repliesIn(doc).push([createReply('therapist', 'More?')])).verdict).toBeNull();
    expect(boardOf(base, 'therapist', (doc) => (repliesIn(doc).get(0).get('text') as Y.Text).insert(0, 'Oh. ')).verdict).toBeNull();
    expect(boardOf(base, 'therapist', (doc) => repliesIn(doc).delete(0, 1)).verdict).toBeNull();
    expect(boardOf(base, 'therapist', (doc) => cardIn(doc).set('flag', 'talk')).verdict).toBeNull();
  });

  it("refuses the therapist touching the client's words, removing or re-creating a card, or swapping its text", () => {
    const base = board();
    const denied = { code: 'PERMISSION_DENIED' };
    expect(boardOf(base, 'therapist', (doc) => (cardIn(doc).get('text') as Y.Text).insert(0, 'not ')).verdict).toMatchObject(denied);
    expect(boardOf(base, 'therapist', (doc) => getCards(doc).delete(0, 1)).verdict).toMatchObject(denied);
    expect(
      boardOf(base, 'therapist', (doc) => {
        const original = cardIn(doc);
        const copy = createCard('power', 'I felt rushed today');
        copy.set('id', original.get('id'));
        getCards(doc).delete(0, 1);
        getCards(doc).push([copy]);
      }).verdict,
    ).toMatchObject(denied);
    expect(boardOf(base, 'therapist', (doc) => cardIn(doc).set('text', new Y.Text('mine now'))).verdict).toMatchObject({ code: 'SHAPE_VIOLATION' });
    expect(boardOf(base, 'therapist', (doc) => cardIn(doc).set('flag', 'repaired')).verdict).toMatchObject(denied);
    expect(boardOf(base, 'therapist', (doc) => cardIn(doc).set('column', 'working')).verdict).toMatchObject(denied);
  });

  it("refuses a reply in the other person's name or reusing another reply's id", () => {
    const base = board();
    expect(boardOf(base, 'therapist', (doc) => repliesIn(doc).push([createReply('client', 'fake')])).verdict).toMatchObject({ code: 'PERMISSION_DENIED' });
    const reused = (doc: Y.Doc) => {
      const reply = createReply('client', 'same id');
      reply.set('id', repliesIn(doc).get(0).get('id'));
      repliesIn(doc).push([reply]);
    };
    expect(boardOf(base, 'client', reused).verdict).toMatchObject({ code: 'PERMISSION_DENIED', reason: /id/ });
  });

  it("protects the therapist's replies from the client, who may still remove a whole card", () => {
    const base = board();
    expect(boardOf(base, 'client', (doc) => (repliesIn(doc).get(0).get('text') as Y.Text).insert(0, 'x')).verdict).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(boardOf(base, 'client', (doc) => repliesIn(doc).delete(0, 1)).verdict).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(boardOf(base, 'client', (doc) => getCards(doc).delete(0, 1)).verdict).toBeNull();
    expect(boardOf(base, 'client', (doc) => (cardIn(doc).get('text') as Y.Text).insert(0, 'Today ')).verdict).toBeNull();
  });

  it('refuses a card with an id already on the board', () => {
    const base = board();
    const card = (doc: Y.Doc) => {
      const copy = createCard('working', 'x');
      copy.set('id', cardIn(doc).get('id'));
      getCards(doc).push([copy]);
    };
    expect(boardOf(base, 'client', card).verdict).toMatchObject({ code: 'PERMISSION_DENIED', reason: /id/ });
  });
});
