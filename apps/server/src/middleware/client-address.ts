import { createMiddleware } from 'hono/factory';
import type { Env } from '../env.js';
import type { AppEnv } from '../http/context.js';
import { clientAddressOf } from '../http/request-origin.js';

/** Puts the caller's address (see `clientAddressOf`) on the context for the rate limits. */
export function clientAddress(env: Pick<Env, 'PUBLIC_URL' | 'TRUST_PROXY'>) {
  return createMiddleware<AppEnv>(async (c, next) => {
    c.set('clientAddress', clientAddressOf(c, env));
    await next();
  });
}
