import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addGoal,
  addHomework,
  addOfferOption,
  addStep,
  addStrategy,
  agreementOf,
  chooseHomework,
  createGoal,
  createStep,
  findItem,
  getGoals,
  goalList,
  goalStatus,
  groupHomework,
  hasBothAgreed,
  isOrderKey,
  keyBetween,
  moveItem,
  offerHomework,
  offerOptions,
  orderedItems,
  otherHasAgreed,
  reconcileAgreement,
  removeItem,
  seedRoadmap,
  selectableStatuses,
  setAgreement,
  setGoalStatus,
  setStepDone,
  snapshotGoal,
  snapshotRoadmap,
  spreadKeys,
  statusForAgreement,
  validateRoadmap,
  type HomeworkEntry,
} from './roadmap.js';
import { applyTextDiff, readString, readText } from './y-helpers.js';
import { seeded } from '../testing/random.js';

describe('roadmap document', () => {
  it('seeds meta once and snapshots goals as plain data', () => {
    const doc = new Y.Doc();
    seedRoadmap(doc, 'Our roadmap');
    const goal = addGoal(doc, { title: 'Sleep better', why: 'I feel calmer', proposedBy: 'client' });
    doc.transact(() => (goal.get('steps') as Y.Array<Y.Map<unknown>>).push([createStep('Lights out at 23:00')]));
    const snapshot = snapshotRoadmap(doc);
    expect(snapshot.title).toBe('Our roadmap');
    expect(snapshot.goals).toHaveLength(1);
    expect(snapshot.goals[0]).toMatchObject({ title: 'Sleep better', why: 'I feel calmer', status: 'proposed', proposedBy: 'client' });
    expect(snapshot.goals[0]!.steps[0]).toMatchObject({ text: 'Lights out at 23:00', done: false });
    expect(validateRoadmap(doc)).toBeNull();
  });

  it('finds shape violations: unknown roots, wrong field types, out-of-range attainment', () => {
    const unknownRoot = new Y.Doc();
    unknownRoot.getMap('evil').set('x', 1);
    expect(validateRoadmap(unknownRoot)).toMatch(/unknown root/);

    const wrongType = new Y.Doc();
    wrongType.getArray('goals').push(['not a map']);
    expect(validateRoadmap(wrongType)).toMatch(/goals\[0\]/);

    const badAttainment = new Y.Doc();
    const goal = addGoal(badAttainment, { title: 'x', proposedBy: 'therapist' });
    goal.set('attainment', 7);
    expect(validateRoadmap(badAttainment)).toMatch(/attainment/);

    const titleAsString = new Y.Doc();
    const other = addGoal(titleAsString, { title: 'x', proposedBy: 'therapist' });
    other.set('title', 'plain string');
    expect(validateRoadmap(titleAsString)).toMatch(/title/);
  });

  it('applies text changes as a minimal splice so concurrent edits elsewhere survive', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    a.getText('t').insert(0, 'hello world');
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    applyTextDiff(a.getText('t'), 'hello brave world');
    applyTextDiff(b.getText('t'), 'hello world!');
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(a.getText('t').toString()).toBe('hello brave world!');
    expect(b.getText('t').toString()).toBe(a.getText('t').toString());
  });

  it('keeps goals in a shared list', () => {
    const doc = new Y.Doc();
    addGoal(doc, { title: 'one', proposedBy: 'client' });
    addGoal(doc, { title: 'two', proposedBy: 'therapist' });
    expect(getGoals(doc).length).toBe(2);
  });
});

/** Sends each document's missing updates to the other, as the server would. */
function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

/** A second document holding the same state as `doc`. */
function replica(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return copy;
}

function titles(doc: Y.Doc): string[] {
  return snapshotRoadmap(doc).goals.map((goal) => goal.title);
}

function goalById(doc: Y.Doc, id: string): Y.Map<unknown> {
  const goal = findItem(getGoals(doc), id);
  if (!goal) throw new Error(`no goal ${id}`);
  return goal;
}

