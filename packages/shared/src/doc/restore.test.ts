import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, createReply, getCards, snapshotCards } from './feedback.js';
import { DOC_KINDS } from './kinds.js';
import { addGoal, addStep, getGoals, setAgreement, setStepDone, snapshotRoadmap } from './roadmap.js';
import { restoreBoard, restoreCard, restoreGoal, restoreRoadmap, restoreStep } from './restore.js';
import { StagingDoc } from './staging.js';

/** A copy of `doc` as it is now: a version to restore from. */
function versionOf(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return copy;
}

/** What the restore sends, judged as the server judges its own changes (the shape; who asked is the route's business). */
function shapeOfRestore(before: Y.Doc, after: Y.Doc, kind: 'roadmap' | 'feedback') {
  const staging = new StagingDoc(DOC_KINDS[kind], Y.encodeStateAsUpdate(before));
  return staging.try(Y.encodeStateAsUpdate(after, Y.encodeStateVector(before)), 'client', Date.now(), true).verdict;
}

const goal = (doc: Y.Doc, index = 0) => getGoals(doc).get(index);

describe('restoring from a version, as a change on top of now', () => {
  it('brings a deleted goal back with its steps, without anyone’s agreement', () => {
    const doc = new Y.Doc();
    const sleep = addGoal(doc, { title: 'Sleep better', why: 'rest', proposedBy: 'client' });
    addStep(sleep, 'lights out');
    setAgreement(sleep, 'client', true);
    setAgreement(sleep, 'therapist', true);
    const version = versionOf(doc);
    const id = String(sleep.get('id'));
    getGoals(doc).delete(0, 1);
    const before = versionOf(doc);

    expect(restoreGoal(doc, version, id)).toBe(true);
    const restored = snapshotRoadmap(doc).goals[0]!;
    expect(restored).toMatchObject({ id, title: 'Sleep better', why: 'rest', proposedBy: 'client', agreedBy: {}, status: 'proposed' });
    expect(restored.steps.map((step) => step.text)).toEqual(['lights out']);
    expect(shapeOfRestore(before, doc, 'roadmap')).toBeNull();
    expect(restoreGoal(doc, version, 'no such goal')).toBe(false);
  });

  it('puts a renamed goal’s words back with the smallest change, keeping what was typed elsewhere', () => {
    const doc = new Y.Doc();
    addGoal(doc, { title: 'Sleep better', why: 'I am tired', proposedBy: 'client' });
    const version = versionOf(doc);
    (goal(doc).get('title') as Y.Text).delete(0, 5);
    (goal(doc).get('title') as Y.Text).insert(0, 'Rest');
    goal(doc).set('attainment', 1);
    const before = versionOf(doc);
    restoreGoal(doc, version, String(goal(doc).get('id')));
    expect(snapshotRoadmap(doc).goals[0]).toMatchObject({ title: 'Sleep better', why: 'I am tired', attainment: null });
    expect(shapeOfRestore(before, doc, 'roadmap')).toBeNull();
  });

  it('restores one step, and the whole roadmap (goals added since go)', () => {
    const doc = new Y.Doc();
    const walk = addGoal(doc, { title: 'Walk', proposedBy: 'therapist' });
    const step = addStep(walk, 'after lunch')!;
    const version = versionOf(doc);
    setStepDone(step, true, 'client');
    (step.get('text') as Y.Text).insert(11, ' daily');
    addGoal(doc, { title: 'Added later', proposedBy: 'client' });
    expect(restoreStep(doc, version, String(walk.get('id')), String(step.get('id')))).toBe(true);
    expect(snapshotRoadmap(doc).goals[0]!.steps[0]).toMatchObject({ text: 'after lunch', done: false, doneBy: null });
    restoreRoadmap(doc, version);
    expect(snapshotRoadmap(doc).goals.map((entry) => entry.title)).toEqual(['Walk']);
  });

  it('restores a card’s words and a deleted card with its replies; the whole board too', () => {
    const doc = new Y.Doc();
    const card = addCard(doc, 'power', 'I felt rushed');
    (card.get('replies') as Y.Array<Y.Map<unknown>>).push([createReply('therapist', 'Thank you')]);
    const version = versionOf(doc);
    (card.get('text') as Y.Text).insert(0, 'Today ');
    const before = versionOf(doc);
    restoreCard(doc, version, String(card.get('id')));
    expect(snapshotCards(doc)[0]).toMatchObject({ text: 'I felt rushed', replies: [{ text: 'Thank you', authorRole: 'therapist' }] });
    expect(shapeOfRestore(before, doc, 'feedback')).toBeNull();
    getCards(doc).delete(0, 1);
    addCard(doc, 'working', 'new since');
    restoreBoard(doc, version);
    expect(snapshotCards(doc).map((entry) => [entry.text, entry.replies.length])).toEqual([['I felt rushed', 1]]);
  });
});
