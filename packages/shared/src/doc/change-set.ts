import * as Y from 'yjs';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyType = Y.AbstractType<any>;

/** What one transaction did inside one shared type that existed before it. */
export interface TypeChange {
  /** Items it added to the type's content (list entries, characters), in store order. */
  readonly inserted: Y.Item[];
  /** Items of the type's content, there before, that it deleted. */
  readonly deleted: Y.Item[];
  /**
   * Map keys it wrote, each with the items it wrote for that key (usually one). A write that
   * lost to a concurrent one is listed too: it says what the sender tried to set.
   */
  readonly written: Map<string, Y.Item[]>;
  /** Map keys whose previous value it deleted (by overwriting or removing the key). */
  readonly cleared: Set<string>;
}

/**
 * Everything one transaction changed, read while it is being cleaned up (before Yjs merges items
 * or garbage-collects deleted content), so deleted items still hold what they held.
 *
 * - `types`: every shared type that existed before the transaction and that it touched, with
 *   what it did there. Types the transaction created are not listed: they are part of the new
 *   content of the type they were inserted into, and are judged whole with it.
 * - `added`: every item it added (including ones it also deleted), in store order.
 */
export interface ChangeSet {
  readonly transaction: Y.Transaction;
  readonly added: readonly Y.Item[];
  readonly types: ReadonlyMap<AnyType, TypeChange>;
}

/** Whether `item` was created by `transaction` (its clock is past the state before it). */
export function isNewIn(item: Y.Item | null, transaction: Y.Transaction): boolean {
  return item !== null && item.id.clock >= (transaction.beforeState.get(item.id.client) ?? 0);
}

/** Whether `type` existed before the transaction (a root, or inside an item older than it). */
function existedBefore(type: AnyType, transaction: Y.Transaction): boolean {
  return type._item === null || !isNewIn(type._item, transaction);
}

function changeOf(types: Map<AnyType, TypeChange>, type: AnyType): TypeChange {
  let change = types.get(type);
  if (!change) {
    change = { inserted: [], deleted: [], written: new Map(), cleared: new Set() };
    types.set(type, change);
  }
  return change;
}

/**
 * Reads what `transaction` changed. Must run inside its `afterTransaction` event: later, Yjs
 * merges the new items into their neighbours and replaces deleted content.
 */
export function readChangeSet(transaction: Y.Transaction): ChangeSet {
  const added: Y.Item[] = [];
  const types = new Map<AnyType, TypeChange>();
  const store = transaction.doc.store;

  for (const [client, after] of transaction.afterState) {
    const before = transaction.beforeState.get(client) ?? 0;
    if (after <= before) continue;
    const structs = store.clients.get(client);
    if (!structs) continue;
    for (let index = before === 0 ? 0 : Y.findIndexSS(structs, before); index < structs.length; index++) {
      const struct = structs[index]!;
      if (struct.id.clock >= after) break;
      if (!(struct instanceof Y.Item)) continue;
      added.push(struct);
      const parent = struct.parent as AnyType | null;
      if (!parent || !existedBefore(parent, transaction)) continue;
      const change = changeOf(types, parent);
      if (struct.parentSub === null) change.inserted.push(struct);
      else {
        const items = change.written.get(struct.parentSub);
        if (items) items.push(struct);
        else change.written.set(struct.parentSub, [struct]);
      }
    }
  }

  Y.iterateDeletedStructs(transaction, transaction.deleteSet, (struct) => {
    if (!(struct instanceof Y.Item) || isNewIn(struct, transaction)) return;
    const parent = struct.parent as AnyType | null;
    if (!parent) return;
    // Inside a type this transaction deleted: that deletion is what counts.
    if (parent._item !== null && parent._item.deleted && Y.isDeleted(transaction.deleteSet, parent._item.id)) return;
    if (!existedBefore(parent, transaction)) return;
    const change = changeOf(types, parent);
    if (struct.parentSub === null) change.deleted.push(struct);
    else change.cleared.add(struct.parentSub);
  });

  return { transaction, added, types };
}

/**
 * The value an item holds, even once deleted (until Yjs collects it): the last of its content,
 * as `Y.Map#get` would read it.
 */
export function itemValue(item: Y.Item): unknown {
  const content = item.content.getContent();
  return content[content.length - 1];
}

/**
 * The value `map` held for `key` before the transaction, read from its items (so a value the
 * transaction deleted still reads as it was); undefined when it had none.
 */
export function valueBefore(map: AnyType, key: string, transaction: Y.Transaction): unknown {
  for (let item: Y.Item | null = map._map.get(key) ?? null; item !== null; item = item.left) {
    if (isNewIn(item, transaction)) continue;
    if (item.deleted && !Y.isDeleted(transaction.deleteSet, item.id)) return undefined;
    return item.deleted && item.content instanceof Y.ContentDeleted ? undefined : itemValue(item);
  }
  return undefined;
}

/** Whether `map` held a value for `key` before the transaction. */
export function hadKeyBefore(map: AnyType, key: string, transaction: Y.Transaction): boolean {
  for (let item: Y.Item | null = map._map.get(key) ?? null; item !== null; item = item.left) {
    if (isNewIn(item, transaction)) continue;
    return !item.deleted || Y.isDeleted(transaction.deleteSet, item.id);
  }
  return false;
}

/**
 * The value of `key` in a map as it reads now — or, for a map this transaction deleted, as it
 * read when it was deleted (its entries are still there until Yjs collects them).
 */
export function readKey(map: AnyType, key: string): unknown {
  const item = map._map.get(key);
  if (!item) return undefined;
  if (item.deleted && !(map._item?.deleted ?? false)) return undefined;
  return item.content instanceof Y.ContentDeleted ? undefined : itemValue(item);
}
