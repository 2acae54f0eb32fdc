import { describe, expect, it } from 'vitest';
import { dayKey, formatDate, formatDateTime, formatDay, formatMoment, formatRange, formatTime, formatTimeWithSeconds, parseDate } from './dates.js';

const NOW = new Date('2026-11-24T12:00:00Z');
const GB = { locale: 'en-GB', timeZone: 'UTC', now: NOW } as const;
const US = { locale: 'en-US', timeZone: 'UTC', now: NOW } as const;

describe('dates in the viewer’s locale', () => {
  it('writes a day without this year’s year and with any other year', () => {
    expect(formatDay('2026-11-23T10:02:00Z', GB)).toBe('23 Nov');
    expect(formatDay('2025-01-05T18:30:00Z', GB)).toBe('5 Jan 2025');
    expect(formatDay('2026-11-23T10:02:00Z', US)).toBe('Nov 23');
    expect(formatDate('2026-11-23T10:02:00Z', GB)).toBe('23 Nov 2026');
  });

  it('uses the clock of the locale everywhere: 24 hours in en-GB, 12 in en-US', () => {
    expect(formatTime('2026-11-23T00:10:00Z', GB)).toBe('00:10');
    expect(formatTime('2026-11-23T18:29:00Z', US)).toBe('6:29 PM');
    expect(formatTimeWithSeconds('2026-11-23T18:29:05Z', GB)).toBe('18:29:05');
    expect(formatDateTime('2026-11-23T10:02:00Z', GB)).toBe('23 Nov, 10:02');
    expect(formatDateTime('2025-01-05T18:30:00Z', GB)).toBe('5 Jan 2025, 18:30');
    expect(formatDateTime('2026-11-23T18:29:00Z', US)).toBe('Nov 23, 6:29 PM');
    expect(formatMoment('2026-11-23T18:29:00Z', GB)).toBe('23 November 2026 at 18:29');
  });

  it('gives a span one time within a minute, both times within a day, both days across midnight', () => {
    expect(formatRange('2026-11-23T17:45:10Z', '2026-11-23T17:45:50Z', GB)).toBe('23 Nov, 17:45');
    expect(formatRange('2026-11-23T17:45:00Z', '2026-11-23T17:52:00Z', GB)).toBe('23 Nov, 17:45–17:52');
    expect(formatRange('2026-11-23T23:50:00Z', '2026-11-24T00:10:00Z', GB)).toBe('23 Nov, 23:50\u2009–\u200924 Nov, 00:10');
    expect(formatRange('2025-12-31T23:50:00Z', '2026-01-01T00:10:00Z', GB)).toBe('31 Dec 2025, 23:50\u2009–\u20091 Jan 2026, 00:10');
    expect(formatRange('2026-11-23T17:52:00Z', '2026-11-23T17:45:00Z', GB)).toBe('23 Nov, 17:45–17:52');
  });

  it('writes days and times in the viewer’s time zone', () => {
    expect(formatRange('2026-11-23T17:45:00Z', '2026-11-23T17:52:00Z', { ...GB, timeZone: 'Asia/Tokyo' })).toBe('24 Nov, 02:45–02:52');
    expect(dayKey('2026-11-23T23:30:00Z', { timeZone: 'UTC' })).toBe('2026-11-23');
    expect(dayKey('2026-11-23T23:30:00Z', { timeZone: 'Europe/Berlin' })).toBe('2026-11-24');
  });

  it('reads a bare day as that day in the viewer’s calendar and writes nothing for garbage', () => {
    expect(parseDate('2026-03-01')?.getDate()).toBe(1);
    expect(formatDay('2026-03-01', { locale: 'en-GB', now: NOW })).toBe('1 Mar');
    expect(formatDay('not a date', GB)).toBe('');
    expect(formatDateTime('not a date', GB)).toBe('');
    expect(formatRange('not a date', '2026-11-23T17:45:00Z', GB)).toBe('23 Nov, 17:45');
  });
});
