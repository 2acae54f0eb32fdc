import { describe, expect, it } from 'vitest';
import { isNewSince } from './new-since.js';

describe('what is new since the last look', () => {
  it('marks what was made after the last look, everything when there was none, and nothing while it is not known', () => {
    expect(isNewSince('2026-12-01T10:05:00Z', '2026-12-01T10:00:00Z')).toBe(true);
    expect(isNewSince('2026-12-01T09:55:00Z', '2026-12-01T10:00:00Z')).toBe(false);
    expect(isNewSince('2026-12-01T10:00:00Z', '2026-12-01T10:00:00Z')).toBe(false);
    expect(isNewSince('2026-12-01T09:55:00Z', null)).toBe(true);
    expect(isNewSince('2026-12-01T10:05:00Z', undefined)).toBe(false);
    expect(isNewSince('not a time', '2026-12-01T10:00:00Z')).toBe(false);
  });
});
