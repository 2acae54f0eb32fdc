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
   * Every key one transaction touched, from the types it changed (`Transaction.changed`, what
   * Yjs builds its events from, without building them): a text, the field of its owner; a map,
   * the fields it set; a list, the items put in or taken out in this transaction.
   */
  touched(transaction: Y.Transaction): string[] {
    const keys: string[] = [];
    for (const [type, fields] of transaction.changed) {
      if (type instanceof Y.Array) {
        for (let item = type._start; item !== null; item = item.right) {
          if (!(item.content instanceof Y.ContentType)) continue;
          const added = item.id.clock >= (transaction.beforeState.get(item.id.client) ?? 0);
          if (!added && !Y.isDeleted(transaction.deleteSet, item.id)) continue;
          const key = this.keyOfItem(item.content.type);
          if (key) keys.push(key);
        }
        continue;
      }
      const own = this.keyOfItem(type);
      if (own !== null && type instanceof Y.Map) {
        for (const field of fields) if (field !== null) keys.push(fieldKey(own, field));
        continue;
      }
      // A text or a record field of an item: the field of its owner (and, for a record, each entry).
      const field = type._item?.parentSub;
      const owner = type._item?.parent;
      const ownerKey = field && owner instanceof Y.AbstractType ? this.keyOfItem(owner) : null;
      if (!field || ownerKey === null) continue;
      keys.push(fieldKey(ownerKey, field));
      if (type instanceof Y.Map) for (const entry of fields) if (entry !== null) keys.push(fieldKey(ownerKey, field, entry));
    }
    return keys;
  }
}

/**
 * Applies logged edits to `doc`, in order, each as its own transaction, and records for every
 * item and field the last edit that touched it: who made it and when. Pure: the log is the
 * input, nothing is read from elsewhere. An edit that Yjs can only apply once a later one
 * arrives is credited to the later one.
 */
export function attributeEdits(doc: Y.Doc, edits: Iterable<LoggedEdit>): Attribute {
  const reader = new TouchReader(doc);
  const last = new Map<string, Attribution>();
  let current: Attribution | null = null;
  const record = (transaction: Y.Transaction) => {
    if (!current) return;
    for (const key of reader.touched(transaction)) last.set(key, current);
  };
  doc.on('afterTransaction', record);
  try {
    for (const edit of edits) {
      current = { actor: edit.actor, at: edit.at };
      Y.applyUpdate(doc, edit.update);
    }
  } finally {
    current = null;
    doc.off('afterTransaction', record);
  }
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
