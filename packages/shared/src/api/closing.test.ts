import { describe, expect, it } from 'vitest';
import { outcomeOf, scoreSentence, type AttainmentPointDto } from './closing.js';

const point = (attainment: number | null, present = true): AttainmentPointDto => ({ label: 'x', at: '2026-12-01T10:00:00.000Z', attainment, present });

describe('the words of the closing review', () => {
  it('says what the score means, around 50 as expected', () => {
    expect(scoreSentence({ score: 63.7, goals: 3, weighted: false })).toMatch(/^64 means .* better than you both expected/);
    expect(scoreSentence({ score: 50, goals: 1, weighted: false })).toMatch(/^50 means .* about as you both expected/);
    expect(scoreSentence({ score: 38, goals: 1, weighted: true })).toMatch(/less far than/);
    expect(scoreSentence({ score: null, goals: 0, weighted: false })).toMatch(/no score/);
  });

  it('tells a goal’s outcome from its first and last rating', () => {
    expect(outcomeOf({ attainmentOverTime: [point(-1), point(null), point(2)] })).toBe('Progress went from somewhat less than expected to much more than expected.');
    expect(outcomeOf({ attainmentOverTime: [point(0), point(0)] })).toBe('Progress: as expected.');
    expect(outcomeOf({ attainmentOverTime: [point(null, false), point(null)] })).toBe('Progress was never rated.');
  });
});
