import { getConnInfo } from '@hono/node-server/conninfo';
import { createMiddleware } from 'hono/factory';
import type { Env } from '../env.js';
import type { AppEnv } from '../http/context.js';

/** The caller's address, for rate limits: X-Forwarded-For only when TRUST_PROXY is set. */
export function clientAddress(env: Pick<Env, 'TRUST_PROXY'>) {
  return createMiddleware<AppEnv>(async (c, next) => {
    let address: string | undefined;
    if (env.TRUST_PROXY) address = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (!address) {
      try {
        address = getConnInfo(c).remote.address;
      } catch {
        address = undefined;
      }
    }
    c.set('clientAddress', address ?? 'unknown');
    await next();
  });
}
