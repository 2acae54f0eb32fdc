import { createMiddleware } from 'hono/factory';
import type { Env } from '../env.js';
import type { AppEnv } from '../http/context.js';
import { AppError } from '../http/errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses state-changing requests that a browser sent from another site. Browsers always
 * send Origin (or Sec-Fetch-Site) on cross-site POSTs; clients that send neither are not
 * browsers and carry no ambient cookie risk.
 */
export function rejectCrossOrigin(env: Pick<Env, 'PUBLIC_URL' | 'TRUST_PROXY'>) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method)) {
      const origin = c.req.header('origin');
      const fetchSite = c.req.header('sec-fetch-site');
      if (origin !== undefined) {
        if (!isSameOrigin(origin, c.req.url, c.req.header('host'), env)) throw new AppError(403, 'FORBIDDEN', 'Cross-site requests are not allowed.');
      } else if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') {
        throw new AppError(403, 'FORBIDDEN', 'Cross-site requests are not allowed.');
      }
    }
    await next();
  });
}

function isSameOrigin(origin: string, requestUrl: string, host: string | undefined, env: Pick<Env, 'PUBLIC_URL' | 'TRUST_PROXY'>): boolean {
  if (origin === 'null') return false;
  let originUrl: URL;
  try {
    originUrl = new URL(origin);
  } catch {
    return false;
  }
  if (env.PUBLIC_URL && originUrl.origin === new URL(env.PUBLIC_URL).origin) return true;
  if (host && originUrl.host === host) return true;
  return originUrl.origin === new URL(requestUrl).origin;
}
