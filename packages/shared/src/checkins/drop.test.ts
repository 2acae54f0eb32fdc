import { describe, expect, it } from 'vitest';
import { checkinDrop, checkinDrops, formatPoints, type CheckinScores } from './drop.js';

const scores = (heard: number, wanted: number, fit: number, overall: number): CheckinScores => ({ heard, wanted, fit, overall });
const steady = [scores(8, 8, 8, 8), scores(8, 8, 8, 8), scores(8, 8, 8, 8)];

describe('checkinDrop', () => {
  it('finds no drop with fewer than three earlier check-ins, however low the answer', () => {
    expect(checkinDrop([], scores(0, 0, 0, 0))).toBeNull();
    expect(checkinDrop(steady.slice(0, 1), scores(0, 0, 0, 0))).toBeNull();
    expect(checkinDrop(steady.slice(0, 2), scores(0, 0, 0, 0))).toBeNull();
  });

  it('counts an item exactly 2 points below its baseline as a drop, and 1 point as none', () => {
    expect(checkinDrop(steady, scores(7, 8, 8, 8))).toBeNull();
    expect(checkinDrop(steady, scores(6, 8, 8, 8))).toEqual({ items: [{ item: 'heard', baseline: 8, value: 6, points: 2 }], total: null });
  });

  it('says which items dropped and by how much', () => {
    const drop = checkinDrop(steady, scores(5, 8, 6, 7));
    expect(drop?.items).toEqual([
      { item: 'heard', baseline: 8, value: 5, points: 3 },
      { item: 'fit', baseline: 8, value: 6, points: 2 },
    ]);
    // 32 → 26: the total fell too.
    expect(drop?.total).toEqual({ baseline: 32, value: 26, points: 6 });
  });

  it('counts a total exactly 5 points below its baseline as a drop even when no item fell by 2', () => {
    // Items 1, 1, 1 and 2 below: the total is exactly 5 below, and 'overall' is an item drop too.
    expect(checkinDrop(steady, scores(7, 7, 7, 7))).toBeNull();
    const drop = checkinDrop([scores(8, 8, 8, 9), scores(8, 8, 8, 9), scores(8, 8, 8, 9)], scores(7, 7, 7, 7));
    expect(drop).toEqual({ items: [{ item: 'overall', baseline: 9, value: 7, points: 2 }], total: { baseline: 33, value: 28, points: 5 } });
  });

  it('finds a total-only drop: every item down a little, none by 2', () => {
    const base = [scores(9, 9, 9, 9), scores(9, 9, 9, 9), scores(8, 8, 8, 8)];
    // Baseline: 8.67 each (34.67 total); 7 each is 1.67 below per item and 6.67 in total.
    const drop = checkinDrop(base, scores(7, 7, 7, 7));
    expect(drop?.items).toEqual([]);
    expect(drop?.total?.points).toBeCloseTo(20 / 3, 9);
  });

  it('compares with the mean of the previous three only, not the whole history', () => {
    const history = [scores(10, 10, 10, 10), scores(10, 10, 10, 10), scores(6, 6, 6, 6), scores(6, 6, 6, 6), scores(6, 6, 6, 6)];
    expect(checkinDrop(history, scores(5, 5, 5, 5))).toBeNull();
  });

  it('takes a mean of thirds at its exact value: 2 points below a baseline of 7⅓ is a drop, 1⅔ is not', () => {
    const base = [scores(7, 7, 7, 7), scores(7, 7, 7, 7), scores(8, 8, 8, 8)];
    expect(checkinDrop(base, scores(6, 7, 7, 7))).toBeNull();
    // A baseline of 7 (6 + 7 + 8) / 3 computed in floating point is exactly 2 above 5.
    const thirds = [scores(6, 7, 7, 7), scores(7, 7, 7, 7), scores(8, 7, 7, 7)];
    expect(checkinDrop(thirds, scores(5, 7, 7, 7))?.items).toEqual([{ item: 'heard', baseline: 7, value: 5, points: 2 }]);
  });

  it('never counts a rise as a drop', () => {
    expect(checkinDrop(steady, scores(10, 10, 10, 10))).toBeNull();
  });
});

describe('checkinDrops', () => {
  it('judges each check-in of a series against the three before it', () => {
    const series = [...steady, scores(5, 8, 8, 8), scores(8, 8, 8, 8)];
    const drops = checkinDrops(series);
    expect(drops.map((drop) => drop !== null)).toEqual([false, false, false, true, false]);
  });

  it('follows a change to an earlier answer: the later check-in is judged against the new baseline', () => {
    const later = scores(6, 8, 8, 8);
    expect(checkinDrops([...steady, later])[3]).not.toBeNull();
    // The client changes their third answer to 6 for 'felt heard': the baseline falls to 7⅓ and 6 is no longer 2 below it.
    const changed = [steady[0]!, steady[1]!, scores(6, 8, 8, 8), later];
    expect(checkinDrops(changed)[3]).toBeNull();
    // …and changing an earlier answer upwards can make a later one a drop: 7, 7, 7 → 7, 7, 10 puts the baseline at 8.
    const sevens = [scores(7, 8, 8, 8), scores(7, 8, 8, 8), scores(7, 8, 8, 8)];
    expect(checkinDrops([...sevens, later])[3]).toBeNull();
    expect(checkinDrops([sevens[0]!, sevens[1]!, scores(10, 8, 8, 8), later])[3]?.items).toEqual([{ item: 'heard', baseline: 8, value: 6, points: 2 }]);
  });
});

describe('formatPoints', () => {
  it('says whole points plainly and fractions to one decimal', () => {
    expect(formatPoints(1)).toBe('1 point');
    expect(formatPoints(3)).toBe('3 points');
    expect(formatPoints(20 / 3)).toBe('6.7 points');
    expect(formatPoints(2.0000000001)).toBe('2 points');
  });
});
