import { describe, expect, it } from 'vitest';
import { gasTScore } from './gas.js';

describe('the GAS T-score', () => {
  it('is 50 when every goal came out as expected', () => {
    expect(gasTScore([{ attainment: 0 }, { attainment: 0 }, { attainment: 0 }]).score).toBe(50);
  });

  it('is 60 for one goal a little better than expected', () => {
    expect(gasTScore([{ attainment: 1 }]).score).toBeCloseTo(60, 10);
  });

  it('counts equal weights: three goals all +1 give 50 + 30/√4.8', () => {
    const result = gasTScore([{ attainment: 1 }, { attainment: 1 }, { attainment: 1 }]);
    expect(result.score).toBeCloseTo(50 + 30 / Math.sqrt(0.7 * 3 + 0.3 * 9), 10);
    expect(result.score).toBeCloseTo(63.693, 3);
    expect(result).toMatchObject({ goals: 3, weighted: false });
  });

  it('is symmetric: all −1 is as far below 50 as all +1 is above', () => {
    const up = gasTScore([{ attainment: 1 }, { attainment: 1 }]).score!;
    const down = gasTScore([{ attainment: -1 }, { attainment: -1 }]).score!;
    expect(up - 50).toBeCloseTo(50 - down, 10);
  });

  it('weighs goals by importance × difficulty when both were said for each (a worked example)', () => {
    // w = 3·3 = 9 at +2 and 1·1 = 1 at −1: Σwx = 17, Σw² = 82, (Σw)² = 100, √(0.7·82 + 0.3·100) = √87.4.
    const result = gasTScore([
      { attainment: 2, importance: 3, difficulty: 3 },
      { attainment: -1, importance: 1, difficulty: 1 },
    ]);
    expect(result.score).toBeCloseTo(50 + 170 / Math.sqrt(87.4), 10);
    expect(result.score).toBeCloseTo(68.184, 3);
    expect(result.weighted).toBe(true);
  });

  it('counts goals equally when a rating is missing on any goal', () => {
    const result = gasTScore([
      { attainment: 2, importance: 3, difficulty: 3 },
      { attainment: -1, importance: 1, difficulty: null },
    ]);
    expect(result.weighted).toBe(false);
    expect(result.score).toBeCloseTo(50 + 10 / Math.sqrt(0.7 * 2 + 0.3 * 4), 10);
  });

  it('leaves out goals without an attainment, and has no score without any', () => {
    expect(gasTScore([{ attainment: null }, { attainment: 1 }]).score).toBeCloseTo(60, 10);
    expect(gasTScore([{ attainment: null }])).toEqual({ score: null, goals: 0, weighted: false });
    expect(gasTScore([])).toEqual({ score: null, goals: 0, weighted: false });
  });

  it('reaches its extremes at ±2 on every goal', () => {
    expect(gasTScore([{ attainment: 2 }]).score).toBeCloseTo(70, 10);
    expect(gasTScore([{ attainment: -2 }]).score).toBeCloseTo(30, 10);
  });
});
