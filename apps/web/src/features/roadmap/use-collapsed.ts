import { useCallback, useSyncExternalStore } from 'react';

/**
 * Which goals this browser shows folded. Local to the person and the device (not in the shared
 * document: folding a goal is how one reads, not a change to the roadmap).
 */
const STORAGE_KEY = 'alliance.roadmap.collapsed';
const MAX_REMEMBERED = 500;

const listeners = new Set<() => void>();
let cachedRaw: string | null | undefined;
let cached: ReadonlySet<string> = new Set();

function read(): ReadonlySet<string> {
  let raw: string | null = null;
  try {
    raw = window.localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage may be unavailable (private mode, blocked): nothing is remembered.
  }
  if (raw === cachedRaw) return cached;
  cachedRaw = raw;
  try {
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    cached = new Set(Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : []);
  } catch {
    cached = new Set();
  }
  return cached;
}

function write(ids: ReadonlySet<string>): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify([...ids].slice(-MAX_REMEMBERED)));
  } catch {
    // Not remembered; the page still folds until it reloads.
    cachedRaw = undefined;
    cached = ids;
  }
  for (const listener of [...listeners]) listener();
}

function subscribe(onChange: () => void): () => void {
  listeners.add(onChange);
  const onStorage = (event: StorageEvent) => {
    if (event.key === STORAGE_KEY) onChange();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(onChange);
    window.removeEventListener('storage', onStorage);
  };
}

/** Whether the goal `id` is folded in this browser, and how to fold or unfold it. */
export function useCollapsed(id: string): [boolean, (collapsed: boolean) => void] {
  const collapsed = useSyncExternalStore(subscribe, () => read().has(id));
  const setCollapsed = useCallback(
    (next: boolean) => {
      const ids = new Set(read());
      if (next) ids.add(id);
      else ids.delete(id);
      write(ids);
    },
    [id],
  );
  return [collapsed, setCollapsed];
}