describe('order keys', () => {
  it('always finds a key strictly between two neighbours, wherever items are inserted', () => {
    const random = seeded(7);
    const keys: string[] = [];
    for (let round = 0; round < 2_000; round++) {
      const at = Math.floor(random() * (keys.length + 1));
      const key = keyBetween(keys[at - 1] ?? null, keys[at] ?? null);
      expect(isOrderKey(key)).toBe(true);
      keys.splice(at, 0, key);
    }
    for (let index = 1; index < keys.length; index++) expect(keys[index - 1]! < keys[index]!).toBe(true);
  });

  it('keeps keys short when items are only ever added at the end or the start', () => {
    let last: string | null = null;
    let first: string | null = null;
    for (let round = 0; round < 500; round++) {
      last = keyBetween(last, null);
      first = keyBetween(null, first);
    }
    expect(last!.length).toBeLessThan(20);
    expect(first!.length).toBeLessThan(20);
    expect(first! < last!).toBe(true);
  });

  it('refuses neighbours in the wrong order or malformed keys', () => {
    expect(() => keyBetween('b', 'a')).toThrow(RangeError);
    expect(() => keyBetween('a', 'a')).toThrow(RangeError);
    expect(() => keyBetween('a0', null)).toThrow(RangeError);
    expect(() => keyBetween(null, 'a b')).toThrow(RangeError);
  });

  it('spreads renumbered keys evenly and in order', () => {
    for (const count of [1, 2, 30, 61, 62, 500]) {
      const keys = spreadKeys(count);
      expect(keys).toHaveLength(count);
      keys.forEach((key, index) => {
        expect(isOrderKey(key)).toBe(true);
        if (index > 0) expect(keys[index - 1]! < key).toBe(true);
      });
    }
  });
});

