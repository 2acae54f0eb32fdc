/**
 * Reads started before the page that shows them is on screen: a workspace opened from its
 * link asks for its data while the app is still asking who is signed in, instead of after.
 * Each is taken once, by the first load of its key (`useResource`), and only while fresh.
 */
const FRESH_MS = 10_000;

const started = new Map<string, { promise: Promise<unknown>; at: number }>();

export function prefetch(key: string, load: () => Promise<unknown>): void {
  const promise = load();
  // Nobody may take it (the person turns out to be signed out): its failure is nobody's error.
  promise.catch(() => {});
  started.set(key, { promise, at: Date.now() });
}

/** The prefetched read of `key`, if one was started and is fresh; it is not given out twice. */
export function takePrefetched<T>(key: string): Promise<T> | null {
  const entry = started.get(key);
  started.delete(key);
  return entry && Date.now() - entry.at < FRESH_MS ? (entry.promise as Promise<T>) : null;
}
