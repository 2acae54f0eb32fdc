import { createSession, deleteSession, findSession, type Database, type SessionUser } from '@alliance/db';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { parse } from 'hono/utils/cookie';
import type { Kysely } from 'kysely';
import type { Env } from '../env.js';
import type { AppEnv } from '../http/context.js';
import { isHttps } from '../http/request-origin.js';
import { hashToken, newToken } from './crypto.js';

/** The session cookie: httpOnly, SameSite=Lax, Secure when served over HTTPS. */
export const SESSION_COOKIE = 'alliance_session';

type SessionEnv = Pick<Env, 'SESSION_TTL_DAYS' | 'PUBLIC_URL' | 'TRUST_PROXY'>;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Finds the live session named by a Cookie header. Used by the HTTP middleware and by both
 * realtime transports at handshake, so every entry point authenticates the same way.
 */
export async function authenticateCookieHeader(db: Kysely<Database>, cookieHeader: string | undefined | null): Promise<SessionUser | undefined> {
  if (!cookieHeader) return undefined;
  const token = parse(cookieHeader, SESSION_COOKIE)[SESSION_COOKIE];
  if (!token || token.length > 200) return undefined;
  return findSession(db, hashToken(token));
}

/**
 * Opens a session for `userId` and sets its cookie. The database keeps only the token's hash,
 * so a leaked table cannot be replayed as cookies.
 */
export async function startSession(c: Context<AppEnv>, deps: { db: Kysely<Database>; env: SessionEnv }, userId: string): Promise<void> {
  // Logging in again (or as someone else) on this browser retires the session it had.
  const previous = c.get('session');
  if (previous) await deleteSession(deps.db, previous.sessionId);
  const token = newToken();
  // Browsers cap cookie lifetimes at 400 days (and Hono refuses longer ones).
  const maxAgeSeconds = Math.min(Math.floor(deps.env.SESSION_TTL_DAYS * 86_400), 400 * 86_400);
  await createSession(deps.db, { id: hashToken(token), userId, expiresAt: new Date(Date.now() + deps.env.SESSION_TTL_DAYS * DAY_MS) });
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    secure: isHttps(c, deps.env),
    maxAge: maxAgeSeconds,
  });
}

/** Deletes the server-side session (if any) and clears the cookie. */
export async function endSession(c: Context, deps: { db: Kysely<Database>; env: SessionEnv }, session: SessionUser | null): Promise<void> {
  if (session) await deleteSession(deps.db, session.sessionId);
  deleteCookie(c, SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'Lax', secure: isHttps(c, deps.env) });
}
