import * as Y from 'yjs';
import { ROLES, SCHEMA_VERSION, type Role } from './names.js';
import { DEFAULT_MAX_TEXT, validateDocument, type FieldSpec, type MapSpec, type RootSpec } from './shape.js';
import { newId, newText, readString, readText } from './y-helpers.js';

export const GOAL_STATUSES = ['proposed', 'agreed', 'active', 'achieved', 'paused', 'dropped'] as const;
export type GoalStatus = (typeof GOAL_STATUSES)[number];

/** Goal Attainment Scaling: −2 (much less than expected) … +2 (much more than expected). */
export const ATTAINMENT_MIN = -2;
export const ATTAINMENT_MAX = 2;

/**
 * How much a goal matters to the client (`importance`, theirs to say) and how hard the
 * therapist expects it to be (`difficulty`, theirs): 1 a little, 2 moderately, 3 very. Together
 * they weigh the goal in the Goal Attainment Scaling T-score (see `gasTScore`).
 */
export const GOAL_WEIGHT_MIN = 1;
export const GOAL_WEIGHT_MAX = 3;

/** The longest a goal's title may be. */
export const MAX_GOAL_TITLE = 2_000;

const isoString: FieldSpec = { kind: 'string', maxLength: 40 };
const isoNullable: FieldSpec = { kind: 'string', maxLength: 40, nullable: true };
const roleField: FieldSpec = { kind: 'enum', values: ROLES };
const roleNullable: FieldSpec = { kind: 'enum', values: ROLES, nullable: true };
/**
 * Where an item sits in its list: a fractional index (see `keyBetween`). Optional — items
 * written before it existed have none and keep their list position.
 */
const orderField: FieldSpec = { kind: 'string', maxLength: 200 };

export const stepSpec: MapSpec = {
  name: 'step',
  fields: { id: { kind: 'string', maxLength: 64 }, text: { kind: 'text' }, done: { kind: 'boolean' }, doneBy: roleNullable, doneAt: isoNullable, order: orderField },
  once: ['id'],
};

export const strategySpec: MapSpec = {
  name: 'strategy',
  fields: { id: { kind: 'string', maxLength: 64 }, text: { kind: 'text' } },
  once: ['id'],
};

export const homeworkSpec: MapSpec = {
  name: 'homework',
  fields: {
    id: { kind: 'string', maxLength: 64 },
    text: { kind: 'text' },
    due: isoNullable,
    done: { kind: 'boolean' },
    reflection: { kind: 'text' },
    notDoneReason: { kind: 'text' },
    /** Options offered together share an `offerId`; the client picks one (`chosen`). */
    offerId: { kind: 'string', maxLength: 64, nullable: true },
    chosen: { kind: 'boolean' },
    offeredBy: roleNullable,
  },
  once: ['id', 'offerId', 'offeredBy'],
};

export const goalSpec: MapSpec = {
  name: 'goal',
  fields: {
    id: { kind: 'string', maxLength: 64 },
    title: { kind: 'text', maxLength: MAX_GOAL_TITLE },
    why: { kind: 'text' },
    status: { kind: 'enum', values: GOAL_STATUSES },
    proposedBy: roleField,
    /** Who agreed to the goal, and when. */
    agreedBy: { kind: 'record', keys: ROLES, value: isoString },
    /** The words each agreed to (title and why as they read then), to tell when they changed since. */
    agreedTitle: { kind: 'record', keys: ROLES, value: { kind: 'string', maxLength: MAX_GOAL_TITLE } },
    agreedWhy: { kind: 'record', keys: ROLES, value: { kind: 'string', maxLength: DEFAULT_MAX_TEXT } },
    targetDate: isoNullable,
    attainment: { kind: 'number', nullable: true, integer: true, min: ATTAINMENT_MIN, max: ATTAINMENT_MAX },
    importance: { kind: 'number', nullable: true, integer: true, min: GOAL_WEIGHT_MIN, max: GOAL_WEIGHT_MAX },
    difficulty: { kind: 'number', nullable: true, integer: true, min: GOAL_WEIGHT_MIN, max: GOAL_WEIGHT_MAX },
    createdAt: isoString,
    archived: { kind: 'boolean' },
    steps: { kind: 'array', of: stepSpec, maxItems: 500 },
    strategies: { kind: 'array', of: strategySpec, maxItems: 500 },
    homework: { kind: 'array', of: homeworkSpec, maxItems: 500 },
    order: orderField,
  },
  once: ['id', 'proposedBy', 'createdAt'],
};