describe('ordering goals and steps', () => {
  it('adds goals and steps in order and shows them by key, not by list position', () => {
    const doc = new Y.Doc();
    const one = addGoal(doc, { title: 'one', proposedBy: 'client' });
    addGoal(doc, { title: 'two', proposedBy: 'therapist' });
    addGoal(doc, { title: 'three', proposedBy: 'client' });
    expect(titles(doc)).toEqual(['one', 'two', 'three']);
    expect(moveItem(getGoals(doc), readString(one, 'id'), 2)).toBe(true);
    expect(titles(doc)).toEqual(['two', 'three', 'one']);
    // The list itself is untouched: only the key changed.
    expect(getGoals(doc).get(0)).toBe(one);

    addStep(one, 'first');
    const second = addStep(one, 'second')!;
    addStep(one, 'third');
    moveItem(goalList(one, 'steps')!, readString(second, 'id'), 0);
    expect(snapshotGoal(one).steps.map((step) => step.text)).toEqual(['second', 'first', 'third']);
    expect(validateRoadmap(doc)).toBeNull();
  });

  it('orders goals of an older document (no keys) by list position and numbers them on the first move', () => {
    const doc = new Y.Doc();
    doc.transact(() => getGoals(doc).push(['a', 'b', 'c'].map((title) => createGoal({ title, proposedBy: 'client' }))));
    expect(titles(doc)).toEqual(['a', 'b', 'c']);
    // A goal added later goes after the unnumbered ones.
    addGoal(doc, { title: 'd', proposedBy: 'therapist' });
    expect(titles(doc)).toEqual(['a', 'b', 'c', 'd']);
    const c = orderedItems(getGoals(doc))[2]!;
    moveItem(getGoals(doc), readString(c, 'id'), 0);
    expect(titles(doc)).toEqual(['c', 'a', 'b', 'd']);
    expect(orderedItems(getGoals(doc)).every((goal) => isOrderKey(goal.get('order')))).toBe(true);
  });

  it('moves among the goals shown, stepping over archived ones', () => {
    const doc = new Y.Doc();
    const goals = ['a', 'b', 'c', 'd'].map((title) => addGoal(doc, { title, proposedBy: 'client' }));
    goals[1]!.set('archived', true);
    const shown = (goal: Y.Map<unknown>) => goal.get('archived') !== true;
    // Position 1 among a, c, d: between a and c.
    expect(moveItem(getGoals(doc), readString(goals[3]!, 'id'), 1, shown)).toBe(true);
    expect(orderedItems(getGoals(doc)).filter(shown).map((goal) => snapshotGoal(goal).title)).toEqual(['a', 'd', 'c']);
    expect(moveItem(getGoals(doc), readString(goals[1]!, 'id'), 0, shown)).toBe(false);
    expect(moveItem(getGoals(doc), 'no such goal', 0)).toBe(false);
  });

  it('keeps an edit made inside a goal while the other person moves it', () => {
    const a = new Y.Doc();
    const goal = addGoal(a, { title: 'Sleep', proposedBy: 'client' });
    addGoal(a, { title: 'Walk', proposedBy: 'client' });
    const id = readString(goal, 'id');
    const b = replica(a);

    moveItem(getGoals(a), id, 1);
    const textB = goalById(b, id).get('title') as Y.Text;
    textB.insert(textB.length, ' better');
    addStep(goalById(b, id), 'lights out');
    sync(a, b);

    for (const doc of [a, b]) {
      expect(titles(doc)).toEqual(['Walk', 'Sleep better']);
      expect(snapshotGoal(goalById(doc, id)).steps.map((step) => step.text)).toEqual(['lights out']);
    }
  });

  it('converges on one order when both move goals at the same time, even to the same place', () => {
    const a = new Y.Doc();
    for (const title of ['a', 'b', 'c', 'd']) addGoal(a, { title, proposedBy: 'client' });
    const b = replica(a);
    const ids = orderedItems(getGoals(a)).map((goal) => readString(goal, 'id'));
    moveItem(getGoals(a), ids[3]!, 0);
    moveItem(getGoals(b), ids[2]!, 0);
    sync(a, b);
    expect(titles(a)).toEqual(titles(b));
    expect(titles(a).slice(2)).toEqual(['a', 'b']);

    // The keys of c and d may now be equal; moving between them still works.
    moveItem(getGoals(a), ids[1]!, 1);
    sync(a, b);
    expect(titles(a)).toEqual(titles(b));
    expect(titles(a)[1]).toBe('b');
    expect(validateRoadmap(a)).toBeNull();
  });

  it('accepts an order key in the shape and refuses one of the wrong type or length', () => {
    const doc = new Y.Doc();
    const goal = addGoal(doc, { title: 'x', proposedBy: 'client' });
    expect(validateRoadmap(doc)).toBeNull();
    goal.set('order', 5);
    expect(validateRoadmap(doc)).toMatch(/order/);
    goal.set('order', 'V'.repeat(201));
    expect(validateRoadmap(doc)).toMatch(/order/);
    goal.set('order', 'V');
    const step = addStep(goal)!;
    step.set('order', true);
    expect(validateRoadmap(doc)).toMatch(/steps\[0\]\.order/);
  });
});

