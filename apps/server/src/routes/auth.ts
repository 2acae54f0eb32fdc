import { createUser, deleteUserSessions, findUserByEmail, findUserById, recordAudit, updatePasswordHash } from '@alliance/db';
import { changePasswordInput, loginInput, signupInput } from '@alliance/shared';
import { Hono } from 'hono';
import { hashPassword, newToken, verifyPassword } from '../auth/crypto.js';
import { createPasswordAttempts } from '../auth/password-attempts.js';
import { endSession, startSession } from '../auth/sessions.js';
import type { AppDeps, AppEnv } from '../http/context.js';
import { toUserDto } from '../http/dto.js';
import { AppError } from '../http/errors.js';
import { validate } from '../http/validate.js';
import { limitBody } from '../middleware/body-limit.js';
import { noStore } from '../middleware/no-store.js';
import { AUTH_LIMITS, RateLimiter, limitByClientAddress } from '../middleware/rate-limit.js';
import { currentUser, requireSession } from '../middleware/session.js';

const INVALID_LOGIN = 'Wrong email or password.';

/**
 * Signup, login, logout (here or everywhere) and changing the password. Every password check
 * is throttled (see `createPasswordAttempts`); the counters live in the injected store, so on
 * Postgres every process shares them.
 */
export function authRoutes(deps: AppDeps) {
  const passwords = createPasswordAttempts({ db: deps.db, env: deps.env, store: deps.rateLimitStore });
  const signupPerAddress = new RateLimiter(deps.rateLimitStore, 'signup-address', AUTH_LIMITS.signupPerAddress);
  // Verified against when the email is unknown, so a login takes as long either way and its
  // timing does not tell whether an account exists.
  const dummyHash = hashPassword(newToken());
  dummyHash.catch(() => {}); // awaited (and its failure surfaced) by the login that needs it

  const logRateLimited = (error: unknown): never => {
    if (error instanceof AppError && error.code === 'RATE_LIMITED') deps.logger.warn('auth.rate_limited');
    throw error;
  };

  return new Hono<AppEnv>()
    .use(noStore)
    .post('/signup', limitByClientAddress(signupPerAddress), limitBody(), validate('json', signupInput), async (c) => {
      const input = c.req.valid('json');
      const user = await createUser(deps.db, { email: input.email, name: input.name, passwordHash: await hashPassword(input.password) });
      if (!user) throw new AppError(409, 'CONFLICT', 'An account with this email already exists. Try logging in.');
      await startSession(c, deps, user.id);
      await passwords.rememberDevice(c, user.id, undefined);
      await recordAudit(deps.db, { workspaceId: null, userId: user.id, action: 'auth.signup' });
      deps.logger.info('auth.signup', { userId: user.id });
      return c.json(toUserDto(user), 201);
    })
    .post('/login', limitBody(), validate('json', loginInput), async (c) => {
      const input = c.req.valid('json');
      const user = await findUserByEmail(deps.db, input.email);
      const { valid, deviceId } = await passwords
        .attempt(c, { email: input.email, userId: user?.id }, async () => {
          if (user) return verifyPassword(input.password, user.password_hash);
          await verifyPassword(input.password, await dummyHash);
          return false;
        })
        .catch(logRateLimited);
      if (!user || !valid) {
        deps.logger.info('auth.login_failed');
        throw new AppError(401, 'UNAUTHORIZED', INVALID_LOGIN);
      }
      await startSession(c, deps, user.id);
      await passwords.rememberDevice(c, user.id, deviceId);
      await recordAudit(deps.db, { workspaceId: null, userId: user.id, action: 'auth.login' });
      deps.logger.info('auth.login', { userId: user.id });
      return c.json(toUserDto(user), 200);
    })
    .post('/logout', async (c) => {
      const session = c.get('session');
      await endSession(c, deps, session);
      if (session) await recordAudit(deps.db, { workspaceId: null, userId: session.user.id, action: 'auth.logout' });
      return c.body(null, 204);
    })
    .post('/logout-everywhere', requireSession, async (c) => {
      const user = currentUser(c);
      // Other browsers that logged in before lose the owner's allowance for guessing too.
      await passwords.forgetOtherDevices(c, user.id);
      await deleteUserSessions(deps.db, user.id);
      deps.liveConnections.endUser(user.id, { reason: 'logout_everywhere' });
      await endSession(c, deps, null);
      await recordAudit(deps.db, { workspaceId: null, userId: user.id, action: 'auth.logout_everywhere' });
      deps.logger.info('auth.logout_everywhere', { userId: user.id });
      return c.body(null, 204);
    })
    .post('/password', requireSession, limitBody(), validate('json', changePasswordInput), async (c) => {
      const input = c.req.valid('json');
      const user = currentUser(c);
      const session = c.get('session')!;
      const stored = await findUserById(deps.db, user.id);
      // Someone holding a stolen session must not get more guesses here than at login.
      const { valid } = await passwords
        .attempt(c, { email: user.email, userId: user.id }, async () => !!stored && (await verifyPassword(input.currentPassword, stored.password_hash)))
        .catch(logRateLimited);
      if (!valid) {
        deps.logger.info('auth.password_change_refused', { userId: user.id });
        throw new AppError(403, 'FORBIDDEN', 'That is not your current password.');
      }
      await updatePasswordHash(deps.db, user.id, await hashPassword(input.newPassword));
      // Whoever else was logged in with the old password is not any more; this browser stays.
      await deleteUserSessions(deps.db, user.id, { exceptSessionId: session.sessionId });
      deps.liveConnections.endUser(user.id, { exceptSessionId: session.sessionId, reason: 'password_changed' });
      await passwords.forgetOtherDevices(c, user.id);
      await recordAudit(deps.db, { workspaceId: null, userId: user.id, action: 'auth.password_changed' });
      deps.logger.info('auth.password_changed', { userId: user.id });
      return c.body(null, 204);
    });
}