export const roadmapMetaSpec: MapSpec = {
  name: 'roadmap meta',
  fields: { schemaVersion: { kind: 'number', integer: true, min: 1 }, title: { kind: 'string', maxLength: 200 } },
  once: ['schemaVersion'],
};

export const MAX_GOALS = 500;

/** The roadmap's root types and what each holds (the same rules as `validateRoadmap`). */
export const ROADMAP_ROOTS = {
  meta: { kind: 'map', spec: roadmapMetaSpec },
  goals: { kind: 'array', spec: { kind: 'array', of: goalSpec, maxItems: MAX_GOALS } },
} as const satisfies Record<string, RootSpec>;

/** Returns the first way `doc` breaks the roadmap shape, or null. */
export function validateRoadmap(doc: Y.Doc): string | null {
  return validateDocument(doc, ROADMAP_ROOTS);
}

/** Writes the initial content of a new roadmap. Called once, when the workspace is created. */
export function seedRoadmap(doc: Y.Doc, title: string): void {
  doc.transact(() => {
    const meta = doc.getMap('meta');
    meta.set('schemaVersion', SCHEMA_VERSION);
    meta.set('title', title);
    doc.getArray('goals');
  });
}

export function getGoals(doc: Y.Doc): Y.Array<Y.Map<unknown>> {
  return doc.getArray<Y.Map<unknown>>('goals');
}

export interface NewGoal {
  title: string;
  why?: string;
  proposedBy: Role;
  now?: Date;
  /** Its place among the goals (`keyBetween`); `addGoal` puts it last. */
  order?: string;
}

/** Builds a goal map; insert it into `getGoals(doc)` inside a transaction. */
export function createGoal({ title, why = '', proposedBy, now = new Date(), order }: NewGoal): Y.Map<unknown> {
  const goal = new Y.Map<unknown>();
  goal.set('id', newId());
  if (order !== undefined) goal.set('order', order);
  goal.set('title', newText(title));
  goal.set('why', newText(why));
  goal.set('status', 'proposed');
  goal.set('proposedBy', proposedBy);
  goal.set('agreedBy', new Y.Map<string>());
  goal.set('agreedTitle', new Y.Map<string>());
  goal.set('agreedWhy', new Y.Map<string>());
  goal.set('targetDate', null);
  goal.set('attainment', null);
  goal.set('createdAt', now.toISOString());
  goal.set('archived', false);
  goal.set('steps', new Y.Array());
  goal.set('strategies', new Y.Array());
  goal.set('homework', new Y.Array());
  return goal;
}

/** Adds a goal after every other one (archived ones included). */
export function addGoal(doc: Y.Doc, goal: NewGoal): Y.Map<unknown> {
  const goals = getGoals(doc);
  const map = createGoal({ ...goal, order: goal.order ?? orderAfterLast(goals) });
  doc.transact(() => goals.push([map]));
  return map;
}

export function createStep(text = '', order?: string): Y.Map<unknown> {
  const step = new Y.Map<unknown>();
  step.set('id', newId());
  if (order !== undefined) step.set('order', order);
  step.set('text', newText(text));
  step.set('done', false);
  step.set('doneBy', null);
  step.set('doneAt', null);
  return step;
}

export function createStrategy(text = ''): Y.Map<unknown> {
  const strategy = new Y.Map<unknown>();
  strategy.set('id', newId());
  strategy.set('text', newText(text));
  return strategy;
}

export function createHomework(text = '', options: { due?: string | null; offerId?: string | null; offeredBy?: Role | null } = {}): Y.Map<unknown> {
  const homework = new Y.Map<unknown>();
  homework.set('id', newId());
  homework.set('text', newText(text));
  homework.set('due', options.due ?? null);
  homework.set('done', false);
  homework.set('reflection', newText());
  homework.set('notDoneReason', newText());
  homework.set('offerId', options.offerId ?? null);
  homework.set('chosen', options.offerId ? false : true);
  homework.set('offeredBy', options.offeredBy ?? null);
  return homework;
}

