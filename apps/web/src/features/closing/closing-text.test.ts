import type { AttainmentPointDto } from '@alliance/shared';
import { describe, expect, it } from 'vitest';
import { sparklinePoints } from './closing-text.js';

const point = (attainment: number | null, present = true): AttainmentPointDto => ({ label: 'x', at: '2026-12-01T10:00:00.000Z', attainment, present });

describe('the closing review’s progress line', () => {
  it('draws a line only through rated points, +2 at the top', () => {
    expect(sparklinePoints([point(-2), point(null), point(2)], 100, 20)).toBe('0,17 100,3');
    expect(sparklinePoints([point(1)], 100, 20)).toBeNull();
  });
});
