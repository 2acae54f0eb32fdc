import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DOC_KINDS } from './kinds.js';
import { addGoal, createGoal, createHomework, createStep, getGoals, MAX_GOALS, seedRoadmap, setAgreement, validateRoadmap } from './roadmap.js';
import { StagingDoc } from './staging.js';

/** A valid roadmap with one goal (with a step, homework and the therapist's agreement). */
function roadmap(): Y.Doc {
  const doc = new Y.Doc();
  seedRoadmap(doc, 'Roadmap');
  const goal = addGoal(doc, { title: 'Sleep', why: 'rest', proposedBy: 'client' });
  doc.transact(() => {
    (goal.get('steps') as Y.Array<Y.Map<unknown>>).push([createStep('lights out')]);
    (goal.get('homework') as Y.Array<Y.Map<unknown>>).push([createHomework('diary')]);
  });
  setAgreement(goal, 'therapist', true, new Date('2026-01-01T00:00:00.000Z'));
  return doc;
}

const goalOf = (doc: Y.Doc) => getGoals(doc).get(0);
const field = <T>(map: Y.Map<unknown>, key: string) => map.get(key) as T;

/** Stages `change` (made on a client's copy) as the room does; returns the verdict and the staged document. */
function stage(change: (doc: Y.Doc) => void) {
  const base = roadmap();
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(base));
  const vector = Y.encodeStateVector(client);
  change(client);
  const staging = new StagingDoc(DOC_KINDS.roadmap, Y.encodeStateAsUpdate(base));
  const staged = staging.try(Y.encodeStateAsUpdate(client, vector), 'client', Date.now());
  return { staged, doc: staging.doc };
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
  ['formatting text', false, (doc) => field<Y.Text>(goalOf(doc), 'why').format(0, 2, { bold: true })],
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
  it.each(changes)('%s: the same verdict on its shape as validating the whole roadmap', (_what, valid, change) => {
    const { staged, doc } = stage(change);
    const shape = staged.verdict?.code === 'SHAPE_VIOLATION' ? staged.verdict.reason : null;
    expect(validateRoadmap(doc) === null).toBe(valid);
    expect(shape === null, `the change said: ${shape}`).toBe(valid);
  });
});