/** Plain snapshot of a goal, for export, review and tests. */
export interface GoalSnapshot {
  id: string;
  title: string;
  why: string;
  status: GoalStatus;
  proposedBy: Role | null;
  agreedBy: Partial<Record<Role, string>>;
  targetDate: string | null;
  attainment: number | null;
  /** How much it matters to the client, 1–3 (null: not said; older goals have none). */
  importance: number | null;
  /** How hard the therapist expects it to be, 1–3 (null: not said). */
  difficulty: number | null;
  createdAt: string;
  archived: boolean;
  steps: { id: string; text: string; done: boolean; doneBy: Role | null; doneAt: string | null }[];
  strategies: { id: string; text: string }[];
  homework: {
    id: string;
    text: string;
    due: string | null;
    done: boolean;
    reflection: string;
    notDoneReason: string;
    offerId: string | null;
    chosen: boolean;
  }[];
}

export interface RoadmapSnapshot {
  title: string;
  schemaVersion: number;
  goals: GoalSnapshot[];
}

function items(map: Y.Map<unknown>, key: string): Y.Map<unknown>[] {
  const value = map.get(key);
  return value instanceof Y.Array ? (value.toArray().filter((item) => item instanceof Y.Map) as Y.Map<unknown>[]) : [];
}

function nullableString(map: Y.Map<unknown>, key: string): string | null {
  const value = map.get(key);
  return typeof value === 'string' ? value : null;
}

function nullableRole(map: Y.Map<unknown>, key: string): Role | null {
  const value = map.get(key);
  return value === 'therapist' || value === 'client' ? value : null;
}

export function snapshotGoal(goal: Y.Map<unknown>): GoalSnapshot {
  const agreed = goal.get('agreedBy');
  const agreedBy: Partial<Record<Role, string>> = {};
  if (agreed instanceof Y.Map) {
    for (const role of ROLES) {
      const at = agreed.get(role);
      if (typeof at === 'string') agreedBy[role] = at;
    }
  }
  const status = readString(goal, 'status', 'proposed');
  const attainment = goal.get('attainment');
  const importance = goal.get('importance');
  const difficulty = goal.get('difficulty');
  return {
    id: readString(goal, 'id'),
    title: readText(goal, 'title'),
    why: readText(goal, 'why'),
    status: (GOAL_STATUSES as readonly string[]).includes(status) ? (status as GoalStatus) : 'proposed',
    proposedBy: nullableRole(goal, 'proposedBy'),
    agreedBy,
    targetDate: nullableString(goal, 'targetDate'),
    attainment: typeof attainment === 'number' ? attainment : null,
    importance: typeof importance === 'number' ? importance : null,
    difficulty: typeof difficulty === 'number' ? difficulty : null,
    createdAt: readString(goal, 'createdAt'),
    archived: goal.get('archived') === true,
    steps: orderedItems(goal.get('steps')).map((step) => ({
      id: readString(step, 'id'),
      text: readText(step, 'text'),
      done: step.get('done') === true,
      doneBy: nullableRole(step, 'doneBy'),
      doneAt: nullableString(step, 'doneAt'),
    })),
    strategies: items(goal, 'strategies').map((strategy) => ({ id: readString(strategy, 'id'), text: readText(strategy, 'text') })),
    homework: items(goal, 'homework').map((homework) => ({
      id: readString(homework, 'id'),
      text: readText(homework, 'text'),
      due: nullableString(homework, 'due'),
      done: homework.get('done') === true,
      reflection: readText(homework, 'reflection'),
      notDoneReason: readText(homework, 'notDoneReason'),
      offerId: nullableString(homework, 'offerId'),
      chosen: homework.get('chosen') !== false,
    })),
  };
}

export function snapshotRoadmap(doc: Y.Doc): RoadmapSnapshot {
  const meta = doc.getMap('meta');
  const version = meta.get('schemaVersion');
  return {
    title: readString(meta as Y.Map<unknown>, 'title'),
    schemaVersion: typeof version === 'number' ? version : SCHEMA_VERSION,
    goals: orderedItems(getGoals(doc)).map(snapshotGoal),
  };
}

