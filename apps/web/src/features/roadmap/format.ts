import type { Role } from '@alliance/shared';

const dayMonth = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const dayMonthYear = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'long', timeStyle: 'short' });

function parse(value: string): Date | null {
  // A bare date (YYYY-MM-DD) is a day in the viewer's calendar, not midnight UTC.
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00`) : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A short day ("23 Nov"; the year too when it is not this year), or '' for an unreadable value. */
export function formatDay(value: string, now: Date = new Date()): string {
  const date = parse(value);
  if (!date) return '';
  return date.getFullYear() === now.getFullYear() ? dayMonth.format(date) : dayMonthYear.format(date);
}

/** The full date and time, for a tooltip. */
export function formatMoment(value: string): string {
  const date = parse(value);
  return date ? full.format(date) : '';
}

/** The value a date input takes (YYYY-MM-DD) from a stored date, or ''. */
export function dateInputValue(value: unknown): string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : '';
}

/** How to name each role's member to the viewer. */
export interface People {
  viewer: Role;
  /** The member's name, or 'you' for the viewer. */
  names: Partial<Record<Role, string>>;
}

/** "you" for the viewer, else the member's name (or "your therapist"/"your client"). */
export function personName(people: People, role: Role): string {
  if (role === people.viewer) return 'you';
  return people.names[role] ?? (role === 'therapist' ? 'your therapist' : 'your client');
}

/** The same, starting a sentence ("You", "Sam Rivera"). */
export function sentenceName(people: People, role: Role): string {
  const name = personName(people, role);
  return name.charAt(0).toUpperCase() + name.slice(1);
}

export function otherRole(role: Role): Role {
  return role === 'therapist' ? 'client' : 'therapist';
}
