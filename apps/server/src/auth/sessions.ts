import { createSession, deleteSession, extendSession, findSession, type Database, type SessionUser } from '@alliance/db';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { parse } from 'hono/utils/cookie';
import type { Kysely } from 'kysely';
import type { Env } from '../env.js';
import type { AppEnv } from '../http/context.js';
import { isHttps } from '../http/request-origin.js';
import { hashToken, newToken } from './crypto.js';
import type { LiveConnections } from './live-connections.js';

/** The session cookie (httpOnly, SameSite=Lax) by its plain name: see `sessionCookieName`. */
const SESSION_COOKIE = 'alliance_session';

type CookieEnv = Pick<Env, 'NODE_ENV'>;
type SessionEnv = CookieEnv & Pick<Env, 'SESSION_TTL_DAYS' | 'PUBLIC_URL' | 'TRUST_PROXY'>;

/**
 * The session cookie's name. In production it carries the `__Host-` prefix, which browsers
 * accept only on a Secure cookie with Path=/ and no Domain: no subdomain or plain-http page can
 * set or shadow it. Elsewhere (development, tests) it keeps the plain name.
 */
export function sessionCookieName(env: CookieEnv): string {
  return env.NODE_ENV === 'production' ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;
}

/**
 * Secure always in production (browsers treat http://localhost as secure, so local use works
 * too); elsewhere when the browser reached us over HTTPS.
 */
function isSecureCookie(c: Context, env: SessionEnv): boolean {
  return env.NODE_ENV === 'production' || isHttps(c, env);
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** What starting or ending a session needs: ending one also closes its realtime connections. */
interface SessionDeps {
  db: Kysely<Database>;
  env: SessionEnv;
  liveConnections: Pick<LiveConnections, 'endSession'>;
}

/**
 * Finds the live session named by a Cookie header. Used by the HTTP middleware and by both
 * realtime transports at handshake, so every entry point authenticates the same way.
 */
export async function authenticateCookieHeader(db: Kysely<Database>, cookieHeader: string | undefined | null, env: CookieEnv): Promise<SessionUser | undefined> {
  const token = tokenFrom(cookieHeader, env);
  return token ? findSession(db, hashToken(token)) : undefined;
}

/** The session token a Cookie header carries, if it looks like one. */
function tokenFrom(cookieHeader: string | undefined | null, env: CookieEnv): string | undefined {
  if (!cookieHeader) return undefined;
  const name = sessionCookieName(env);
  const token = parse(cookieHeader, name)[name];
  return token && token.length <= 200 ? token : undefined;
}

function ttlMs(env: SessionEnv): number {
  return env.SESSION_TTL_DAYS * DAY_MS;
}

/**
 * Sessions slide: someone who keeps using Alliance stays logged in, while a session left alone
 * for SESSION_TTL_DAYS ends. To keep writes rare, the expiry moves on at most once a day (or
 * once per half of a short TTL), with the cookie renewed to match.
 */
export async function refreshSession(c: Context<AppEnv>, deps: { db: Kysely<Database>; env: SessionEnv }, session: SessionUser): Promise<void> {
  const ttl = ttlMs(deps.env);
  const now = Date.now();
  const sinceRenewal = ttl - (session.expiresAt.getTime() - now);
  if (sinceRenewal < Math.min(DAY_MS, ttl / 2)) return;
  const token = tokenFrom(c.req.header('cookie'), deps.env);
  if (!token) return;
  const expiresAt = new Date(now + ttl);
  await extendSession(deps.db, session.sessionId, expiresAt);
  session.expiresAt = expiresAt;
  setSessionCookie(c, deps.env, token);
}

/**
 * Opens a session for `userId` and sets its cookie. The database keeps only the token's hash,
 * so a leaked table cannot be replayed as cookies.
 */
export async function startSession(c: Context<AppEnv>, deps: SessionDeps, userId: string): Promise<void> {
  // Logging in again (or as someone else) on this browser retires the session it had.
  const previous = c.get('session');
  if (previous) {
    await deleteSession(deps.db, previous.sessionId);
    deps.liveConnections.endSession(previous.sessionId, 'replaced');
  }
  const token = newToken();
  await createSession(deps.db, { id: hashToken(token), userId, expiresAt: new Date(Date.now() + ttlMs(deps.env)) });
  setSessionCookie(c, deps.env, token);
}

function setSessionCookie(c: Context, env: SessionEnv, token: string): void {
  setCookie(c, sessionCookieName(env), token, {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    secure: isSecureCookie(c, env),
    // Browsers cap cookie lifetimes at 400 days (and Hono refuses longer ones).
    maxAge: Math.min(Math.floor(env.SESSION_TTL_DAYS * 86_400), 400 * 86_400),
  });
}

/** Deletes the server-side session (if any), closes its realtime connections and clears the cookie. */
export async function endSession(c: Context, deps: SessionDeps, session: SessionUser | null): Promise<void> {
  if (session) {
    await deleteSession(deps.db, session.sessionId);
    deps.liveConnections.endSession(session.sessionId, 'logout');
  }
  deleteCookie(c, sessionCookieName(deps.env), { path: '/', httpOnly: true, sameSite: 'Lax', secure: isSecureCookie(c, deps.env) });
}