// ---- helpers for the roadmap's editors: each change is one transaction, pure Yjs ----

function transact(type: { readonly doc: Y.Doc | null }, change: () => void): void {
  if (type.doc) type.doc.transact(change);
  else change();
}

/** One of a goal's lists (`steps`, `strategies`, `homework`), or null when it is missing. */
export function goalList(goal: Y.Map<unknown>, key: 'steps' | 'strategies' | 'homework'): Y.Array<Y.Map<unknown>> | null {
  const list = goal.get(key);
  return list instanceof Y.Array ? (list as Y.Array<Y.Map<unknown>>) : null;
}

/** The item of `list` whose `id` is `id`. */
export function findItem<T>(list: Y.Array<T>, id: string): Y.Map<unknown> | null {
  for (const item of list) if (item instanceof Y.Map && item.get('id') === id) return item as Y.Map<unknown>;
  return null;
}

/** Deletes the item whose `id` is `id` from `list`; false when there is none. */
export function removeItem<T>(list: Y.Array<T>, id: string): boolean {
  const index = list.toArray().findIndex((item) => item instanceof Y.Map && item.get('id') === id);
  if (index < 0) return false;
  list.delete(index, 1);
  return true;
}

// ---- order: fractional indexes ----
//
// Goals and steps are ordered by an `order` key rather than by list position: moving an item
// changes one string, so a concurrent edit inside the item is never lost (Yjs cannot move a
// shared type, and re-creating a goal would drop edits made to it meanwhile — and its other
// member's agreement mark, which only they may set). Keys are base-62 fractions written as
// strings of `ORDER_DIGITS` (never ending in '0'), compared as plain strings. Two people
// placing an item in the same gap at once may pick the same key; the id breaks the tie.

const ORDER_DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ORDER_BASE = ORDER_DIGITS.length;
const ORDER_KEY = /^[0-9A-Za-z]*[1-9A-Za-z]$/;
/** Past this length a new key is not used; the list is renumbered instead (keys stay short). */
const ORDER_RENUMBER_LENGTH = 100;

/** Whether `value` is a well-formed order key. */
export function isOrderKey(value: unknown): value is string {
  return typeof value === 'string' && value.length <= ORDER_RENUMBER_LENGTH * 2 && ORDER_KEY.test(value);
}

function digitOf(key: string, index: number): number {
  return ORDER_DIGITS.indexOf(key[index] ?? '0');
}

/** Halfway between two fractions, `a < b`; `a` may be '' (zero), `b` null (one). */
function midpoint(a: string, b: string | null): string {
  if (b !== null) {
    let shared = 0;
    while ((a[shared] ?? '0') === b[shared]) shared++;
    if (shared > 0) return b.slice(0, shared) + midpoint(a.slice(shared), b.slice(shared));
  }
  const digitA = a ? digitOf(a, 0) : 0;
  const digitB = b !== null ? digitOf(b, 0) : ORDER_BASE;
  if (digitB - digitA > 1) return ORDER_DIGITS[Math.round((digitA + digitB) / 2)]!;
  if (b !== null && b.length > 1) return b.slice(0, 1);
  return ORDER_DIGITS[digitA]! + midpoint(a.slice(1), null);
}

/**
 * An order key that sorts strictly between `before` and `after` (null: the start or the end of
 * the list). Appending and prepending keep keys short (one more character per 30 or so).
 */
export function keyBetween(before: string | null, after: string | null): string {
  if (before !== null && !isOrderKey(before)) throw new RangeError(`not an order key: ${before}`);
  if (after !== null && !isOrderKey(after)) throw new RangeError(`not an order key: ${after}`);
  if (before !== null && after !== null && before >= after) throw new RangeError(`${before} does not sort before ${after}`);
  if (before === null && after === null) return 'V';
  if (after === null) {
    // The first digit that can go up, goes up by one.
    for (let index = 0; index < before!.length; index++) {
      const digit = digitOf(before!, index);
      if (digit < ORDER_BASE - 1) return before!.slice(0, index) + ORDER_DIGITS[digit + 1];
    }
    return `${before}V`;
  }
  if (before === null) {
    // The first digit that can go down without leaving a trailing '0', goes down by one.
    for (let index = 0; index < after.length; index++) {
      const digit = digitOf(after, index);
      if (digit > 1) return after.slice(0, index) + ORDER_DIGITS[digit - 1];
    }
    return midpoint('', after);
  }
  return midpoint(before, after);
}

