import { describe, expect, it } from 'vitest';
import { openCheckinSession } from './checkin-session.js';

const session = (number: number, ended: boolean) => ({ id: `s${number}`, number, startedAt: '2026-11-02T17:00:00.000Z', endedAt: ended ? '2026-11-02T18:00:00.000Z' : null });

describe('the open check-in', () => {
  it('is the latest session once it has ended', () => {
    expect(openCheckinSession({ current: null, sessions: [session(2, true), session(1, true)] })?.number).toBe(2);
  });

  it('is closed during a session and before the first', () => {
    const current = session(3, false);
    expect(openCheckinSession({ current, sessions: [current, session(2, true)] })).toBeNull();
    expect(openCheckinSession({ current: null, sessions: [] })).toBeNull();
  });
});
