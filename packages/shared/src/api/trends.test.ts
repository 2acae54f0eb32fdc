import { describe, expect, it } from 'vitest';
import type { CheckinDto } from './checkins.js';
import type { TherapySessionDto } from './terms.js';
import { buildTrends, createTrendNoteInput, seriesSummary, steeringGapWords, type TrendNoteDto } from './trends.js';

const session = (number: number, startedAt: string): TherapySessionDto => ({ id: `s${number}`, number, startedAt, endedAt: startedAt });
const checkin = (number: number, items: CheckinDto['items'], steering: number): CheckinDto => ({
  id: `c${number}`,
  sessionId: `s${number}`,
  sessionNumber: number,
  items,
  steering,
  choicesOffered: 'yes',
  note: null,
  visibility: 'now',
  createdAt: '2026-11-01T10:00:00.000Z',
  updatedAt: '2026-11-01T10:00:00.000Z',
  open: false,
});
const note = (overrides: Partial<TrendNoteDto>): TrendNoteDto => ({ id: 'n', sessionId: null, sessionNumber: null, date: null, text: 'Exam week', authorId: 'u', authorRole: 'client', createdAt: '2026-11-01T10:00:00.000Z', ...overrides });

const sessions = [session(1, '2026-11-02T17:00:00.000Z'), session(2, '2026-11-09T17:00:00.000Z'), session(3, '2026-11-16T17:00:00.000Z')];

describe('the check-in trend', () => {
  it('makes one point per check-in, oldest session first, with the total and the session’s start', () => {
    const trends = buildTrends({ checkins: [checkin(3, { heard: 9, wanted: 9, fit: 8, overall: 9 }, 0), checkin(1, { heard: 5, wanted: 4, fit: 6, overall: 5 }, -2)], sessions, preference: null, notes: [] });
    expect(trends.points.map((point) => [point.sessionNumber, point.total, point.sessionAt])).toEqual([
      [1, 20, '2026-11-02T17:00:00.000Z'],
      [3, 35, '2026-11-16T17:00:00.000Z'],
    ]);
    expect(trends.preferredSteering).toBeNull();
    expect(trends.points.every((point) => point.steeringGap === null)).toBe(true);
  });

  it('measures steering against the preference: I decide +2, together 0, my therapist decides −2', () => {
    const checkins = [checkin(1, { heard: 5, wanted: 5, fit: 5, overall: 5 }, -2), checkin(2, { heard: 5, wanted: 5, fit: 5, overall: 5 }, 1)];
    const gaps = (preference: 'client' | 'together' | 'therapist') => buildTrends({ checkins, sessions, preference, notes: [] });
    expect(gaps('client')).toMatchObject({ preferredSteering: 2, points: [{ steeringGap: -4 }, { steeringGap: -1 }] });
    expect(gaps('together')).toMatchObject({ preferredSteering: 0, points: [{ steeringGap: -2 }, { steeringGap: 1 }] });
    expect(gaps('therapist')).toMatchObject({ preferredSteering: -2, points: [{ steeringGap: 0 }, { steeringGap: 3 }] });
  });

  it('places a note at its own session, or at the last session started by its day', () => {
    const notes = [note({ sessionId: 's2', sessionNumber: 2 }), note({ date: '2026-11-12' }), note({ date: '2026-11-16' }), note({ date: '2026-10-01' })];
    expect(buildTrends({ checkins: [], sessions, preference: null, notes }).notes.map((placed) => placed.atSession)).toEqual([2, 2, 3, null]);
  });

  it('says the steering gap plainly to each reader', () => {
    expect(steeringGapWords(0, 'client')).toBe('as you would like');
    expect(steeringGapWords(-1, 'client')).toBe('1 step more led by your therapist than you would like');
    expect(steeringGapWords(-3, 'therapist')).toBe('3 steps more led by you than your client would like');
    expect(steeringGapWords(2, 'therapist')).toBe('2 steps more led by your client than they would like');
  });

  it('sums a series up in one sentence', () => {
    expect(seriesSummary('Overall', [], 10)).toBe('Overall: no check-ins yet.');
    expect(seriesSummary('Overall', [{ session: 1, value: 6 }], 10)).toBe('Overall: 6 of 10 at session 1, the only check-in so far.');
    expect(
      seriesSummary(
        'Total',
        [
          { session: 1, value: 20 },
          { session: 2, value: 34 },
          { session: 4, value: 30 },
        ],
        40,
      ),
    ).toBe('Total: 30 of 40 at session 4, up from 20 at session 1; between 20 and 34 over 3 check-ins.');
  });

  it('takes a note on a session or on a day, never both or neither', () => {
    const id = '4b3f1c2e-8d9a-4e5f-9a1b-2c3d4e5f6a7b';
    expect(createTrendNoteInput.safeParse({ text: 'Moved house', sessionId: id }).success).toBe(true);
    expect(createTrendNoteInput.safeParse({ text: 'Moved house', date: '2026-11-12' }).success).toBe(true);
    expect(createTrendNoteInput.safeParse({ text: 'Moved house', sessionId: id, date: '2026-11-12' }).success).toBe(false);
    expect(createTrendNoteInput.safeParse({ text: 'Moved house' }).success).toBe(false);
    expect(createTrendNoteInput.safeParse({ text: 'x'.repeat(281), sessionId: id }).success).toBe(false);
  });
});
