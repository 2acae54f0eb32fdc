import * as Y from 'yjs';
import type { HistoryActorDto } from '../api/types.js';
import type { AnyType } from './change-set.js';
import { defineRoots, type RootSpec } from './shape.js';

/** Who made a change of the log, and when (ISO time). */
export interface Attribution {
  actor: HistoryActorDto;
  at: string;
}

/** One logged update with the server's record of who sent it and when. */
export interface LoggedEdit extends Attribution {
  update: Uint8Array;
}

/** The last logged edit that touched what `key` names (see `itemKey`, `fieldKey`), or null when none did. */
export type Attribute = (key: string) => Attribution | null;

/** For comparisons without a log to attribute from. */
export const noAttribution: Attribute = () => null;

/** The item kind each list of the documents holds, by the list's name (its root's or its field's). */
const ITEM_OF_LIST: Readonly<Record<string, string>> = {
  goals: 'goal',
  steps: 'step',
  strategies: 'strategy',
  homework: 'homework',
  cards: 'card',
  replies: 'reply',
};

/** What names an item of a document (a goal, step, card, reply…) for attribution: its being there. */
export function itemKey(kind: string, id: string): string {
  return `${kind}:${id}`;
}

/** What names one field of an item (`title`, `done`…), or one entry of a record field (`agreedBy`, `client`). */
export function fieldKey(item: string, field: string, entry?: string): string {
  return entry === undefined ? `${item}.${field}` : `${item}.${field}.${entry}`;
}

/**
 * The id of a map, read even when the map was just deleted: a deleted map answers `get` with
 * undefined, but its entries (now deleted items) still hold their content.
 */
function idOf(map: Y.Map<unknown>): string | null {
  const live = map.get('id');
  if (typeof live === 'string') return live;
  const entry = map._map.get('id');
  const value = entry?.content.getContent()[0];
  return typeof value === 'string' ? value : null;
}

/** Reads which items and fields the transactions of one document touch, by `itemKey`/`fieldKey`. */
class TouchReader {
  private readonly rootNames = new Map<AnyType, string>();

  /** `doc` must have its roots defined (see `defineRoots`) before edits are applied to it. */
  constructor(doc: Y.Doc) {
    for (const [name, type] of doc.share) this.rootNames.set(type, name);
  }

  /** The key of a map standing for an item: a root map by its name, a listed map by its kind and id. */
  private keyOfItem(map: AnyType): string | null {
    const root = this.rootNames.get(map);
    if (root !== undefined) return root;
    if (!(map instanceof Y.Map)) return null;
    const list = map._item?.parent;
    if (!(list instanceof Y.Array)) return null;
    const listName = this.rootNames.get(list) ?? list._item?.parentSub ?? null;
    const kind = listName === null ? undefined : ITEM_OF_LIST[listName];
    const id = idOf(map as Y.Map<unknown>);
    return kind && id ? itemKey(kind, id) : null;
  }

  /**
   * Every key one logged edit touched, read from the structs it put into the store and took out
   * of it (`added`, `removed`), as Yjs would report them for a transaction of its own: a text,
   * the field of its owner; a map, the field set; a list, the item put in or taken out. Like
   * Yjs, a change inside a type the same edit created, or inside a deleted one, counts only for
   * that type's own key. `before` is the state of the store before the edit.
   */
  touched(added: Iterable<Y.Item>, removed: Iterable<Y.Item>, before: ReadonlyMap<number, number>): string[] {
    const keys: string[] = [];
    for (const item of added) this.visit(item, before, keys);
    for (const item of removed) this.visit(item, before, keys);
    return keys;
  }

  /** Adds to `keys` what putting `item` in or taking it out touched (see `touched`). */
  private visit(item: Y.Item, before: ReadonlyMap<number, number>, keys: string[]): void {
    const parent = item.parent;
    if (!(parent instanceof Y.AbstractType)) return;
    const owner = parent._item;
    if (owner !== null && (owner.deleted || owner.id.clock >= (before.get(owner.id.client) ?? 0))) return;
    if (parent instanceof Y.Array) {
      const key = item.content instanceof Y.ContentType ? this.keyOfItem(item.content.type) : null;
      if (key) keys.push(key);
      return;
    }
    const own = this.keyOfItem(parent);
    if (own !== null && parent instanceof Y.Map) {
      if (item.parentSub !== null) keys.push(fieldKey(own, item.parentSub));
      return;
    }
    // A text or a record field of an item: the field of its owner (and, for a record, each entry).
    const field = owner?.parentSub;
    const ownerType = owner?.parent;
    const ownerKey = field && ownerType instanceof Y.AbstractType ? this.keyOfItem(ownerType) : null;
    if (!field || ownerKey === null) return;
    keys.push(fieldKey(ownerKey, field));
    if (parent instanceof Y.Map && item.parentSub !== null) keys.push(fieldKey(ownerKey, field, item.parentSub));
  }
}

