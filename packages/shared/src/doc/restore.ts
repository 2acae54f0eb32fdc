import * as Y from 'yjs';
import { cardSpec, getCards } from './feedback.js';
import { getGoals, goalSpec, reconcileAgreement, roadmapMetaSpec, stepSpec } from './roadmap.js';
import { isSetOnce, type FieldSpec, type MapSpec } from './shape.js';
import { applyTextDiff } from './y-helpers.js';

/**
 * Restoring from a version is a new change on top of now, never a rewind: the current document
 * is edited until the restored part reads as it did in the version. Texts are changed with the
 * smallest splice (what someone types meanwhile survives), lists by their items' ids, plain
 * fields set where they differ; fields set once and shared types are never replaced.
 *
 * Agreement marks are not restored: an agreement is each person's own act, and the server never
 * makes it for them (a restored goal's words read "changed since you agreed" where they differ).
 * Nor are a goal's weights: how much it matters and how hard it is are each one person's word.
 */

/** Fields of a goal a restore leaves as they are now. */
const GOAL_KEEPS = new Set(['agreedBy', 'agreedTitle', 'agreedWhy', 'importance', 'difficulty']);

function byId<T>(list: Y.Array<T>, id: unknown): { item: Y.Map<unknown>; index: number } | null {
  let index = 0;
  for (const entry of list) {
    if (entry instanceof Y.Map && entry.get('id') === id) return { item: entry as Y.Map<unknown>, index };
    index++;
  }
  return null;
}

/** A fresh copy of `source` for a document of the same shape (new shared types, same values). */
export function cloneMap(source: Y.Map<unknown>, spec: MapSpec, keep: (key: string) => boolean = () => true): Y.Map<unknown> {
  const copy = new Y.Map<unknown>();
  for (const [key, field] of Object.entries(spec.fields)) {
    if (!source.has(key)) continue;
    const value = keep(key) ? cloneValue(source.get(key), field) : emptyValue(field);
    if (value !== undefined) copy.set(key, value);
  }
  return copy;
}

function cloneValue(value: unknown, field: FieldSpec): unknown {
  switch (field.kind) {
    case 'text':
      return value instanceof Y.Text ? new Y.Text(value.toString()) : new Y.Text();
    case 'array': {
      const list = new Y.Array<Y.Map<unknown>>();
      if (value instanceof Y.Array) list.push(value.toArray().filter((item): item is Y.Map<unknown> => item instanceof Y.Map).map((item) => cloneMap(item, field.of)));
      return list;
    }
    case 'record': {
      const map = new Y.Map<unknown>();
      if (value instanceof Y.Map) for (const [key, entry] of value.entries()) map.set(key, entry);
      return map;
    }
    default:
      return value;
  }
}

function emptyValue(field: FieldSpec): unknown {
  switch (field.kind) {
    case 'text':
      return new Y.Text();
    case 'array':
      return new Y.Array();
    case 'record':
      return new Y.Map();
    default:
      return undefined;
  }
}

/** Edits `target` until its fields read as `source`'s (both maps of `spec`), but for `keeps`. */
function restoreInPlace(target: Y.Map<unknown>, source: Y.Map<unknown>, spec: MapSpec, keeps: ReadonlySet<string> = new Set()): void {
  for (const [key, field] of Object.entries(spec.fields)) {
    if (keeps.has(key) || !source.has(key)) continue;
    const want = source.get(key);
    const have = target.get(key);
    switch (field.kind) {
      case 'text':
        if (have instanceof Y.Text) applyTextDiff(have, want instanceof Y.Text ? want.toString() : '');
        else if (!target.has(key)) target.set(key, cloneValue(want, field));
        break;
      case 'array':
        if (have instanceof Y.Array && want instanceof Y.Array) restoreList(have, want, field.of);
        else if (!target.has(key)) target.set(key, cloneValue(want, field));
        break;
      case 'record':
        if (!target.has(key)) target.set(key, cloneValue(want, field));
        break;
      default:
        if (isSetOnce(spec, key)) {
          if (!target.has(key)) target.set(key, want);
        } else if (have !== want) target.set(key, want);
    }
  }
}

