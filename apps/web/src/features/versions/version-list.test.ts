import type { VersionDto } from '@alliance/shared';
import { describe, expect, it } from 'vitest';
import { formatDateTime } from '../../lib/dates.js';
import { automaticSummary, automaticTimes, groupVersionsByDay, savedBy, shortVersionName, versionHeading, versionName } from './version-list.js';

let seq = 0;
function version(kind: VersionDto['kind'], createdAt: string, label: string | null = null, createdBy: string | null = null): VersionDto {
  seq += 1;
  return { id: `v${seq}`, kind, createdAt, label, createdBy, upToSeq: seq };
}

const GB = { locale: 'en-GB', timeZone: 'UTC', now: new Date('2026-11-24T09:00:00Z') } as const;

describe('groupVersionsByDay', () => {
  it('puts session and named versions in view and gathers automatic saves per day, newest first', () => {
    const versions = [
      version('auto', '2026-11-23T10:00:00Z'),
      version('session', '2026-11-23T18:29:00Z', 'Session 1 — 23 Nov 2026', 'dana'),
      version('auto', '2026-11-23T18:10:00Z'),
      version('named', '2026-11-24T08:00:00Z', 'Before the holidays', 'sam'),
      version('auto', '2026-11-22T12:00:00Z'),
      version('auto', '2026-11-23T11:00:00Z'),
    ];
    const days = groupVersionsByDay(versions, GB);
    expect(days.map((day) => day.key)).toEqual(['2026-11-24', '2026-11-23', '2026-11-22']);
    expect(days.map((day) => day.shortLabel)).toEqual(['24 Nov', '23 Nov', '22 Nov']);
    expect(days[0]!.marked.map((v) => v.label)).toEqual(['Before the holidays']);
    expect(days[0]!.automatic).toEqual([]);
    expect(days[1]!.marked.map((v) => v.label)).toEqual(['Session 1 — 23 Nov 2026']);
    expect(days[1]!.automatic.map((v) => v.createdAt)).toEqual(['2026-11-23T18:10:00Z', '2026-11-23T11:00:00Z', '2026-11-23T10:00:00Z']);
    expect(days[2]!.marked).toEqual([]);
    expect(automaticSummary(days[1]!)).toBe('3 automatic saves on 23 Nov');
    expect(automaticSummary(days[2]!)).toBe('1 automatic save on 22 Nov');
  });

  it('splits days in the viewer’s time zone, not in UTC', () => {
    const late = version('auto', '2026-11-23T23:30:00Z');
    const early = version('auto', '2026-11-23T00:30:00Z');
    expect(groupVersionsByDay([late, early], { ...GB, timeZone: 'UTC' }).map((day) => day.key)).toEqual(['2026-11-23']);
    expect(groupVersionsByDay([late, early], { ...GB, timeZone: 'Europe/Berlin' }).map((day) => day.key)).toEqual(['2026-11-24', '2026-11-23']);
    expect(groupVersionsByDay([late, early], { ...GB, timeZone: 'America/New_York' }).map((day) => day.key)).toEqual(['2026-11-23', '2026-11-22']);
  });

  it('writes the year of days from another year, and skips unreadable dates', () => {
    const days = groupVersionsByDay([version('auto', '2025-12-31T12:00:00Z'), version('auto', 'not a date')], GB);
    expect(days).toHaveLength(1);
    expect(days[0]!.shortLabel).toBe('31 Dec 2025');
    expect(groupVersionsByDay([], GB)).toEqual([]);
  });

  it('orders versions saved at the same moment by how far they reach', () => {
    const first = version('named', '2026-11-23T10:00:00Z', 'First', 'sam');
    const second = version('named', '2026-11-23T10:00:00Z', 'Second', 'sam');
    expect(groupVersionsByDay([first, second], GB)[0]!.marked.map((v) => v.label)).toEqual(['Second', 'First']);
  });
});

describe('automaticTimes', () => {
  it('writes the seconds only where two saves share a minute', () => {
    const times = automaticTimes([{ createdAt: '2026-11-23T18:45:40Z' }, { createdAt: '2026-11-23T18:45:05Z' }, { createdAt: '2026-11-23T18:10:00Z' }], GB);
    expect(times).toEqual(['18:45:40', '18:45:05', '18:10']);
  });
});

describe('savedBy', () => {
  const members = [
    { userId: 'dana', name: 'Dana Whitfield' },
    { userId: 'sam', name: 'Sam Rivera' },
  ];
  it('names the viewer "You", the other person by name, and automatic saves as such', () => {
    expect(savedBy({ kind: 'session', createdBy: 'dana' }, 'dana', members)).toBe('You');
    expect(savedBy({ kind: 'session', createdBy: 'dana' }, 'sam', members)).toBe('Dana Whitfield');
    expect(savedBy({ kind: 'named', createdBy: 'sam' }, 'dana', members)).toBe('Sam Rivera');
    expect(savedBy({ kind: 'auto', createdBy: null }, 'dana', members)).toBe('Saved automatically');
    expect(savedBy({ kind: 'auto', createdBy: 'sam' }, 'dana', members)).toBe('Saved automatically');
    expect(savedBy({ kind: 'named', createdBy: 'gone' }, 'dana', members)).toBe('A former member');
  });
});

describe('version headings', () => {
  it('says which document, when, and which version', () => {
    const session = version('session', '2026-11-23T18:29:00Z', 'Session 1 — 23 Nov 2026', 'dana');
    expect(formatDateTime(session.createdAt, GB)).toBe('23 Nov, 18:29');
    expect(versionHeading('roadmap', session, GB)).toBe('Roadmap as it was on 23 Nov, 18:29 — Session 1');
    expect(versionHeading('feedback', version('named', '2026-11-23T18:29:00Z', 'Before the break', 'sam'), GB)).toBe('Feedback board as it was on 23 Nov, 18:29 — Before the break');
    expect(shortVersionName(version('auto', '2026-11-23T18:29:00Z'))).toBe('saved automatically');
    // A session's stored label carries its date in one fixed form: the list writes the viewer's.
    expect(versionName(session, { ...GB, locale: 'en-US' })).toBe('Session 1 — Nov 23, 2026');
    expect(versionName(session, GB)).toBe('Session 1 — 23 Nov 2026');
    expect(versionName(version('named', '2026-11-23T18:29:00Z', 'Before the break', 'sam'), GB)).toBe('Before the break');
    expect(shortVersionName({ kind: 'session', label: 'Session 12 — 1 Jan 2027' })).toBe('Session 12');
  });
});