/** The next clock of every client of `store` (what it holds so far). */
function stateOf(store: Y.Doc['store']): Map<number, number> {
  const state = new Map<number, number>();
  for (const [client, structs] of store.clients) {
    const last = structs[structs.length - 1];
    if (last) state.set(client, last.id.clock + last.length);
  }
  return state;
}

/** The items of `store` from `clock` on, for one client (what an edit added, when `clock` is the client's state before it). */
function* itemsFrom(store: Y.Doc['store'], client: number, clock: number): Generator<Y.Item> {
  const structs = store.clients.get(client);
  if (!structs) return;
  for (let index = Y.findIndexSS(structs, clock); index < structs.length; index++) {
    const struct = structs[index];
    if (struct instanceof Y.Item) yield struct;
  }
}

/** The items of `store` in the deleted ranges `ranges` of one client. */
function* itemsIn(store: Y.Doc['store'], client: number, ranges: readonly { clock: number; len: number }[]): Generator<Y.Item> {
  const structs = store.clients.get(client);
  if (!structs) return;
  for (const { clock, len } of ranges) {
    for (let index = Y.findIndexSS(structs, clock); index < structs.length; index++) {
      const struct = structs[index]!;
      if (struct.id.clock >= clock + len) break;
      if (struct instanceof Y.Item) yield struct;
    }
  }
}

/**
 * Applies logged edits to `doc`, in order, and records for every item and field the last edit
 * that touched it: who made it and when. Pure: the log is the input, nothing is read from
 * elsewhere. An edit that Yjs can only apply once a later one arrives is credited to the later
 * one.
 */
export function attributeEdits(doc: Y.Doc, edits: Iterable<LoggedEdit>): Attribute {
  const reader = new TouchReader(doc);
  const last = new Map<string, Attribution>();
  // One transaction for all the edits (a transaction of its own per edit costs more than applying
  // it): what an edit added is what the store holds beyond its state before the edit, what it
  // removed the ranges it appended to the transaction's delete set — both read before the
  // transaction ends, merges them and collects the deleted content.
  doc.transact((transaction) => {
    const deleted = transaction.deleteSet.clients;
    for (const edit of edits) {
      const before = stateOf(doc.store);
      const deletedBefore = new Map<number, number>();
      for (const [client, ranges] of deleted) deletedBefore.set(client, ranges.length);
      Y.applyUpdate(doc, edit.update);
      const added: Y.Item[] = [];
      for (const [client, clock] of stateOf(doc.store)) if (clock > (before.get(client) ?? 0)) added.push(...itemsFrom(doc.store, client, before.get(client) ?? 0));
      const removed: Y.Item[] = [];
      for (const [client, ranges] of deleted) {
        const from = deletedBefore.get(client) ?? 0;
        if (ranges.length > from) removed.push(...itemsIn(doc.store, client, ranges.slice(from)));
      }
      if (added.length === 0 && removed.length === 0) continue;
      const attribution: Attribution = { actor: edit.actor, at: edit.at };
      for (const key of reader.touched(added, removed, before)) last.set(key, attribution);
    }
  });
  return (key) => last.get(key) ?? null;
}

/** The document replayed from one point to another, and who last touched each part of it on the way. */
export interface AttributedReplay {
  /** The document after the last edit (the caller destroys it). */
  doc: Y.Doc;
  attribute: Attribute;
}

/** `attributeEdits` on a copy of `from` (a document with `roots`), which stays as it is. */
export function replayAttributed(from: Y.Doc, roots: Readonly<Record<string, RootSpec>>, edits: Iterable<LoggedEdit>): AttributedReplay {
  const doc = new Y.Doc();
  defineRoots(doc, roots);
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(from));
  return { doc, attribute: attributeEdits(doc, edits) };
}