describe('agreement', () => {
  it('makes a goal agreed in the same transaction as the second mark, and proposed again when a mark is withdrawn', () => {
    const doc = new Y.Doc();
    const goal = addGoal(doc, { title: 'Sleep', proposedBy: 'client' });
    let transactions = 0;
    doc.on('afterTransaction', () => transactions++);

    setAgreement(goal, 'client', true, new Date('2025-11-23T10:00:00Z'));
    expect(goalStatus(goal)).toBe('proposed');
    expect(otherHasAgreed(goal, 'therapist')).toBe(true);

    transactions = 0;
    setAgreement(goal, 'therapist', true, new Date('2025-11-23T10:05:00Z'));
    expect(transactions).toBe(1);
    expect(goalStatus(goal)).toBe('agreed');
    expect(agreementOf(goal)).toEqual({ client: '2025-11-23T10:00:00.000Z', therapist: '2025-11-23T10:05:00.000Z' });

    setAgreement(goal, 'client', false);
    expect(goalStatus(goal)).toBe('proposed');
    expect(agreementOf(goal)).toEqual({ therapist: '2025-11-23T10:05:00.000Z' });
    expect(validateRoadmap(doc)).toBeNull();
  });

  it('leaves statuses past agreement alone when a mark changes', () => {
    const doc = new Y.Doc();
    const goal = addGoal(doc, { title: 'Sleep', proposedBy: 'client' });
    setAgreement(goal, 'client', true);
    setAgreement(goal, 'therapist', true);
    expect(setGoalStatus(goal, 'active')).toBe(true);
    setAgreement(goal, 'therapist', false);
    expect(goalStatus(goal)).toBe('active');
  });

  it('offers "agreed" only with both marks and "proposed" only without them', () => {
    const doc = new Y.Doc();
    const goal = addGoal(doc, { title: 'Sleep', proposedBy: 'client' });
    expect(selectableStatuses(goal)).toEqual(['proposed', 'active', 'achieved', 'paused', 'dropped']);
    expect(setGoalStatus(goal, 'agreed')).toBe(false);
    expect(goalStatus(goal)).toBe('proposed');
    setAgreement(goal, 'client', true);
    setAgreement(goal, 'therapist', true);
    expect(selectableStatuses(goal)).toEqual(['agreed', 'active', 'achieved', 'paused', 'dropped']);
    expect(setGoalStatus(goal, 'proposed')).toBe(false);
    expect(setGoalStatus(goal, 'paused')).toBe(true);
    expect(goalStatus(goal)).toBe('paused');
  });

  it('reaches "agreed" when both mark at the same moment, once either side reconciles', () => {
    const therapist = new Y.Doc();
    const goal = addGoal(therapist, { title: 'Sleep', proposedBy: 'therapist' });
    const id = readString(goal, 'id');
    const client = replica(therapist);

    setAgreement(goal, 'therapist', true);
    setAgreement(goalById(client, id), 'client', true);
    sync(therapist, client);
    // Neither saw the other's mark when setting their own.
    expect(goalStatus(goalById(therapist, id))).toBe('proposed');
    expect(hasBothAgreed(goalById(client, id))).toBe(true);
    expect(statusForAgreement(goalById(client, id))).toBe('agreed');

    // Both notice and fix it at once: the same value, so they agree.
    expect(reconcileAgreement(goalById(therapist, id))).toBe(true);
    expect(reconcileAgreement(goalById(client, id))).toBe(true);
    sync(therapist, client);
    for (const doc of [therapist, client]) {
      expect(goalStatus(goalById(doc, id))).toBe('agreed');
      expect(reconcileAgreement(goalById(doc, id))).toBe(false);
    }
  });

  it('returns to proposed when one withdraws while the other agrees', () => {
    const therapist = new Y.Doc();
    const goal = addGoal(therapist, { title: 'Sleep', proposedBy: 'therapist' });
    const id = readString(goal, 'id');
    setAgreement(goal, 'therapist', true);
    setAgreement(goal, 'client', true);
    const client = replica(therapist);

    setAgreement(goal, 'therapist', false);
    setAgreement(goalById(client, id), 'client', true); // agrees again, later time
    sync(therapist, client);
    for (const doc of [therapist, client]) reconcileAgreement(goalById(doc, id));
    sync(therapist, client);
    for (const doc of [therapist, client]) {
      expect(hasBothAgreed(goalById(doc, id))).toBe(false);
      expect(goalStatus(goalById(doc, id))).toBe('proposed');
    }
  });
});

