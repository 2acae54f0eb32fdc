import { groupHomework, orderedItems, type HomeworkEntry } from '@alliance/shared';
import { useSyncExternalStore } from 'react';
import * as Y from 'yjs';

type AnyList = Y.Array<unknown>;

interface View<V> {
  /** Item keys whose change alters the view (typing inside an item changes none of them). */
  keys: readonly string[];
  read(list: AnyList): V;
}

const ordered: View<readonly Y.Map<unknown>[]> = { keys: ['order', 'archived'], read: (list) => orderedItems(list) };
const homework: View<readonly HomeworkEntry[]> = {
  keys: ['chosen', 'offerId'],
  read: (list) => (list.parent instanceof Y.Map ? groupHomework(list.parent as Y.Map<unknown>) : []),
};

interface Store<V> {
  subscribe(onChange: () => void): () => void;
  getSnapshot(): V;
}

const stores = new WeakMap<AnyList, Map<View<unknown>, Store<unknown>>>();

function storeFor<V>(list: AnyList, view: View<V>): Store<V> {
  let byView = stores.get(list);
  if (!byView) stores.set(list, (byView = new Map()));
  const existing = byView.get(view as View<unknown>);
  if (existing) return existing as Store<V>;
  const listeners = new Set<() => void>();
  let value = view.read(list);
  let stale = false;
  // Listens for as long as the list lives, like the stores in sync/y-store.ts, so a change made
  // between a render and the subscription is not missed.
  list.observeDeep((events) => {
    const changed = events.some(
      (event) =>
        event.target === list ||
        (event.target._item?.parent === list && event instanceof Y.YMapEvent && view.keys.some((key) => event.keysChanged.has(key))),
    );
    if (!changed) return;
    stale = true;
    for (const listener of [...listeners]) listener();
  });
  const store: Store<V> = {
    subscribe: (onChange) => {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    getSnapshot: () => {
      if (stale) {
        value = view.read(list);
        stale = false;
      }
      return value;
    },
  };
  byView.set(view as View<unknown>, store as Store<unknown>);
  return store;
}

const noSubscription = () => () => {};
const NOTHING: readonly never[] = [];

function useListView<V>(list: AnyList | null, view: View<V>, empty: V): V {
  const store = list ? storeFor(list, view) : null;
  return useSyncExternalStore(store?.subscribe ?? noSubscription, store?.getSnapshot ?? (() => empty));
}

/**
 * The maps of a shared list in the order people see them (see `orderedItems`), updated when
 * items are added, removed, moved or archived — not on every keystroke inside them.
 */
export function useOrderedItems(list: Y.Array<Y.Map<unknown>> | AnyList | null): readonly Y.Map<unknown>[] {
  return useListView(list as AnyList | null, ordered, NOTHING);
}

/** A goal's homework grouped into tasks and offers (see `groupHomework`), updated on choices. */
export function useHomeworkEntries(list: Y.Array<Y.Map<unknown>> | null): readonly HomeworkEntry[] {
  return useListView(list as AnyList | null, homework, NOTHING);
}
