import {
  addGoal,
  createGoal,
  createHomework,
  createStep,
  defineRoots,
  getGoals,
  ROADMAP_ROOTS,
  seedRoadmap,
  validateRoadmap,
  MAX_GOALS,
  type Role,
} from '@alliance/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { RoomError } from './errors.js';
import { checkChangedShape, collectNewItems, type StagedChange } from './change-shape.js';
import { createDocPolicy } from './policies.js';

/** A valid roadmap with one goal (with a step, homework and the therapist's agreement). */
function roadmap(): Y.Doc {
  const doc = new Y.Doc();
  seedRoadmap(doc, 'Roadmap');
  const goal = addGoal(doc, { title: 'Sleep', why: 'rest', proposedBy: 'client' });
  doc.transact(() => {
    (goal.get('steps') as Y.Array<Y.Map<unknown>>).push([createStep('lights out')]);
    (goal.get('homework') as Y.Array<Y.Map<unknown>>).push([createHomework('diary')]);
    (goal.get('agreedBy') as Y.Map<string>).set('therapist', '2026-01-01T00:00:00.000Z');
  });
  return doc;
}

const goalOf = (doc: Y.Doc) => getGoals(doc).get(0);
const field = <T>(map: Y.Map<unknown>, key: string) => map.get(key) as T;

/** Applies `change` (made on a client's copy) to a staging copy, as the room does. */
function stage(base: Y.Doc, change: (doc: Y.Doc) => void): StagedChange & { before: Y.Doc } {
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(base));
  const vector = Y.encodeStateVector(client);
  change(client);
  const update = Y.encodeStateAsUpdate(client, vector);
  const staging = new Y.Doc();
  defineRoots(staging, ROADMAP_ROOTS);
  Y.applyUpdate(staging, Y.encodeStateAsUpdate(base));
  let staged: { transaction: Y.Transaction; newItems: Y.Item[] } | null = null;
  staging.on('afterTransaction', (transaction: Y.Transaction) => {
    staged = { transaction, newItems: collectNewItems(transaction) };
  });
  Y.applyUpdate(staging, update);
  const captured = staged as { transaction: Y.Transaction; newItems: Y.Item[] } | null;
  if (!captured) throw new Error('nothing changed');
  const before = new Y.Doc();
  defineRoots(before, ROADMAP_ROOTS);
  Y.applyUpdate(before, Y.encodeStateAsUpdate(base));
  return { doc: staging, before, ...captured };
}

const changes: [string, boolean, (doc: Y.Doc) => void][] = [
  ['typing into a goal title', true, (doc) => field<Y.Text>(goalOf(doc), 'title').insert(5, ' well')],
  ['adding a goal', true, (doc) => addGoal(doc, { title: 'Walk', proposedBy: 'therapist' })],
  ['deleting a goal', true, (doc) => getGoals(doc).delete(0, 1)],
  ['setting a status', true, (doc) => goalOf(doc).set('status', 'active')],
  ['setting attainment', true, (doc) => goalOf(doc).set('attainment', -2)],
  ['adding a step', true, (doc) => field<Y.Array<Y.Map<unknown>>>(goalOf(doc), 'steps').push([createStep('tea')])],
  ['ticking a step', true, (doc) => field<Y.Array<Y.Map<unknown>>>(goalOf(doc), 'steps').get(0).set('done', true)],
  ['writing a reflection', true, (doc) => field<Y.Text>(field<Y.Array<Y.Map<unknown>>>(goalOf(doc), 'homework').get(0), 'reflection').insert(0, 'ok')],
  ['formatting text', true, (doc) => field<Y.Text>(goalOf(doc), 'why').format(0, 2, { bold: true })],
  ['renaming the roadmap', true, (doc) => doc.getMap('meta').set('title', 'Ours')],
  ['an unknown root', false, (doc) => doc.getMap('evil').set('x', 1)],
  ['an unknown meta field', false, (doc) => doc.getMap('meta').set('evil', 1)],
  ['a number as meta title', false, (doc) => doc.getMap('meta').set('title', 1)],
  ['a string in the goals list', false, (doc) => getGoals(doc).push(['goal' as never])],
  ['a goal with a plain-string title', false, (doc) => getGoals(doc).push([createPlainTitleGoal()])],
  ['an unknown goal field', false, (doc) => goalOf(doc).set('evil', true)],
  ['attainment out of range', false, (doc) => goalOf(doc).set('attainment', 7)],
  ['fractional attainment', false, (doc) => goalOf(doc).set('attainment', 1.5)],
  ['an unknown status', false, (doc) => goalOf(doc).set('status', 'bogus')],
  ['a number in a steps list', false, (doc) => field<Y.Array<unknown>>(goalOf(doc), 'steps').push([3])],
  ['an unknown step field', false, (doc) => field<Y.Array<Y.Map<unknown>>>(goalOf(doc), 'steps').get(0).set('evil', 1)],
  ['an unknown agreement role', false, (doc) => field<Y.Map<unknown>>(goalOf(doc), 'agreedBy').set('admin', 'now')],
  ['a number as agreement time', false, (doc) => field<Y.Map<unknown>>(goalOf(doc), 'agreedBy').set('client', 5)],
  ['a shared type inside agreements', false, (doc) => field<Y.Map<unknown>>(goalOf(doc), 'agreedBy').set('client', new Y.Map())],
  ['a list as agreements', false, (doc) => goalOf(doc).set('agreedBy', new Y.Array())],
  ['a map as a title', false, (doc) => goalOf(doc).set('title', new Y.Map())],
  ['an XML text as a title', false, (doc) => goalOf(doc).set('title', new Y.XmlText())],
  ['an embed in a text', false, (doc) => field<Y.Text>(goalOf(doc), 'why').insertEmbed(0, { image: 'x' })],
  ['a map inside a text', false, (doc) => field<Y.Text>(goalOf(doc), 'why').insertEmbed(0, new Y.Map() as never)],
  ['a title that is too long', false, (doc) => field<Y.Text>(goalOf(doc), 'title').insert(0, 'x'.repeat(2_001))],
  [
    'too many goals',
    false,
    (doc) => doc.transact(() => getGoals(doc).push(Array.from({ length: MAX_GOALS }, () => createGoal({ title: 'g', proposedBy: 'client' })))),
  ],
  [
    'map entries on the goals list',
    false,
    (doc) => {
      const other = new Y.Doc();
      other.getMap('goals').set('hidden', 1);
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
    },
  ],
  [
    'list content on the meta map',
    false,
    (doc) => {
      const other = new Y.Doc();
      other.getArray('meta').push([1]);
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
    },
  ],
];

