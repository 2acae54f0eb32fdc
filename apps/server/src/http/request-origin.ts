import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { Env } from '../env.js';

type OriginEnv = Pick<Env, 'PUBLIC_URL' | 'TRUST_PROXY'>;

/**
 * The entry of a forwarding header (X-Forwarded-For, -Proto, -Host) that the trusted proxies
 * vouch for. Each proxy appends what it saw to the right, so with `hops` proxies the value
 * for the client is `hops` entries from the right; entries further left were sent by the
 * client and could say anything. With fewer entries than hops, the leftmost is the furthest
 * a proxy saw. None at all when no proxy is trusted.
 */
export function trustedForwarded(header: string | string[] | undefined, hops: number): string | undefined {
  if (hops <= 0 || header === undefined) return undefined;
  const entries = (Array.isArray(header) ? header.join(',') : header)
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return undefined;
  return entries[Math.max(0, entries.length - hops)];
}

function forwarded(c: Context, name: string, env: OriginEnv): string | undefined {
  return trustedForwarded(c.req.header(name), env.TRUST_PROXY);
}

/**
 * The address the request came from, as the rate limits see it: the one the trusted proxies
 * recorded, else the socket's peer.
 */
export function clientAddressOf(c: Context, env: OriginEnv): string {
  const viaProxy = forwarded(c, 'x-forwarded-for', env);
  if (viaProxy) return viaProxy;
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Whether the browser reached us over HTTPS: the request itself, the configured public
 * address, or (behind a trusted proxy) X-Forwarded-Proto says so.
 */
export function isHttps(c: Context, env: OriginEnv): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  if (env.PUBLIC_URL && new URL(env.PUBLIC_URL).protocol === 'https:') return true;
  return forwarded(c, 'x-forwarded-proto', env) === 'https';
}

/** The address people use to reach the app, for links: PUBLIC_URL, else the request's origin. */
export function publicBaseUrl(c: Context, env: OriginEnv): string {
  if (env.PUBLIC_URL) return env.PUBLIC_URL.replace(/\/+$/, '');
  const url = new URL(c.req.url);
  const proto = forwarded(c, 'x-forwarded-proto', env);
  const host = forwarded(c, 'x-forwarded-host', env);
  if (proto === 'http' || proto === 'https') url.protocol = `${proto}:`;
  if (host && /^[a-z0-9.-]+(:\d{1,5})?$/i.test(host)) url.host = host;
  return url.origin;
}
