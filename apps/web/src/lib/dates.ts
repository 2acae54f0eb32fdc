/**
 * Every date and time the app shows, written one way: in the viewer's locale (the browser's
 * language) and time zone, with the year only when it is not this year's, and the 12- or 24-hour
 * clock the locale uses — so one screen never mixes "Dec 1" with "1 Dec" or "6 PM" with "18:00".
 * Formatters are costly to build, so each is made once per locale, zone and style.
 */

/** How dates are written: the viewer's locale and time zone unless a caller (a test) fixes them. */
export interface DateOptions {
  locale?: string;
  timeZone?: string;
  /** Today, for leaving out this year's year. */
  now?: Date;
}

/** The browser's language, or the runtime's default where there is no browser. */
export function userLocale(): string | undefined {
  return typeof navigator !== 'undefined' && navigator.language ? navigator.language : undefined;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(style: Intl.DateTimeFormatOptions, options: DateOptions): Intl.DateTimeFormat {
  const locale = options.locale ?? userLocale();
  const key = JSON.stringify([locale ?? '', options.timeZone ?? '', style]);
  let made = formatters.get(key);
  if (!made) {
    made = new Intl.DateTimeFormat(locale, { ...style, timeZone: options.timeZone });
    formatters.set(key, made);
  }
  return made;
}

/** Hours as the locale writes them: "09:05" on a 24-hour clock, "9:05 AM" on a 12-hour one. */
function clock(options: DateOptions): Intl.DateTimeFormatOptions {
  const { hourCycle } = formatter({ timeStyle: 'short' }, options).resolvedOptions();
  return { hour: hourCycle === 'h23' || hourCycle === 'h24' ? '2-digit' : 'numeric', minute: '2-digit' };
}

/** A stored value as a date: a bare day (YYYY-MM-DD) is that day in the viewer's calendar, not midnight UTC. */
export function parseDate(value: string | Date): Date | null {
  const date = value instanceof Date ? value : /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00`) : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The calendar day of a moment in the viewer's time zone, as YYYY-MM-DD (for grouping by day). */
export function dayKey(value: string | Date, options: DateOptions = {}): string {
  const date = parseDate(value);
  // en-CA writes dates as YYYY-MM-DD.
  return date ? formatter({ year: 'numeric', month: '2-digit', day: '2-digit' }, { ...options, locale: 'en-CA' }).format(date) : '';
}

function thisYear(date: Date, options: DateOptions): boolean {
  const year = formatter({ year: 'numeric' }, { ...options, locale: 'en-GB' });
  return year.format(date) === year.format(options.now ?? new Date());
}

const DAY: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short' };
const DAY_AND_YEAR: Intl.DateTimeFormatOptions = { ...DAY, year: 'numeric' };

function day(date: Date, options: DateOptions): Intl.DateTimeFormatOptions {
  return thisYear(date, options) ? DAY : DAY_AND_YEAR;
}

/** A short day ("23 Nov"; the year too when it is not this year's), or '' for an unreadable value. */
export function formatDay(value: string | Date, options: DateOptions = {}): string {
  const date = parseDate(value);
  return date ? formatter(day(date, options), options).format(date) : '';
}

/** A day with its year, always ("23 Nov 2026"). */
export function formatDate(value: string | Date, options: DateOptions = {}): string {
  const date = parseDate(value);
  return date ? formatter(DAY_AND_YEAR, options).format(date) : '';
}

/** The time of day ("18:29" or "6:29 PM"). */
export function formatTime(value: string | Date, options: DateOptions = {}): string {
  const date = parseDate(value);
  return date ? formatter(clock(options), options).format(date) : '';
}

/** The time of day to the second ("18:29:05"), to tell apart moments in one minute. */
export function formatTimeWithSeconds(value: string | Date, options: DateOptions = {}): string {
  const date = parseDate(value);
  return date ? formatter({ ...clock(options), second: '2-digit' }, options).format(date) : '';
}

/** A day and time ("23 Nov, 18:29"; the year too when it is not this year's). */
export function formatDateTime(value: string | Date, options: DateOptions = {}): string {
  const date = parseDate(value);
  return date ? formatter({ ...day(date, options), ...clock(options) }, options).format(date) : '';
}

/** The full date and time, for a tooltip or a screen reader ("23 November 2026 at 18:29"). */
export function formatMoment(value: string | Date, options: DateOptions = {}): string {
  const date = parseDate(value);
  return date ? formatter({ day: 'numeric', month: 'long', year: 'numeric', ...clock(options) }, options).format(date) : '';
}

/**
 * A span of time as short as it reads: "23 Nov, 17:45–17:52", one time when both fall in the same
 * minute, both days when they differ ("23 Nov, 23:50 – 24 Nov, 00:10").
 */
export function formatRange(from: string | Date, to: string | Date, options: DateOptions = {}): string {
  const start = parseDate(from);
  const end = parseDate(to);
  if (!start || !end) return start ? formatDateTime(start, options) : end ? formatDateTime(end, options) : '';
  const [first, last] = start <= end ? [start, end] : [end, start];
  const style = { ...(thisYear(first, options) && thisYear(last, options) ? DAY : DAY_AND_YEAR), ...clock(options) };
  return formatter(style, options).formatRange(first, last);
}
