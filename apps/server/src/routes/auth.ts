import { createUser, findUserByEmail, recordAudit } from '@alliance/db';
import { loginInput, signupInput } from '@alliance/shared';
import { Hono, type Context } from 'hono';
import { hashPassword, newToken, verifyPassword } from '../auth/crypto.js';
import { endSession, startSession } from '../auth/sessions.js';
import type { AppDeps, AppEnv } from '../http/context.js';
import { toUserDto } from '../http/dto.js';
import { AppError } from '../http/errors.js';
import { validate } from '../http/validate.js';
import { limitBody } from '../middleware/body-limit.js';
import { noStore } from '../middleware/no-store.js';
import { AUTH_LIMITS, RateLimiter, limitByClientAddress, rejectRateLimited } from '../middleware/rate-limit.js';

const INVALID_LOGIN = 'Wrong email or password.';

/**
 * Signup, login and logout. Login is rate limited per account and per client address; the
 * counters live in this instance, so every app (and every test server) starts clean.
 */
export function authRoutes(deps: AppDeps) {
  const loginPerAccount = new RateLimiter(AUTH_LIMITS.loginPerAccount);
  const loginPerAddress = new RateLimiter(AUTH_LIMITS.loginPerAddress);
  const signupPerAddress = new RateLimiter(AUTH_LIMITS.signupPerAddress);
  // Verified against when the email is unknown, so a login takes as long either way and its
  // timing does not tell whether an account exists.
  const dummyHash = hashPassword(newToken());
  dummyHash.catch(() => {}); // awaited (and its failure surfaced) by the login that needs it

  const tooManyAttempts = (c: Context, retryAfterSeconds: number) => {
    deps.logger.warn('auth.rate_limited');
    return rejectRateLimited(c, retryAfterSeconds);
  };

  return new Hono<AppEnv>()
    .use(noStore)
    .post('/signup', limitByClientAddress(signupPerAddress), limitBody(), validate('json', signupInput), async (c) => {
      const input = c.req.valid('json');
      const user = await createUser(deps.db, { email: input.email, name: input.name, passwordHash: await hashPassword(input.password) });
      if (!user) throw new AppError(409, 'CONFLICT', 'An account with this email already exists. Try logging in.');
      await startSession(c, deps, user.id);
      await recordAudit(deps.db, { workspaceId: null, userId: user.id, action: 'auth.signup' });
      deps.logger.info('auth.signup', { userId: user.id });
      return c.json(toUserDto(user), 201);
    })
    .post('/login', limitBody(), validate('json', loginInput), async (c) => {
      const input = c.req.valid('json');
      const address = c.get('clientAddress');
      // Counted before the password check, so parallel guesses cannot all slip under the
      // limit; a successful login gives its attempts back.
      const byAccount = loginPerAccount.check(input.email);
      if (!byAccount.allowed) return tooManyAttempts(c, byAccount.retryAfterSeconds);
      const byAddress = loginPerAddress.consume(address);
      if (!byAddress.allowed) return tooManyAttempts(c, byAddress.retryAfterSeconds);
      loginPerAccount.consume(input.email);

      const user = await findUserByEmail(deps.db, input.email);
      let valid = false;
      if (user) valid = await verifyPassword(input.password, user.password_hash);
      else await verifyPassword(input.password, await dummyHash);
      if (!user || !valid) {
        deps.logger.info('auth.login_failed');
        throw new AppError(401, 'UNAUTHORIZED', INVALID_LOGIN);
      }
      loginPerAccount.reset(input.email);
      loginPerAddress.refund(address);
      await startSession(c, deps, user.id);
      await recordAudit(deps.db, { workspaceId: null, userId: user.id, action: 'auth.login' });
      deps.logger.info('auth.login', { userId: user.id });
      return c.json(toUserDto(user), 200);
    })
    .post('/logout', async (c) => {
      const session = c.get('session');
      await endSession(c, deps, session);
      if (session) await recordAudit(deps.db, { workspaceId: null, userId: session.user.id, action: 'auth.logout' });
      return c.body(null, 204);
    });
}