/** Edits the list `target` until it holds `source`'s items (by id): missing ones copied in, extra ones removed, the others restored in place. */
function restoreList(target: Y.Array<unknown>, source: Y.Array<unknown>, spec: MapSpec): void {
  const wanted = new Set<unknown>();
  for (const item of source) if (item instanceof Y.Map) wanted.add(item.get('id'));
  for (let index = target.length - 1; index >= 0; index--) {
    const item = target.get(index);
    if (!(item instanceof Y.Map) || !wanted.has(item.get('id'))) target.delete(index, 1);
  }
  source.toArray().forEach((item, position) => {
    if (!(item instanceof Y.Map)) return;
    const found = byId(target, item.get('id'));
    if (found) restoreInPlace(found.item, item as Y.Map<unknown>, spec);
    else target.insert(Math.min(position, target.length), [cloneMap(item as Y.Map<unknown>, spec)]);
  });
}

/**
 * Puts a goal back as it was in `version`: restored in place when it is still there, copied
 * back (with its id, without agreement marks) when it is gone. False when the version has no such goal.
 */
export function restoreGoal(current: Y.Doc, version: Y.Doc, goalId: string): boolean {
  const source = byId(getGoals(version), goalId)?.item;
  if (!source) return false;
  current.transact(() => {
    const goals = getGoals(current);
    const existing = byId(goals, goalId)?.item;
    if (existing) {
      restoreInPlace(existing, source, goalSpec, GOAL_KEEPS);
      reconcileAgreement(existing);
    } else {
      const copy = cloneMap(source, goalSpec, (key) => !GOAL_KEEPS.has(key));
      goals.push([copy]);
      reconcileAgreement(copy);
    }
  });
  return true;
}

/** Puts one step of a goal back as it was in `version`. False when either is missing. */
export function restoreStep(current: Y.Doc, version: Y.Doc, goalId: string, stepId: string): boolean {
  const sourceGoal = byId(getGoals(version), goalId)?.item;
  const targetGoal = byId(getGoals(current), goalId)?.item;
  const sourceSteps = sourceGoal?.get('steps');
  const targetSteps = targetGoal?.get('steps');
  if (!(sourceSteps instanceof Y.Array) || !(targetSteps instanceof Y.Array)) return false;
  const source = byId(sourceSteps, stepId);
  if (!source) return false;
  current.transact(() => {
    const existing = byId(targetSteps, stepId)?.item;
    if (existing) restoreInPlace(existing, source.item, stepSpec);
    else targetSteps.insert(Math.min(source.index, targetSteps.length), [cloneMap(source.item, stepSpec)]);
  });
  return true;
}

/** The whole roadmap back as it was in `version`: its title and every goal; goals added since are removed. */
export function restoreRoadmap(current: Y.Doc, version: Y.Doc): void {
  current.transact(() => {
    restoreInPlace(current.getMap('meta'), version.getMap('meta'), roadmapMetaSpec);
    const wanted = new Set(getGoals(version).toArray().map((goal) => goal.get('id')));
    const goals = getGoals(current);
    for (let index = goals.length - 1; index >= 0; index--) if (!wanted.has(goals.get(index).get('id'))) goals.delete(index, 1);
    for (const goal of getGoals(version)) if (goal instanceof Y.Map) restoreGoal(current, version, String(goal.get('id')));
  });
}

/** Fields of a card a restore puts back: the client's own words and where they put it (replies stay as they are). */
const CARD_KEEPS = new Set(['replies']);

/** Puts a card back as it was in `version`: its words, column and flag, or the whole card (with its replies) when it is gone. */
export function restoreCard(current: Y.Doc, version: Y.Doc, cardId: string): boolean {
  const source = byId(getCards(version), cardId)?.item;
  if (!source) return false;
  current.transact(() => {
    const cards = getCards(current);
    const existing = byId(cards, cardId)?.item;
    if (existing) restoreInPlace(existing, source, cardSpec, CARD_KEEPS);
    else cards.push([cloneMap(source, cardSpec)]);
  });
  return true;
}

/** The whole board back as it was in `version`: every card of then; cards added since are removed. */
export function restoreBoard(current: Y.Doc, version: Y.Doc): void {
  current.transact(() => {
    const wanted = new Set(getCards(version).toArray().map((card) => card.get('id')));
    const cards = getCards(current);
    for (let index = cards.length - 1; index >= 0; index--) if (!wanted.has(cards.get(index).get('id'))) cards.delete(index, 1);
    for (const card of getCards(version)) if (card instanceof Y.Map) restoreCard(current, version, String(card.get('id')));
  });
}