/** `count` evenly spaced, increasing keys: what a list is renumbered with. */
export function spreadKeys(count: number): string[] {
  let width = 1;
  while (ORDER_BASE ** width <= count + 1) width++;
  const step = Math.floor(ORDER_BASE ** width / (count + 1));
  return Array.from({ length: count }, (_, index) => {
    let value = (index + 1) * step;
    let key = '';
    for (let digit = 0; digit < width; digit++) {
      key = ORDER_DIGITS[value % ORDER_BASE]! + key;
      value = Math.floor(value / ORDER_BASE);
    }
    return key.replace(/0+$/, '');
  });
}

/** An item's order key, or null when it has none (written before keys existed). */
export function readOrder(item: Y.Map<unknown>): string | null {
  const order = item.get('order');
  return typeof order === 'string' ? order : null;
}

interface OrderEntry {
  item: Y.Map<unknown>;
  index: number;
  order: string | null;
  id: string;
}

function compareEntries(x: OrderEntry, y: OrderEntry): number {
  // Items without a key (older documents) keep their list position, ahead of keyed ones.
  if (x.order === null || y.order === null) {
    if (x.order === null && y.order === null) return x.index - y.index;
    return x.order === null ? -1 : 1;
  }
  if (x.order !== y.order) return x.order < y.order ? -1 : 1;
  if (x.id !== y.id) return x.id < y.id ? -1 : 1;
  return x.index - y.index;
}

/** The maps of a shared list in the order people see them (by `order`, then id, then position). */
export function orderedItems(list: unknown): Y.Map<unknown>[] {
  if (!(list instanceof Y.Array)) return [];
  const entries: OrderEntry[] = [];
  list.toArray().forEach((item, index) => {
    if (item instanceof Y.Map) entries.push({ item: item as Y.Map<unknown>, index, order: readOrder(item as Y.Map<unknown>), id: readString(item as Y.Map<unknown>, 'id') });
  });
  return entries.sort(compareEntries).map((entry) => entry.item);
}

/** Whether every item has a well-formed key and the keys strictly increase. */
function keysAreSound(sorted: readonly Y.Map<unknown>[]): boolean {
  let previous: string | null = null;
  for (const item of sorted) {
    const order = readOrder(item);
    if (!isOrderKey(order) || (previous !== null && order <= previous)) return false;
    previous = order;
  }
  return true;
}

function renumber(sorted: readonly Y.Map<unknown>[]): void {
  const keys = spreadKeys(sorted.length);
  sorted.forEach((item, index) => {
    if (readOrder(item) !== keys[index]) item.set('order', keys[index]);
  });
}

/** The key that puts a new item after every item of `list`. */
export function orderAfterLast<T>(list: Y.Array<T>): string {
  const keys = orderedItems(list).map(readOrder).filter(isOrderKey);
  return keyBetween(keys.at(-1) ?? null, null);
}

/**
 * Moves the item `id` of `list` to position `toIndex` among the items `shown` keeps (all by
 * default; the roadmap moves goals among the ones not archived). Only the moved item's key
 * changes — unless keys are missing (an older document) or collide, then the whole list is
 * renumbered first, in the same transaction. Returns whether anything moved.
 */
export function moveItem<T>(list: Y.Array<T>, id: string, toIndex: number, shown: (item: Y.Map<unknown>) => boolean = () => true): boolean {
  const sorted = orderedItems(list);
  const moving = sorted.find((item) => item.get('id') === id);
  if (!moving || !shown(moving)) return false;
  const visible = sorted.filter(shown);
  const from = visible.indexOf(moving);
  const to = Math.max(0, Math.min(Math.trunc(toIndex), visible.length - 1));
  if (from === to) return false;
  const others = visible.filter((item) => item !== moving);
  const before = others[to - 1] ?? null;
  const after = others[to] ?? null;
  transact(list, () => {
    if (!keysAreSound(sorted)) renumber(sorted);
    const key = keyBetween(before ? readOrder(before) : null, after ? readOrder(after) : null);
    if (key.length <= ORDER_RENUMBER_LENGTH) {
      moving.set('order', key);
      return;
    }
    const rest = sorted.filter((item) => item !== moving);
    const at = before ? rest.indexOf(before) + 1 : after ? rest.indexOf(after) : rest.length;
    rest.splice(at, 0, moving);
    renumber(rest);
  });
  return true;
}

