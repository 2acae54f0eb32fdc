import type { Context } from 'hono';
import type { Env } from '../env.js';

type OriginEnv = Pick<Env, 'PUBLIC_URL' | 'TRUST_PROXY'>;

/** The first value of a comma-separated forwarding header, set by a trusted proxy. */
function forwarded(c: Context, name: string): string | undefined {
  return c.req.header(name)?.split(',')[0]?.trim() || undefined;
}

/**
 * Whether the browser reached us over HTTPS: the request itself, the configured public
 * address, or (behind a trusted proxy) X-Forwarded-Proto says so.
 */
export function isHttps(c: Context, env: OriginEnv): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  if (env.PUBLIC_URL && new URL(env.PUBLIC_URL).protocol === 'https:') return true;
  return env.TRUST_PROXY && forwarded(c, 'x-forwarded-proto') === 'https';
}

/** The address people use to reach the app, for links: PUBLIC_URL, else the request's origin. */
export function publicBaseUrl(c: Context, env: OriginEnv): string {
  if (env.PUBLIC_URL) return env.PUBLIC_URL.replace(/\/+$/, '');
  const url = new URL(c.req.url);
  if (env.TRUST_PROXY) {
    const proto = forwarded(c, 'x-forwarded-proto');
    const host = forwarded(c, 'x-forwarded-host');
    if (proto === 'http' || proto === 'https') url.protocol = `${proto}:`;
    if (host && /^[a-z0-9.-]+(:\d{1,5})?$/i.test(host)) url.host = host;
  }
  return url.origin;
}
