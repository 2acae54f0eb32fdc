import { createMiddleware } from 'hono/factory';
import { authenticateCookieHeader, refreshSession } from '../auth/sessions.js';
import type { AppDeps, AppEnv } from '../http/context.js';
import { unauthorized } from '../http/errors.js';

/** Loads the caller's session (if any) onto the context, moving its expiry on when due. */
export function loadSession(deps: Pick<AppDeps, 'db' | 'env'>) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const session = (await authenticateCookieHeader(deps.db, c.req.header('cookie'), deps.env)) ?? null;
    if (session) await refreshSession(c, deps, session);
    c.set('session', session);
    await next();
  });
}

/** Refuses the request with 401 unless the caller is logged in. */
export const requireSession = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.get('session')) throw unauthorized();
  await next();
});

/** The logged-in user; only call behind `requireSession`. */
export function currentUser(c: { get(key: 'session'): AppEnv['Variables']['session'] }) {
  const session = c.get('session');
  if (!session) throw unauthorized();
  return session.user;
}
