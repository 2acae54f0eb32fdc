import type { HistoryChangeDto, TherapySessionDto } from '@alliance/shared';
import { describe, expect, it } from 'vitest';
import { changeAt, replayFrames, seqAt, sessionMarkers } from './replay.js';

const change = (seq: number, minute: number): HistoryChangeDto => ({
  seq,
  createdAt: new Date(Date.UTC(2026, 11, 1, 17, minute)).toISOString(),
  actor: { kind: 'member', userId: 'u', role: 'client', name: 'Sam' },
});
const changes = [change(1, 0), change(2, 5), change(3, 10), change(4, 30), change(5, 31)];
const session = (number: number, start: number, end: number | null): TherapySessionDto =>
  ({ id: `s${number}`, number, startedAt: new Date(Date.UTC(2026, 11, 1, 17, start)).toISOString(), endedAt: end === null ? null : new Date(Date.UTC(2026, 11, 1, 17, end)).toISOString() }) as TherapySessionDto;

describe('the replay track', () => {
  it('finds the point of the history at a moment, and the change that made it', () => {
    expect(seqAt(changes, Date.UTC(2026, 11, 1, 17, 7))).toBe(2);
    expect(seqAt(changes, Date.UTC(2026, 11, 1, 16, 0))).toBe(1);
    expect(seqAt(changes, Date.UTC(2026, 11, 2))).toBe(5);
    expect(changeAt(changes, 4)?.seq).toBe(4);
    expect(changeAt(changes, 0)).toBeNull();
  });

  it('marks where each session began and ended, in order', () => {
    expect(sessionMarkers(changes, [session(2, 29, null), session(1, 4, 11)])).toEqual([
      { seq: 1, label: 'Session 1', kind: 'start' },
      { seq: 3, label: 'End of session 1', kind: 'end' },
      { seq: 3, label: 'Session 2', kind: 'start' },
    ]);
    expect(sessionMarkers([], [session(1, 0, 1)])).toEqual([]);
  });

  it('plays through evenly spread points and every marker, without repeats', () => {
    const frames = replayFrames(1, 100, [{ seq: 37, label: 'Session 1', kind: 'start' }], 10);
    expect(frames[0]).toBe(1);
    expect(frames.at(-1)).toBe(100);
    expect(frames).toContain(37);
    expect(new Set(frames).size).toBe(frames.length);
    expect([...frames].sort((a, b) => a - b)).toEqual(frames);
    expect(replayFrames(5, 5, [])).toEqual([5]);
  });
});
