import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';

/** A subscribable, cached view of some shared state, in the shape `useSyncExternalStore` takes. */
export interface ExternalStore<V> {
  subscribe(onChange: () => void): () => void;
  getSnapshot(): V;
}

/**
 * A view of something that changes through events. It listens for as long as the source
 * lives (not only while React subscribes), so a change made between a render and the
 * subscription is never missed, and `read()` runs again only after a change: snapshots are
 * the same object between changes, as `useSyncExternalStore` requires.
 */
function cachedStore<V>(read: () => V, listen: (onChange: () => void) => void): ExternalStore<V> {
  const listeners = new Set<() => void>();
  let stale = true;
  let value: V;
  listen(() => {
    stale = true;
    for (const listener of [...listeners]) listener();
  });
  return {
    subscribe: (onChange) => {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    getSnapshot: () => {
      if (stale) {
        value = read();
        stale = false;
      }
      return value;
    },
  };
}

type AnyType = Y.AbstractType<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// One store per (type, reader, depth), so every component reading the same thing shares it;
// weakly held, so a store goes away with its type.
const shallowStores = new WeakMap<AnyType, Map<unknown, ExternalStore<unknown>>>();
const deepStores = new WeakMap<AnyType, Map<unknown, ExternalStore<unknown>>>();

/** The cached view `read(type)` of a Yjs type; `deep` also follows changes inside nested types. */
export function yTypeStore<T extends AnyType, V>(type: T, read: (type: T) => V, deep = false): ExternalStore<V> {
  const registry = deep ? deepStores : shallowStores;
  let byReader = registry.get(type);
  if (!byReader) registry.set(type, (byReader = new Map()));
  let store = byReader.get(read) as ExternalStore<V> | undefined;
  if (!store) {
    store = cachedStore(
      () => read(type),
      (onChange) => (deep ? type.observeDeep(onChange) : type.observe(onChange)),
    );
    byReader.set(read, store as ExternalStore<unknown>);
  }
  return store;
}

export type AwarenessStates = ReadonlyMap<number, Record<string, unknown>>;

const awarenessStores = new WeakMap<Awareness, ExternalStore<AwarenessStates>>();

/** Everyone's awareness state (this client included), keyed by Yjs client id. */
export function awarenessStore(awareness: Awareness): ExternalStore<AwarenessStates> {
  let store = awarenessStores.get(awareness);
  if (!store) {
    store = cachedStore(
      () => new Map(awareness.getStates()),
      (onChange) => awareness.on('change', onChange),
    );
    awarenessStores.set(awareness, store);
  }
  return store;
}
