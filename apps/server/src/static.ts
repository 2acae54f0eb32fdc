import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';
import type { Env } from './env.js';
import type { AppEnv } from './http/context.js';

export function webDistDir(env: Pick<Env, 'WEB_DIST'>): string {
  return resolve(env.WEB_DIST ?? resolve(import.meta.dirname, '../../web/dist'));
}

/**
 * Serves the built web app (when it has been built) and answers every other page path with
 * index.html so the app's own routes work on reload.
 */
export function serveWeb(app: Hono<AppEnv>, env: Pick<Env, 'WEB_DIST'>): void {
  const dist = webDistDir(env);
  const indexFile = resolve(dist, 'index.html');
  if (!existsSync(indexFile)) return;
  const root = relative(process.cwd(), dist) || '.';
  app.use(
    '/assets/*',
    serveStatic({
      root,
      // The build writes .br and .gz copies beside each asset (apps/web/tools/precompress.ts):
      // sent as they are to a browser that takes them, with Vary: Accept-Encoding for caches.
      precompressed: true,
      onFound: (_path, c) => {
        // Built assets have content hashes in their names: cache them for good.
        c.header('Cache-Control', 'public, max-age=31536000, immutable');
      },
    }),
  );
  app.use('*', serveStatic({ root }));
  const indexHtml = readFileSync(indexFile, 'utf8');
  app.get('*', (c) => {
    c.header('Cache-Control', 'no-cache');
    return c.html(indexHtml);
  });
}
