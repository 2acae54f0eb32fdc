import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.js';

function limiterWithClock(options: { limit: number; windowMs: number; maxKeys?: number }) {
  let now = 1_000_000;
  const limiter = new RateLimiter({ ...options, now: () => now });
  return { limiter, advance: (ms: number) => (now += ms) };
}

describe('RateLimiter', () => {
  it('allows `limit` attempts per window and then refuses with the seconds left', () => {
    const { limiter, advance } = limiterWithClock({ limit: 3, windowMs: 60_000 });
    expect([1, 2, 3].map(() => limiter.consume('k').allowed)).toEqual([true, true, true]);
    advance(15_000);
    expect(limiter.consume('k')).toEqual({ allowed: false, retryAfterSeconds: 45 });
    expect(limiter.check('k')).toEqual({ allowed: false, retryAfterSeconds: 45 });
  });

  it('does not count refused attempts, so waiting out the window is enough', () => {
    const { limiter, advance } = limiterWithClock({ limit: 2, windowMs: 60_000 });
    limiter.consume('k');
    limiter.consume('k');
    for (let i = 0; i < 5; i += 1) expect(limiter.consume('k').allowed).toBe(false);
    advance(60_000);
    expect(limiter.consume('k')).toEqual({ allowed: true });
  });

  it('never reports less than one second to wait', () => {
    const { limiter, advance } = limiterWithClock({ limit: 1, windowMs: 1_000 });
    limiter.consume('k');
    advance(999);
    expect(limiter.check('k')).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('keeps keys apart', () => {
    const { limiter } = limiterWithClock({ limit: 1, windowMs: 60_000 });
    expect(limiter.consume('a').allowed).toBe(true);
    expect(limiter.consume('a').allowed).toBe(false);
    expect(limiter.consume('b').allowed).toBe(true);
  });

  it('gives back a refunded attempt and forgets a reset key', () => {
    const { limiter } = limiterWithClock({ limit: 2, windowMs: 60_000 });
    limiter.consume('k');
    limiter.consume('k');
    limiter.refund('k');
    expect(limiter.consume('k').allowed).toBe(true);
    expect(limiter.consume('k').allowed).toBe(false);
    limiter.reset('k');
    expect(limiter.size).toBe(0);
    expect(limiter.consume('k').allowed).toBe(true);
  });

  it('stays within maxKeys, sweeping expired windows before dropping the oldest live one', () => {
    const { limiter, advance } = limiterWithClock({ limit: 1, windowMs: 60_000, maxKeys: 3 });
    limiter.consume('old');
    advance(61_000);
    limiter.consume('a');
    limiter.consume('b');
    limiter.consume('c'); // full: 'old' has expired and is swept, nothing live is dropped
    expect(limiter.size).toBe(3);
    expect(limiter.check('a').allowed).toBe(false);
    limiter.consume('d'); // full of live windows: the oldest ('a') goes
    expect(limiter.size).toBe(3);
    expect(limiter.check('a').allowed).toBe(true);
    expect(limiter.check('b').allowed).toBe(false);
    expect(limiter.check('d').allowed).toBe(false);
  });
});
