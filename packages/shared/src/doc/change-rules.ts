import * as Y from 'yjs';
import { itemValue, type AnyType, type ChangeSet, type TypeChange } from './change-set.js';
import type { ShapeLocator, ShapeNode } from './change-shape.js';
import type { Role } from './names.js';

/** A change as the rules of a document kind see it. */
export interface ChangeContext {
  readonly changes: ChangeSet;
  /** Where each changed type sits in the document's shape (already checked). */
  readonly locator: ShapeLocator;
  /** The role the change is made as: the sender's, from their membership, or the one the server acts for. */
  readonly role: Role;
  /** The server's clock (ms since the epoch), for times the change records. */
  readonly now: number;
}

/** One rule beyond the shape: returns why the change is refused, or null. */
export type ChangeRule = (context: ChangeContext) => string | null;

/** What a rule sees of one changed type: the type, where it sits, and what changed in it. */
export interface LocatedChange {
  type: AnyType;
  node: ShapeNode;
  change: TypeChange;
}

/** Runs `visit` over every changed type that is still there, until one gives a reason. */
export function firstRefusal(context: ChangeContext, visit: (located: LocatedChange) => string | null): string | null {
  for (const [type, change] of context.changes.types) {
    if (type._item?.deleted) continue;
    const node = context.locator.locate(type);
    if (typeof node === 'string') return node;
    const reason = visit({ type, node, change });
    if (reason) return reason;
  }
  return null;
}

/** The value the change wrote for `key` (its last write), or undefined when it wrote none. */
export function writtenValue(change: TypeChange, key: string): unknown {
  const items = change.written.get(key);
  const last = items?.[items.length - 1];
  return last ? itemValue(last) : undefined;
}

/** The maps a change inserted into a list (the list entries it added and kept). */
export function insertedMaps(change: TypeChange): Y.Map<unknown>[] {
  const maps: Y.Map<unknown>[] = [];
  for (const item of change.inserted) {
    if (!item.deleted && item.content instanceof Y.ContentType && item.content.type instanceof Y.Map) maps.push(item.content.type as Y.Map<unknown>);
  }
  return maps;
}

/** The maps a change deleted from a list. */
export function deletedMaps(change: TypeChange): Y.Map<unknown>[] {
  const maps: Y.Map<unknown>[] = [];
  for (const item of change.deleted) {
    if (item.content instanceof Y.ContentType && item.content.type instanceof Y.Map) maps.push(item.content.type as Y.Map<unknown>);
  }
  return maps;
}

/** The parent map of a shared type (a text's card, a list's goal), or null. */
export function parentMap(type: AnyType): Y.Map<unknown> | null {
  const parent = type._item?.parent;
  return parent instanceof Y.Map ? (parent as Y.Map<unknown>) : null;
}

/** Whether another live map of `list` than `self` has the id `id`. */
export function idTakenInList(list: AnyType, id: unknown, self: Y.Map<unknown>): boolean {
  for (let item = list._start; item !== null; item = item.right) {
    if (item.deleted || !(item.content instanceof Y.ContentType)) continue;
    const other = item.content.type;
    if (other !== self && other instanceof Y.Map && other.get('id') === id) return true;
  }
  return false;
}

/** How far ahead of the server's clock a recorded time may be (clocks are not exact). */
const CLOCK_SKEW_MS = 5 * 60_000;

/** Whether `value` is an ISO time that is not in the future (by the server's clock). */
export function isPastTime(value: unknown, now: number): boolean {
  if (typeof value !== 'string') return false;
  const time = Date.parse(value);
  return Number.isFinite(time) && time <= now + CLOCK_SKEW_MS;
}
