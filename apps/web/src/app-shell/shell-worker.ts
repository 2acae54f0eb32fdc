/**
 * The service worker that keeps the app shell: the built index.html and the assets it names,
 * so that a page reloaded or opened while offline still starts, counts the changes waiting in
 * the outbox, and sends them once the connection is back. index.html names the first screen's
 * files (its script, modulepreloads and styles) and, in a data list, the parts loaded later
 * (tabs, the editor; apps/web/tools/shell-assets.ts): all are kept, whatever the build named them.
 *
 * Nothing personal passes through it: API answers (personal, `no-store`) and the realtime
 * connection are left to the network, and the shell is the same file for everyone. Pages are
 * fetched from the network first, so a new build is used as soon as it is online.
 */

// The little of the service worker scope used here (this file is compiled with the DOM library).
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}
interface ServiceWorkerScope {
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
  skipWaiting(): Promise<void>;
  readonly clients: { claim(): Promise<void> };
  readonly location: Location;
}

const worker = self as unknown as ServiceWorkerScope;
const CACHE_PREFIX = 'alliance-shell-';
const CACHE = `${CACHE_PREFIX}v1`;
const SHELL = '/';

const isShellAsset = (url: URL) => url.origin === worker.location.origin && url.pathname.startsWith('/assets/');

/** Keeps `page` as the shell once every asset it names is kept, then forgets earlier builds' assets. */
async function keepShell(page: Response): Promise<void> {
  const html = await page.clone().text();
  const assets = [...new Set(html.match(/\/assets\/[^"'\s<>]+/g) ?? [])].map((path) => new URL(path, worker.location.origin).href);
  const cache = await caches.open(CACHE);
  const missing: string[] = [];
  for (const asset of assets) if (!(await cache.match(asset))) missing.push(asset);
  await cache.addAll(missing);
  await cache.put(SHELL, page);
  const wanted = new Set(assets);
  for (const request of await cache.keys()) {
    if (isShellAsset(new URL(request.url)) && !wanted.has(request.url)) await cache.delete(request);
  }
}

async function openPage(event: FetchEvent): Promise<Response> {
  try {
    const response = await fetch(event.request);
    if (response.ok && response.headers.get('content-type')?.includes('text/html')) event.waitUntil(keepShell(response.clone()).catch(() => {}));
    return response;
  } catch (error) {
    // Offline: every page of the app is the same shell, which routes by the address.
    const shell = await caches.match(SHELL);
    if (shell) return shell;
    throw error;
  }
}

worker.addEventListener('install', (event) => {
  event.waitUntil(
    fetch(SHELL, { cache: 'no-cache' })
      .then((response) => (response.ok ? keepShell(response) : undefined))
      .then(() => worker.skipWaiting()),
  );
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE).map((name) => caches.delete(name))))
      .then(() => worker.clients.claim()),
  );
});

worker.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== worker.location.origin || url.pathname.startsWith('/api/') || url.pathname.startsWith('/socket.io/')) return;
  if (request.mode === 'navigate') event.respondWith(openPage(event));
  else if (isShellAsset(url)) event.respondWith(caches.match(request).then((kept) => kept ?? fetch(request)));
});
