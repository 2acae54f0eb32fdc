import { useCallback, useEffect, useRef, useState } from 'react';

/** The state of data loaded from the server. */
export type AsyncState<T> = { status: 'loading' } | { status: 'ready'; data: T } | { status: 'error'; error: unknown };

/**
 * Loads data for `key` (refetching when the key changes) and returns its state plus a
 * `reload`; while reloading, the last data stays on screen.
 */
export function useAsync<T>(key: string, load: () => Promise<T>): [AsyncState<T>, () => void] {
  const latestLoad = useRef(load);
  useEffect(() => {
    latestLoad.current = load;
  });
  const [version, setVersion] = useState(0);
  const [result, setResult] = useState<{ key: string; state: AsyncState<T> } | null>(null);

  useEffect(() => {
    let current = true;
    latestLoad.current().then(
      (data) => current && setResult({ key, state: { status: 'ready', data } }),
      (error: unknown) => current && setResult({ key, state: { status: 'error', error } }),
    );
    return () => {
      current = false;
    };
  }, [key, version]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return [result?.key === key ? result.state : { status: 'loading' }, reload];
}