// ---- agreement: a goal is agreed only when both members have marked it ----

function otherRole(role: Role): Role {
  return role === 'therapist' ? 'client' : 'therapist';
}

/** Who has marked a goal as agreed, and when (ISO time). */
export function agreementOf(goal: Y.Map<unknown>): Partial<Record<Role, string>> {
  return snapshotGoal(goal).agreedBy;
}

export function hasBothAgreed(goal: Y.Map<unknown>): boolean {
  const marks = agreementOf(goal);
  return ROLES.every((role) => marks[role] !== undefined);
}

export function goalStatus(goal: Y.Map<unknown>): GoalStatus {
  const status = goal.get('status');
  return typeof status === 'string' && (GOAL_STATUSES as readonly string[]).includes(status) ? (status as GoalStatus) : 'proposed';
}

/**
 * The status a goal's agreement marks call for, or null when its status already fits them:
 * 'agreed' needs both marks; a proposed goal with both is agreed. Other statuses (working on
 * it, achieved, paused, let go) are the members' choice and are left alone.
 */
export function statusForAgreement(goal: Y.Map<unknown>): GoalStatus | null {
  const status = goalStatus(goal);
  const both = hasBothAgreed(goal);
  if (both && status === 'proposed') return 'agreed';
  if (!both && status === 'agreed') return 'proposed';
  return null;
}

/**
 * Puts the status in step with the marks. Needed after two people mark a goal at the same
 * moment: neither saw the other's mark when setting their own, so neither set 'agreed'.
 */
export function reconcileAgreement(goal: Y.Map<unknown>): boolean {
  const status = statusForAgreement(goal);
  if (status === null) return false;
  transact(goal, () => goal.set('status', status));
  return true;
}

/** One of a goal's agreement maps (`agreedBy`, `agreedTitle`, `agreedWhy`), made when missing (older goals). */
function agreementMap(goal: Y.Map<unknown>, key: 'agreedBy' | 'agreedTitle' | 'agreedWhy'): Y.Map<string> {
  const existing = goal.get(key);
  if (existing instanceof Y.Map) return existing as Y.Map<string>;
  const created = new Y.Map<string>();
  goal.set(key, created);
  return created;
}

/**
 * Sets or withdraws `role`'s own agreement mark (a member may touch only their own; the server
 * refuses the rest), with the words agreed to, and — in the same transaction — the status: the
 * second mark makes the goal agreed; withdrawing a mark from an agreed goal returns it to proposed.
 */
export function setAgreement(goal: Y.Map<unknown>, role: Role, agree: boolean, now: Date = new Date()): void {
  transact(goal, () => {
    const marks = agreementMap(goal, 'agreedBy');
    const titles = agreementMap(goal, 'agreedTitle');
    const whys = agreementMap(goal, 'agreedWhy');
    if (agree) {
      marks.set(role, now.toISOString());
      titles.set(role, readText(goal, 'title'));
      whys.set(role, readText(goal, 'why'));
    } else {
      for (const map of [marks, titles, whys]) if (map.has(role)) map.delete(role);
    }
    const status = statusForAgreement(goal);
    if (status !== null) goal.set('status', status);
  });
}

/** Whether the other member (not `role`) has marked the goal. */
export function otherHasAgreed(goal: Y.Map<unknown>, role: Role): boolean {
  return agreementOf(goal)[otherRole(role)] !== undefined;
}

/** The statuses a member may pick now: 'agreed' comes only from both marks, 'proposed' only without them. */
export function selectableStatuses(goal: Y.Map<unknown>): GoalStatus[] {
  const both = hasBothAgreed(goal);
  return GOAL_STATUSES.filter((status) => (status === 'agreed' ? both : status === 'proposed' ? !both : true));
}

