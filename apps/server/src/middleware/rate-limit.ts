import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../http/context.js';
import { AppError } from '../http/errors.js';

/** How many attempts a key may make per window, and how many keys are remembered at most. */
export interface RateLimitOptions {
  limit: number;
  windowMs: number;
  /** Memory bound: past this many keys, expired windows are swept and then the oldest dropped. */
  maxKeys?: number;
  /** The clock, injectable so tests can move time without sleeping. */
  now?: () => number;
}

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Window {
  count: number;
  resetAt: number;
}

/**
 * A fixed-window counter per key, in memory. One process, one set of counters: behind several
 * processes each keeps its own, which still bounds guessing to a small multiple of the limit.
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(private readonly options: RateLimitOptions) {
    this.maxKeys = options.maxKeys ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Whether `key` may make another attempt, without counting one. */
  check(key: string): RateLimitDecision {
    const window = this.live(key);
    if (!window || window.count < this.options.limit) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.resetAt - this.now()) / 1000)) };
  }

  /**
   * Counts an attempt if one is allowed. Counting before the slow work (a password check)
   * means concurrent requests cannot all slip in under the limit.
   */
  consume(key: string): RateLimitDecision {
    const decision = this.check(key);
    if (!decision.allowed) return decision;
    const window = this.live(key);
    if (window) window.count += 1;
    else this.insert(key, { count: 1, resetAt: this.now() + this.options.windowMs });
    return decision;
  }

  /** Gives back one counted attempt (e.g. it turned out to be a successful login). */
  refund(key: string): void {
    const window = this.live(key);
    if (!window) return;
    window.count -= 1;
    if (window.count <= 0) this.windows.delete(key);
  }

  /** Forgets every attempt of `key`. */
  reset(key: string): void {
    this.windows.delete(key);
  }

  /** How many keys are remembered (for tests of the memory bound). */
  get size(): number {
    return this.windows.size;
  }

  private live(key: string): Window | undefined {
    const window = this.windows.get(key);
    if (window && window.resetAt <= this.now()) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }

  private insert(key: string, window: Window): void {
    if (this.windows.size >= this.maxKeys) {
      const now = this.now();
      for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
      // Still full: drop the oldest windows (a Map iterates in insertion order). Bounded memory
      // wins over remembering every attacker; the per-account limit still holds for most keys.
      for (const k of this.windows.keys()) {
        if (this.windows.size < this.maxKeys) break;
        this.windows.delete(k);
      }
    }
    this.windows.set(key, window);
  }
}

/** Refuses the request with 429 and a Retry-After header. */
export function rejectRateLimited(c: Context, retryAfterSeconds: number): never {
  c.header('Retry-After', String(retryAfterSeconds));
  const minutes = Math.ceil(retryAfterSeconds / 60);
  throw new AppError(429, 'RATE_LIMITED', `Too many attempts. Please try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`);
}

/** Counts every request per client address and refuses those over the limit. */
export function limitByClientAddress(limiter: RateLimiter) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const decision = limiter.consume(c.get('clientAddress'));
    if (!decision.allowed) rejectRateLimited(c, decision.retryAfterSeconds);
    await next();
  });
}

/** The limits the auth routes use. Failed logins only count; signups count every attempt. */
export const AUTH_LIMITS = {
  loginPerAccount: { limit: 10, windowMs: 15 * 60_000 },
  loginPerAddress: { limit: 30, windowMs: 15 * 60_000 },
  signupPerAddress: { limit: 50, windowMs: 15 * 60_000 },
} satisfies Record<string, RateLimitOptions>;
