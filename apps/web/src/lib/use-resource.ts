import type { ReadKind } from '@alliance/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useWorkspaceChanged } from '../sync/hooks.js';
import { takePrefetched } from './prefetch.js';
import type { AsyncState } from './use-async.js';

export interface Resource<T> {
  state: AsyncState<T>;
  /** When the data on screen arrived (ms since the epoch; 0 before). */
  loadedAt: number;
  /** Loads again; the last data stays on screen meanwhile, and also if the reload fails. */
  reload: () => void;
  /** Puts data the server just sent (e.g. the answer to a change) in place of a reload. */
  set: (data: T) => void;
}

export interface RefreshOptions<T> {
  /** Reload when the server says the workspace changed (default true). */
  workspaceId?: string;
  /** Reload every this many milliseconds while the page is in front. */
  pollMs?: number;
  /** Poll only while this says so of the data on screen (default: always). */
  pollWhile?: (data: T) => boolean;
  /** Reload when the page comes back to the front (default true). */
  onVisible?: boolean;
}

/**
 * Data from the server for `key`, kept fresh: reloaded when the server says the workspace
 * changed, when the page comes back to the front, and (with `pollMs`) now and then while it
 * is in front — so what the other person did shows up even where no event arrives.
 *
 * `load` is told whether the person opens the thing (the first load of `key`) or the page
 * refreshes what it already shows (every later one), so the access log records what people
 * did, not what their page did for them. The first load takes a read `prefetch` started for
 * `key`, if any.
 */
export function useResource<T>(key: string, load: (read: ReadKind) => Promise<T>, options: RefreshOptions<T> = {}): Resource<T> {
  const latestLoad = useRef(load);
  useEffect(() => {
    latestLoad.current = load;
  });
  const [version, setVersion] = useState(0);
  const [result, setResult] = useState<{ key: string; state: AsyncState<T>; at: number } | null>(null);
  const openedKey = useRef<string | null>(null);

  useEffect(() => {
    let current = true;
    const read: ReadKind = openedKey.current === key ? 'refresh' : 'open';
    openedKey.current = key;
    // A prefetched read that failed (e.g. made before the person signed in) is made again.
    const prefetched = read === 'open' ? takePrefetched<T>(key) : null;
    const loading = prefetched ? prefetched.catch(() => latestLoad.current(read)) : latestLoad.current(read);
    loading.then(
      (data) => current && setResult({ key, state: { status: 'ready', data }, at: Date.now() }),
      (error: unknown) => current && setResult((previous) => (previous?.key === key && previous.state.status === 'ready' ? previous : { key, state: { status: 'error', error }, at: Date.now() })),
    );
    return () => {
      current = false;
    };
  }, [key, version]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const set = useCallback((data: T) => setResult({ key, state: { status: 'ready', data }, at: Date.now() }), [key]);

  useWorkspaceChanged(options.workspaceId ?? '', reload);
  const { pollMs, onVisible = true } = options;
  const pollWhile = useRef(options.pollWhile);
  const latestState = useRef<AsyncState<T> | null>(null);
  useEffect(() => {
    pollWhile.current = options.pollWhile;
    latestState.current = result?.state ?? null;
  });
  const lastRefresh = useRef(0);
  useEffect(() => {
    // Coming back to the page fires both focus and visibilitychange: one reload is enough.
    const onBack = () => {
      if (!onVisible || document.visibilityState !== 'visible' || Date.now() - lastRefresh.current < 3_000) return;
      lastRefresh.current = Date.now();
      reload();
    };
    document.addEventListener('visibilitychange', onBack);
    window.addEventListener('focus', onBack);
    const timer = pollMs
      ? window.setInterval(() => {
          const state = latestState.current;
          const wanted = !pollWhile.current || (state?.status === 'ready' && pollWhile.current(state.data));
          if (document.visibilityState === 'visible' && wanted) reload();
        }, pollMs)
      : undefined;
    return () => {
      document.removeEventListener('visibilitychange', onBack);
      window.removeEventListener('focus', onBack);
      if (timer !== undefined) window.clearInterval(timer);
    };
  }, [pollMs, onVisible, reload]);

  return { state: result?.key === key ? result.state : { status: 'loading' }, loadedAt: result?.key === key ? result.at : 0, reload, set };
}