/** Sets a goal's status when `selectableStatuses` allows it; returns whether it did. */
export function setGoalStatus(goal: Y.Map<unknown>, status: GoalStatus): boolean {
  if (!selectableStatuses(goal).includes(status) || goalStatus(goal) === status) return false;
  transact(goal, () => goal.set('status', status));
  return true;
}

// ---- weights for Goal Attainment Scaling ----

/** Who says what of a goal's weight: the client how much it matters, the therapist how hard it is. */
export const GOAL_WEIGHT_OWNER = { importance: 'client', difficulty: 'therapist' } as const satisfies Record<string, Role>;
export type GoalWeightKey = keyof typeof GOAL_WEIGHT_OWNER;

/** The weight a member may set on a goal: importance for the client, difficulty for the therapist. */
export function weightKeyOf(role: Role): GoalWeightKey {
  return role === 'client' ? 'importance' : 'difficulty';
}

/** Sets (or clears, with null) the member's own part of a goal's weight. */
export function setGoalWeight(goal: Y.Map<unknown>, role: Role, value: number | null): void {
  if (value !== null && (!Number.isInteger(value) || value < GOAL_WEIGHT_MIN || value > GOAL_WEIGHT_MAX)) throw new RangeError(`a weight is ${GOAL_WEIGHT_MIN} to ${GOAL_WEIGHT_MAX}`);
  const key = weightKeyOf(role);
  if ((goal.get(key) ?? null) === value) return;
  transact(goal, () => goal.set(key, value));
}

// ---- steps, strategies, homework ----

/** Adds a step after the goal's other steps. */
export function addStep(goal: Y.Map<unknown>, text = ''): Y.Map<unknown> | null {
  const steps = goalList(goal, 'steps');
  if (!steps) return null;
  const step = createStep(text, orderAfterLast(steps));
  transact(steps, () => steps.push([step]));
  return step;
}

/** Ticks a step done (recording who and when) or undone (clearing both). */
export function setStepDone(step: Y.Map<unknown>, done: boolean, role: Role, now: Date = new Date()): void {
  transact(step, () => {
    step.set('done', done);
    step.set('doneBy', done ? role : null);
    step.set('doneAt', done ? now.toISOString() : null);
  });
}

export function addStrategy(goal: Y.Map<unknown>, text = ''): Y.Map<unknown> | null {
  const strategies = goalList(goal, 'strategies');
  if (!strategies) return null;
  const strategy = createStrategy(text);
  transact(strategies, () => strategies.push([strategy]));
  return strategy;
}

/** Adds a homework task both have settled on (not a choice). */
export function addHomework(goal: Y.Map<unknown>, text = '', due: string | null = null): Y.Map<unknown> | null {
  const homework = goalList(goal, 'homework');
  if (!homework) return null;
  const item = createHomework(text, { due });
  transact(homework, () => homework.push([item]));
  return item;
}

/** How many options an offer of homework holds. */
export const MIN_OFFER_OPTIONS = 2;
export const MAX_OFFER_OPTIONS = 3;

/**
 * Offers a choice of homework: two or three options sharing one `offerId`, none chosen yet.
 * Returns the offer's id.
 */
export function offerHomework(goal: Y.Map<unknown>, texts: readonly string[], offeredBy: Role): string | null {
  if (texts.length < MIN_OFFER_OPTIONS || texts.length > MAX_OFFER_OPTIONS) throw new RangeError(`an offer holds ${MIN_OFFER_OPTIONS} to ${MAX_OFFER_OPTIONS} options`);
  const homework = goalList(goal, 'homework');
  if (!homework) return null;
  const offerId = newId();
  const options = texts.map((text) => createHomework(text, { offerId, offeredBy }));
  transact(homework, () => homework.push(options));
  return offerId;
}

/** The options of one offer, in list order. */
export function offerOptions(goal: Y.Map<unknown>, offerId: string): Y.Map<unknown>[] {
  return (goalList(goal, 'homework')?.toArray() ?? []).filter((item) => item instanceof Y.Map && item.get('offerId') === offerId);
}

