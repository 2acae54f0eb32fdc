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
   * Adds to `keys` what putting `item` into the store or taking it out touched, as Yjs would
   * report it for a transaction of the edit alone: a text, the field of its owner; a map, the
   * field set; a list, the item put in or taken out. Like Yjs, a change inside a type the same
   * edit created (its clock is past `before`, the store's state before the edit), or inside a
   * deleted one, counts only for that type's own key.
   */
  touch(item: Y.Item, before: ReadonlyMap<number, number>, keys: string[]): void {
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

/** Adds to `keys` what the items of one client from `clock` on touched (those an edit added, when `clock` is the client's state before it). */
function touchAdded(reader: TouchReader, structs: readonly (Y.Item | Y.GC)[], clock: number, before: ReadonlyMap<number, number>, keys: string[]): void {
  for (let index = Y.findIndexSS(structs as (Y.Item | Y.GC)[], clock); index < structs.length; index++) {
    const struct = structs[index];
    if (struct instanceof Y.Item) reader.touch(struct, before, keys);
  }
}

/** Adds to `keys` what the items of one client in the deleted ranges `ranges[from…]` touched. */
function touchRemoved(reader: TouchReader, structs: readonly (Y.Item | Y.GC)[], ranges: readonly { clock: number; len: number }[], from: number, before: ReadonlyMap<number, number>, keys: string[]): void {
  for (let range = from; range < ranges.length; range++) {
    const { clock, len } = ranges[range]!;
    for (let index = Y.findIndexSS(structs as (Y.Item | Y.GC)[], clock); index < structs.length; index++) {
      const struct = structs[index]!;
      if (struct.id.clock >= clock + len) break;
      if (struct instanceof Y.Item) reader.touch(struct, before, keys);
    }
  }
}

/**
 * Applies logged edits to `doc`, in order, and records for every item and field the last edit
 * that touched it: who made it and when. Pure: the log is the input, nothing is read from
 * elsewhere. An edit that Yjs can only apply once a later one arrives is credited to the later
 * one. `apply` may be called several times, each continuing where the last left off: a long
 * replay can be split, letting other work run in between.
 */
export class EditAttribution {
  private readonly reader: TouchReader;
  private readonly last = new Map<string, Attribution>();
  /** Who last touched the part with this key, among the edits applied so far. */
  readonly attribute: Attribute = (key) => this.last.get(key) ?? null;

  constructor(private readonly doc: Y.Doc) {
    this.reader = new TouchReader(doc);
  }

  apply(edits: Iterable<LoggedEdit>): void {
    const { doc, reader, last } = this;
    // One transaction for all the edits (a transaction of its own per edit costs more than
    // applying it): what an edit added is what the store holds beyond its state before the
    // edit, what it removed the ranges it appended to the transaction's delete set — both read
    // before the transaction ends, merges them and collects the deleted content.
    doc.transact((transaction) => {
      const deleted = transaction.deleteSet.clients;
      const keys: string[] = [];
      for (const edit of edits) {
        const before = stateOf(doc.store);
        const deletedBefore = new Map<number, number>();
        for (const [client, ranges] of deleted) deletedBefore.set(client, ranges.length);
        Y.applyUpdate(doc, edit.update);
        keys.length = 0;
        for (const [client, structs] of doc.store.clients) {
          const clock = before.get(client) ?? 0;
          if (Y.getState(doc.store, client) > clock) touchAdded(reader, structs, clock, before, keys);
        }
        for (const [client, ranges] of deleted) {
          const from = deletedBefore.get(client) ?? 0;
          const structs = doc.store.clients.get(client);
          if (structs && ranges.length > from) touchRemoved(reader, structs, ranges, from, before, keys);
        }
        if (keys.length === 0) continue;
        const attribution: Attribution = { actor: edit.actor, at: edit.at };
        for (const key of keys) last.set(key, attribution);
      }
    });
  }
}

/** `EditAttribution` of all `edits` at once. */
export function attributeEdits(doc: Y.Doc, edits: Iterable<LoggedEdit>): Attribute {
  const attribution = new EditAttribution(doc);
  attribution.apply(edits);
  return attribution.attribute;
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
