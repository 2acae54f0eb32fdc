import { addLoginDevice, deleteUserLoginDevices, findLoginDevice, touchLoginDevice, type Database } from '@alliance/db';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { Kysely } from 'kysely';
import type { Env } from '../env.js';
import type { AppEnv } from '../http/context.js';
import { isHttps } from '../http/request-origin.js';
import { AUTH_LIMITS, RateLimiter, rejectRateLimited, type RateLimitStore } from '../middleware/rate-limit.js';
import { hashToken, newToken } from './crypto.js';

/**
 * The device cookie (OWASP's "device cookies"): a browser that has logged in to an account
 * carries a token bound to that account. Sent only to the auth routes, which are the only
 * ones that read it.
 */
const DEVICE_COOKIE = 'alliance_device';
const DEVICE_COOKIE_PATH = '/api/auth';

/**
 * The device cookie's name: in production `__Secure-` prefixed (it is always Secure there; it
 * cannot be `__Host-`, which needs Path=/), the plain name elsewhere.
 */
export function deviceCookieName(env: Pick<Env, 'NODE_ENV'>): string {
  return env.NODE_ENV === 'production' ? `__Secure-${DEVICE_COOKIE}` : DEVICE_COOKIE;
}
/** A shared computer may be the known device of a few accounts; beyond that the oldest goes. */
const MAX_DEVICE_TOKENS = 4;
/** Browsers cap cookie lifetimes at 400 days; a device unused that long is forgotten. */
export const DEVICE_TTL_DAYS = 400;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{20,100}$/;
/** A user id no account has. */
const NO_USER = '00000000-0000-0000-0000-000000000000';

type Limits = Pick<typeof AUTH_LIMITS, 'passwordPerAccount' | 'passwordPerDevice' | 'passwordPerAddress'>;

export interface PasswordAttemptsDeps {
  db: Kysely<Database>;
  env: Pick<Env, 'NODE_ENV' | 'PUBLIC_URL' | 'TRUST_PROXY'>;
  store: RateLimitStore;
  limits?: Limits;
}

/** The account a password is being tried for: its email, and its id when it exists. */
export interface PasswordTarget {
  email: string;
  userId: string | undefined;
}

/**
 * Throttles password guessing without handing an attacker a way to lock the owner out.
 * An attempt from a browser with a valid device cookie for the account counts only against
 * that device; any other counts against the account (shared by every unknown browser) and the
 * client address. So failures from elsewhere can lock the account for unknown browsers, while
 * the owner's own browser still logs in. Only failures count.
 */
export function createPasswordAttempts(deps: PasswordAttemptsDeps) {
  const limits = deps.limits ?? AUTH_LIMITS;
  const perAccount = new RateLimiter(deps.store, 'password-account', limits.passwordPerAccount);
  const perDevice = new RateLimiter(deps.store, 'password-device', limits.passwordPerDevice);
  const perAddress = new RateLimiter(deps.store, 'password-address', limits.passwordPerAddress);
  const cookieName = deviceCookieName(deps.env);

  /** The device tokens the browser sent (unchecked). */
  const presentedTokens = (c: Context): string[] =>
    (getCookie(c, cookieName) ?? '')
      .split('.')
      .filter((token) => TOKEN_PATTERN.test(token))
      .slice(0, MAX_DEVICE_TOKENS);

  /**
   * The id of this browser's device for the account, if it has a valid one. Looked up for an
   * unknown email too, so the time a login takes does not tell whether the account exists.
   */
  const knownDevice = async (c: Context, userId: string | undefined): Promise<string | undefined> => {
    const tokens = presentedTokens(c);
    if (tokens.length === 0) return undefined;
    return findLoginDevice(deps.db, userId ?? NO_USER, tokens.map(hashToken));
  };

  return {
    knownDevice,

    /**
     * Runs `verify` (the password check) within the limits: refuses with 429 before it when
     * over them. Counted before the check, so parallel guesses cannot all slip under the
     * limit; a right password gives its attempt back and clears the counter it was on.
     */
    async attempt(c: Context<AppEnv>, target: PasswordTarget, verify: () => Promise<boolean>): Promise<{ valid: boolean; deviceId: string | undefined }> {
      const deviceId = await knownDevice(c, target.userId);
      const counters: [RateLimiter, string][] = deviceId
        ? [[perDevice, deviceId]]
        : [
            [perAddress, c.get('clientAddress')],
            [perAccount, target.email],
          ];
      const counted: [RateLimiter, string][] = [];
      for (const [limiter, key] of counters) {
        const decision = await limiter.consume(key);
        if (!decision.allowed) {
          // Refused attempts are not held against the other counters.
          for (const [other, otherKey] of counted) await other.refund(otherKey);
          rejectRateLimited(c, decision.retryAfterSeconds);
        }
        counted.push([limiter, key]);
      }
      const valid = await verify();
      if (valid) {
        for (const [limiter, key] of counted) {
          if (limiter === perAddress) await limiter.refund(key);
          else await limiter.reset(key);
        }
      }
      return { valid, deviceId };
    },

    /**
     * After a successful login or signup: this browser becomes (or stays) a known device of
     * the account. Only the token's hash is stored.
     */
    async rememberDevice(c: Context, userId: string, deviceId: string | undefined): Promise<void> {
      if (deviceId) {
        await touchLoginDevice(deps.db, deviceId);
        return;
      }
      const token = newToken();
      await addLoginDevice(deps.db, { id: hashToken(token), userId });
      const tokens = [token, ...presentedTokens(c)].slice(0, MAX_DEVICE_TOKENS);
      setCookie(c, cookieName, tokens.join('.'), {
        httpOnly: true,
        sameSite: 'Strict',
        path: DEVICE_COOKIE_PATH,
        secure: deps.env.NODE_ENV === 'production' || isHttps(c, deps.env),
        maxAge: DEVICE_TTL_DAYS * 86_400,
      });
    },

    /**
     * Forgets every known device of the account but this browser's: after a password change
     * or "log out everywhere", a browser that had logged in before no longer gets the
     * owner's allowance.
     */
    async forgetOtherDevices(c: Context, userId: string): Promise<void> {
      const keep = await knownDevice(c, userId);
      await deleteUserLoginDevices(deps.db, userId, keep ? { exceptId: keep } : {});
    },
  };
}

export type PasswordAttempts = ReturnType<typeof createPasswordAttempts>;