/** Adds one more option to an offer nobody has chosen from yet (up to `MAX_OFFER_OPTIONS`). */
export function addOfferOption(goal: Y.Map<unknown>, offerId: string, text = ''): Y.Map<unknown> | null {
  const homework = goalList(goal, 'homework');
  const options = offerOptions(goal, offerId);
  if (!homework || options.length === 0 || options.length >= MAX_OFFER_OPTIONS || options.some((option) => option.get('chosen') === true)) return null;
  const offeredBy = nullableRole(options[0]!, 'offeredBy');
  const item = createHomework(text, { offerId, offeredBy });
  const last = homework.toArray().lastIndexOf(options.at(-1)!);
  transact(homework, () => homework.insert(last + 1, [item]));
  return item;
}

/**
 * The client picks one option of an offer: it becomes their homework (`chosen`), the others
 * stay in the document marked not chosen, so both can see what was offered and what was
 * picked. Picking again changes the choice. Returns whether the option exists.
 */
export function chooseHomework(goal: Y.Map<unknown>, homeworkId: string): boolean {
  const homework = goalList(goal, 'homework');
  const picked = homework ? findItem(homework, homeworkId) : null;
  const offerId = picked ? nullableString(picked, 'offerId') : null;
  if (!homework || !picked || !offerId) return false;
  // Every option is written, unchanged ones too: when two tabs pick at once, their writes then
  // meet on the same keys and one pick wins them all, instead of both staying chosen.
  transact(homework, () => {
    for (const option of offerOptions(goal, offerId)) option.set('chosen', option === picked);
  });
  return true;
}

/** A goal's homework as shown: plain tasks, and offers (options plus the one chosen, if any). */
export type HomeworkEntry =
  | { kind: 'task'; item: Y.Map<unknown> }
  | { kind: 'offer'; offerId: string; options: Y.Map<unknown>[]; chosen: Y.Map<unknown> | null };

/**
 * Groups a goal's homework for display, in list order; an offer sits where its first option
 * is. Should two options of one offer both read chosen (two tabs picking at once, merged), the
 * first in the list counts.
 */
export function groupHomework(goal: Y.Map<unknown>): HomeworkEntry[] {
  const entries: HomeworkEntry[] = [];
  const offers = new Map<string, Extract<HomeworkEntry, { kind: 'offer' }>>();
  for (const item of goalList(goal, 'homework')?.toArray() ?? []) {
    if (!(item instanceof Y.Map)) continue;
    const offerId = nullableString(item, 'offerId');
    if (!offerId) {
      entries.push({ kind: 'task', item });
      continue;
    }
    let offer = offers.get(offerId);
    if (!offer) {
      offer = { kind: 'offer', offerId, options: [], chosen: null };
      offers.set(offerId, offer);
      entries.push(offer);
    }
    offer.options.push(item);
    if (!offer.chosen && item.get('chosen') === true) offer.chosen = item;
  }
  return entries;
}

// ---- agreement to words: what each agreed to, and whether it changed since ----

/** The words of a goal as one member agreed to them, and as they read now. */
export interface AgreedWords {
  role: Role;
  /** When they agreed (ISO time). */
  at: string;
  title: { agreed: string; now: string };
  why: { agreed: string; now: string };
}

/**
 * The marks whose words changed since they were set: an agreement is for the words agreed to,
 * so both see the change and confirm again. Marks from before the words were recorded have
 * nothing to compare and are taken as they are.
 */
export function changedSinceAgreed(goal: Y.Map<unknown>): AgreedWords[] {
  const marks = goal.get('agreedBy');
  const titles = goal.get('agreedTitle');
  const whys = goal.get('agreedWhy');
  if (!(marks instanceof Y.Map) || !(titles instanceof Y.Map) || !(whys instanceof Y.Map)) return [];
  const title = readText(goal, 'title');
  const why = readText(goal, 'why');
  const changed: AgreedWords[] = [];
  for (const role of ROLES) {
    const at = marks.get(role);
    const agreedTitle = titles.get(role);
    const agreedWhy = whys.get(role);
    if (typeof at !== 'string' || typeof agreedTitle !== 'string' || typeof agreedWhy !== 'string') continue;
    if (agreedTitle !== title || agreedWhy !== why) changed.push({ role, at, title: { agreed: agreedTitle, now: title }, why: { agreed: agreedWhy, now: why } });
  }
  return changed;
}
