import type { DocName, MemberDto, VersionDto } from '@alliance/shared';
import { dayKey, formatDate, formatDateTime, formatDay, formatTime, formatTimeWithSeconds, type DateOptions } from '../../lib/dates.js';

/** The versions saved on one calendar day (in the viewer's time zone), newest first. */
export interface VersionDay {
  /** YYYY-MM-DD. */
  key: string;
  /** The day written out ("23 Nov 2026"). */
  label: string;
  /** The day, short ("23 Nov"; the year too when it is not this year's). */
  shortLabel: string;
  /** Session and named versions: the ones people look for. */
  marked: VersionDto[];
  /** Automatic saves, folded away in the list. */
  automatic: VersionDto[];
}

function newestFirst(a: VersionDto, b: VersionDto): number {
  return Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.upToSeq - a.upToSeq;
}

/**
 * The versions by day, newest day first; within a day the session and named versions are
 * listed one by one and the automatic saves are gathered, so the list stays short.
 */
export function groupVersionsByDay(versions: readonly VersionDto[], options: DateOptions = {}): VersionDay[] {
  const days: VersionDay[] = [];
  const byKey = new Map<string, VersionDay>();
  for (const version of [...versions].sort(newestFirst)) {
    const at = new Date(version.createdAt);
    if (Number.isNaN(at.getTime())) continue;
    const key = dayKey(at, options);
    let day = byKey.get(key);
    if (!day) {
      day = { key, label: formatDate(at, options), shortLabel: formatDay(at, options), marked: [], automatic: [] };
      byKey.set(key, day);
      days.push(day);
    }
    (version.kind === 'auto' ? day.automatic : day.marked).push(version);
  }
  return days;
}

/** "12 automatic saves on 23 Nov". */
export function automaticSummary(day: Pick<VersionDay, 'automatic' | 'shortLabel'>): string {
  const count = day.automatic.length;
  return `${count} automatic ${count === 1 ? 'save' : 'saves'} on ${day.shortLabel}`;
}

/** Who saved a version, as the viewer reads it: "You", the other person's name, or "Saved automatically". */
export function savedBy(version: Pick<VersionDto, 'kind' | 'createdBy'>, viewerId: string, members: readonly Pick<MemberDto, 'userId' | 'name'>[]): string {
  if (version.kind === 'auto' || version.createdBy === null) return 'Saved automatically';
  if (version.createdBy === viewerId) return 'You';
  return members.find((member) => member.userId === version.createdBy)?.name ?? 'A former member';
}

/**
 * The times of a day's automatic saves, to tell them apart: to the minute, with the seconds
 * where two fall in the same minute.
 */
export function automaticTimes(versions: readonly Pick<VersionDto, 'createdAt'>[], options: DateOptions = {}): string[] {
  const minutes = versions.map((version) => formatTime(version.createdAt, options));
  return minutes.map((time, index) => (minutes.indexOf(time) !== minutes.lastIndexOf(time) ? formatTimeWithSeconds(versions[index]!.createdAt, options) : time));
}

/** A version's name without the date a session version carries ("Session 1 — 23 Nov 2026" → "Session 1"). */
export function shortVersionName(version: Pick<VersionDto, 'kind' | 'label'>): string {
  if (version.kind === 'auto' || !version.label) return 'saved automatically';
  if (version.kind === 'session') return version.label.replace(/^(Session \d+) — .*$/, '$1');
  return version.label;
}

/**
 * A version's name as the list shows it: a session's with its date written in the viewer's
 * locale ("Session 1 — 23 Nov 2026"), whatever the locale that stored its label.
 */
export function versionName(version: Pick<VersionDto, 'kind' | 'label' | 'createdAt'>, options: DateOptions = {}): string {
  if (version.kind !== 'session' || !version.label) return version.label ?? 'Saved automatically';
  return `${shortVersionName(version)} — ${formatDate(version.createdAt, options)}`;
}

export const DOC_TITLES: Record<Exclude<DocName, 'drafts'>, string> = { roadmap: 'Roadmap', feedback: 'Feedback board' };

/** "Roadmap as it was on 23 Nov, 18:29 — Session 1" (the year too when it is not this year's). */
export function versionHeading(doc: Exclude<DocName, 'drafts'>, version: Pick<VersionDto, 'kind' | 'label' | 'createdAt'>, options: DateOptions = {}): string {
  return `${DOC_TITLES[doc]} as it was on ${formatDateTime(version.createdAt, options)} — ${shortVersionName(version)}`;
}