function createPlainTitleGoal(): Y.Map<unknown> {
  const goal = createGoal({ title: 'x', proposedBy: 'client' });
  goal.set('title', 'plain string');
  return goal;
}

describe('checking only what an update touched', () => {
  it.each(changes)('%s: same verdict as validating the whole roadmap', (_what, valid, change) => {
    const staged = stage(roadmap(), change);
    const incremental = checkChangedShape(staged, ROADMAP_ROOTS);
    const whole = validateRoadmap(staged.doc);
    expect(whole === null).toBe(valid);
    expect(incremental === null, `incremental said: ${incremental}`).toBe(valid);
  });
});

describe('agreement marks on the roadmap', () => {
  const check = (role: Role, change: (doc: Y.Doc) => void): string | null => {
    const staged = stage(roadmap(), change);
    const policy = createDocPolicy('roadmap');
    try {
      for (const step of policy.checks) step({ ...staged, role });
      return null;
    } catch (error) {
      if (error instanceof RoomError) return error.code;
      throw error;
    }
  };
  const agreedBy = (doc: Y.Doc) => field<Y.Map<string>>(goalOf(doc), 'agreedBy');

  it('lets each member set and clear only their own mark', () => {
    expect(check('client', (doc) => agreedBy(doc).set('client', '2026-02-01T00:00:00.000Z'))).toBeNull();
    expect(check('therapist', (doc) => agreedBy(doc).delete('therapist'))).toBeNull();
    expect(check('client', (doc) => agreedBy(doc).delete('therapist'))).toBe('PERMISSION_DENIED');
    expect(check('client', (doc) => agreedBy(doc).set('therapist', '2026-02-01T00:00:00.000Z'))).toBe('PERMISSION_DENIED');
    expect(check('therapist', (doc) => agreedBy(doc).set('client', '2026-02-01T00:00:00.000Z'))).toBe('PERMISSION_DENIED');
  });

  it('refuses marks for the other person on new goals and wiping them by replacing the map', () => {
    expect(
      check('client', (doc) => {
        doc.transact(() => {
          const goal = createGoal({ title: 'x', proposedBy: 'client' });
          getGoals(doc).push([goal]);
          (goal.get('agreedBy') as Y.Map<string>).set('therapist', 'now');
        });
      }),
    ).toBe('PERMISSION_DENIED');
    expect(check('client', (doc) => goalOf(doc).set('agreedBy', new Y.Map()))).toBe('PERMISSION_DENIED');
    expect(check('therapist', (doc) => goalOf(doc).set('agreedBy', new Y.Map()))).toBeNull();
  });

  it('still lets either member delete a goal or edit it without touching the marks', () => {
    expect(check('client', (doc) => getGoals(doc).delete(0, 1))).toBeNull();
    expect(check('client', (doc) => goalOf(doc).set('status', 'agreed'))).toBeNull();
  });
});
