import { useSyncExternalStore } from 'react';

/** The app's pages. Paths are public: invite links and bookmarks point at them. */
export type Route =
  | { name: 'home' }
  | { name: 'login' }
  | { name: 'signup' }
  | { name: 'account' }
  | { name: 'workspace'; workspaceId: string }
  | { name: 'invite'; token: string }
  | { name: 'not-found' };

export const paths = {
  home: () => '/',
  login: () => '/login',
  signup: () => '/signup',
  account: () => '/account',
  workspace: (workspaceId: string) => `/w/${encodeURIComponent(workspaceId)}`,
  invite: (token: string) => `/invite/${encodeURIComponent(token)}`,
};

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter(Boolean);
  if (parts.length === 0) return { name: 'home' };
  const [first, second] = parts;
  if (parts.length === 1 && first === 'login') return { name: 'login' };
  if (parts.length === 1 && first === 'signup') return { name: 'signup' };
  if (parts.length === 1 && first === 'account') return { name: 'account' };
  if (parts.length === 2 && second !== undefined) {
    const value = decode(second);
    if (value && first === 'w') return { name: 'workspace', workspaceId: value };
    if (value && first === 'invite') return { name: 'invite', token: value };
  }
  return { name: 'not-found' };
}

const listeners = new Set<() => void>();
let current: { pathname: string; route: Route } | null = null;

function snapshot(): Route {
  const pathname = window.location.pathname;
  if (current?.pathname !== pathname) current = { pathname, route: parseRoute(pathname) };
  return current.route;
}

function subscribe(onChange: () => void): () => void {
  listeners.add(onChange);
  window.addEventListener('popstate', onChange);
  return () => {
    listeners.delete(onChange);
    window.removeEventListener('popstate', onChange);
  };
}

/** Moves to another page of the app without reloading it. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === window.location.pathname + window.location.search) return;
  if (options.replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  window.scrollTo(0, 0);
  for (const listener of [...listeners]) listener();
}

/** The current page, from the address bar (history API). */
export function useRoute(): Route {
  return useSyncExternalStore(subscribe, snapshot);
}
