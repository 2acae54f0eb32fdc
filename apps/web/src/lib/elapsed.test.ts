import { describe, expect, it } from 'vitest';
import { describeElapsed, formatElapsed } from './elapsed.js';

describe('formatElapsed', () => {
  it('shows minutes and seconds under an hour', () => {
    expect(formatElapsed(0)).toBe('00:00');
    expect(formatElapsed(9_999)).toBe('00:09');
    expect(formatElapsed(4 * 60_000 + 9_000)).toBe('04:09');
    expect(formatElapsed(59 * 60_000 + 59_999)).toBe('59:59');
  });

  it('shows hours and minutes from an hour on', () => {
    expect(formatElapsed(3_600_000)).toBe('1:00');
    expect(formatElapsed(3_600_000 + 5 * 60_000 + 30_000)).toBe('1:05');
    expect(formatElapsed(12 * 3_600_000)).toBe('12:00');
  });

  it('counts a clock running behind as zero', () => {
    expect(formatElapsed(-5_000)).toBe('00:00');
  });
});

describe('describeElapsed', () => {
  it('says the time in words, to the minute', () => {
    expect(describeElapsed(30_000)).toBe('0 minutes');
    expect(describeElapsed(61_000)).toBe('1 minute');
    expect(describeElapsed(3_600_000)).toBe('1 hour');
    expect(describeElapsed(2 * 3_600_000 + 5 * 60_000)).toBe('2 hours 5 minutes');
  });
});