describe('steps, strategies and homework', () => {
  it('records who ticked a step done and when, and clears both when it is unticked', () => {
    const doc = new Y.Doc();
    const goal = addGoal(doc, { title: 'Sleep', proposedBy: 'client' });
    const step = addStep(goal, 'Lights out at 23:00')!;
    setStepDone(step, true, 'client', new Date('2025-11-23T21:00:00Z'));
    expect(snapshotGoal(goal).steps[0]).toMatchObject({ done: true, doneBy: 'client', doneAt: '2025-11-23T21:00:00.000Z' });
    setStepDone(step, false, 'therapist');
    expect(snapshotGoal(goal).steps[0]).toMatchObject({ done: false, doneBy: null, doneAt: null });
    addStrategy(goal, 'Breathe out slowly');
    addHomework(goal, 'Sleep diary', '2025-11-30');
    expect(snapshotGoal(goal).strategies.map((strategy) => strategy.text)).toEqual(['Breathe out slowly']);
    expect(snapshotGoal(goal).homework[0]).toMatchObject({ text: 'Sleep diary', due: '2025-11-30', chosen: true, offerId: null });
    expect(removeItem(goalList(goal, 'steps')!, readString(step, 'id'))).toBe(true);
    expect(snapshotGoal(goal).steps).toEqual([]);
    expect(validateRoadmap(doc)).toBeNull();
  });

  it('offers two or three homework options, and the client picks one; the others stay, not chosen', () => {
    const doc = new Y.Doc();
    const goal = addGoal(doc, { title: 'Sleep', proposedBy: 'client' });
    addHomework(goal, 'Already agreed');
    expect(() => offerHomework(goal, ['only one'], 'therapist')).toThrow(RangeError);
    expect(() => offerHomework(goal, ['a', 'b', 'c', 'd'], 'therapist')).toThrow(RangeError);
    const offerId = offerHomework(goal, ['Sleep diary', 'Evening walk'], 'therapist')!;
    const third = addOfferOption(goal, offerId, 'No screens after ten')!;
    expect(addOfferOption(goal, offerId)).toBeNull(); // three at most

    let groups = groupHomework(goal);
    expect(groups.map((group) => group.kind)).toEqual(['task', 'offer']);
    const offer = groups[1] as Extract<HomeworkEntry, { kind: 'offer' }>;
    expect(offer.options.map((option) => readText(option, 'text'))).toEqual(['Sleep diary', 'Evening walk', 'No screens after ten']);
    expect(offer.chosen).toBeNull();
    expect(offer.options.every((option) => option.get('offeredBy') === 'therapist' && option.get('chosen') === false)).toBe(true);

    expect(chooseHomework(goal, readString(third, 'id'))).toBe(true);
    groups = groupHomework(goal);
    expect((groups[1] as Extract<HomeworkEntry, { kind: 'offer' }>).chosen).toBe(third);
    expect(snapshotGoal(goal).homework.map((item) => item.chosen)).toEqual([true, false, false, true]);
    // No more options once one is chosen; the choice can still change.
    expect(addOfferOption(goal, offerId)).toBeNull();
    const first = offer.options[0]!;
    chooseHomework(goal, readString(first, 'id'));
    expect(snapshotGoal(goal).homework.map((item) => item.chosen)).toEqual([true, true, false, false]);
    expect(chooseHomework(goal, 'no such option')).toBe(false);
    expect(validateRoadmap(doc)).toBeNull();
  });

  it.each(Array.from({ length: 10 }, (_, run) => run))('settles on one choice when two tabs pick different options at once (run %i)', () => {
    const a = new Y.Doc();
    const goal = addGoal(a, { title: 'Sleep', proposedBy: 'client' });
    const id = readString(goal, 'id');
    const offerId = offerHomework(goal, ['Diary', 'Walk', 'Tea'], 'therapist')!;
    const b = replica(a);
    const [diary, walk] = offerOptions(goal, offerId);
    chooseHomework(goal, readString(diary!, 'id'));
    chooseHomework(goalById(b, id), readString(walk!, 'id'));
    sync(a, b);
    const chosenA = offerOptions(goalById(a, id), offerId).filter((option) => option.get('chosen') === true).map((option) => readString(option, 'id'));
    const chosenB = offerOptions(goalById(b, id), offerId).filter((option) => option.get('chosen') === true).map((option) => readString(option, 'id'));
    expect(chosenA).toEqual(chosenB);
    expect(chosenA).toHaveLength(1);
  });

  it('snapshots steps in their shown order with their done state', () => {
    const doc = new Y.Doc();
    const goal = addGoal(doc, { title: 'Sleep', proposedBy: 'client' });
    const [one, two] = [addStep(goal, 'one')!, addStep(goal, 'two')!];
    setStepDone(two, true, 'therapist', new Date('2025-11-24T08:00:00Z'));
    moveItem(goalList(goal, 'steps')!, readString(two, 'id'), 0);
    expect(snapshotRoadmap(doc).goals[0]!.steps).toEqual([
      { id: readString(two, 'id'), text: 'two', done: true, doneBy: 'therapist', doneAt: '2025-11-24T08:00:00.000Z' },
      { id: readString(one, 'id'), text: 'one', done: false, doneBy: null, doneAt: null },
    ]);
  });
});
