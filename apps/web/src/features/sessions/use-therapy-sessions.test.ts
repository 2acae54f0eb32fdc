import { describe, expect, it } from 'vitest';
import { sessionToReflectOn } from './use-therapy-sessions.js';

const session = (number: number, startedAt: string, endedAt: string | null) => ({ id: `s${number}`, number, startedAt, endedAt });

describe('the after-session question', () => {
  const now = Date.parse('2026-11-23T12:00:00Z');

  it('is about the latest session when it ended within the last hours', () => {
    const data = { current: null, sessions: [session(1, '2026-11-16T10:00:00Z', '2026-11-16T11:00:00Z'), session(2, '2026-11-23T10:00:00Z', '2026-11-23T11:00:00Z')] };
    expect(sessionToReflectOn(data, now)?.number).toBe(2);
  });

  it('is not asked during a session, long after one, or before any', () => {
    const running = session(3, '2026-11-23T11:30:00Z', null);
    expect(sessionToReflectOn({ current: running, sessions: [running] }, now)).toBeNull();
    expect(sessionToReflectOn({ current: null, sessions: [session(1, '2026-11-20T10:00:00Z', '2026-11-20T11:00:00Z')] }, now)).toBeNull();
    expect(sessionToReflectOn({ current: null, sessions: [] }, now)).toBeNull();
  });
});
