import type { AuditEventDto } from '@alliance/shared';

const DOC_NAMES: Record<string, string> = { roadmap: 'the roadmap', feedback: 'the feedback board', drafts: 'the private drafts' };
const docName = (target: string | null) => (target && DOC_NAMES[target]) ?? 'a document';
const FORMATS: Record<string, string> = { md: 'as Markdown', json: 'as JSON' };

/** What an access-log action means, in plain words ("opened the roadmap"). */
export function describeAction(action: string, target: string | null): string {
  switch (action) {
    case 'doc.open':
      return `opened ${docName(target)}`;
    case 'workspace.create':
      return 'created the workspace';
    case 'workspace.view':
      return 'opened the workspace';
    case 'invite.create':
      return 'made an invite link';
    case 'invite.accept':
      return 'joined the workspace';
    case 'terms.view':
      return 'looked at How we work';
    case 'terms.update':
      return 'changed How we work';
    case 'terms.acknowledge':
      return 'confirmed reading How we work';
    case 'preference.update':
      return 'chose how decisions should be made';
    case 'session.start':
      return target ? `started session ${target}` : 'started a session';
    case 'session.end':
      return target ? `ended session ${target}` : 'ended a session';
    case 'export':
      return `exported the workspace${target && FORMATS[target] ? ` ${FORMATS[target]}` : ''}`;
    case 'version.list':
      return `looked at the saved versions of ${docName(target)}`;
    case 'version.create':
      return `saved a version of ${docName(target)}`;
    case 'version.view':
      return `opened a saved version of ${docName(target)}`;
    case 'audit.view':
      return 'looked at this access log';
    default:
      return action.replace(/[._]/g, ' ');
  }
}

/** "23 Nov, 10:02" (with the year when it is not this year's). */
export function formatWhen(iso: string, now = new Date(), timeZone?: string): string {
  const date = new Date(iso);
  const sameYear = new Intl.DateTimeFormat('en-GB', { year: 'numeric', timeZone }).format(date) === new Intl.DateTimeFormat('en-GB', { year: 'numeric', timeZone }).format(now);
  const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', ...(sameYear ? {} : { year: 'numeric' }), timeZone }).format(date);
  const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(date);
  return `${day}, ${time}`;
}

export interface AccessLine {
  id: string;
  who: string;
  what: string;
  /** The time of the latest event of the line. */
  at: string;
  /** How many events the line stands for (repeats in a row are shown once). */
  count: number;
}

/** Repeats of the same thing by the same person within this time are shown as one line. */
const REPEAT_WINDOW_MS = 30 * 60_000;

/**
 * The access log as lines to read: newest first (as the server sends it), the viewer named
 * "You", and the same action by the same person repeated within half an hour shown once.
 */
export function accessLines(events: readonly AuditEventDto[], viewerName: string): AccessLine[] {
  const lines: AccessLine[] = [];
  let previous: { key: string; at: number } | null = null;
  for (const event of events) {
    const who = event.userName === null ? 'Someone no longer here' : event.userName === viewerName ? 'You' : event.userName;
    const key = `${who}\u0000${event.action}\u0000${event.target ?? ''}`;
    const at = Date.parse(event.createdAt);
    const last = lines.at(-1);
    if (last && previous && previous.key === key && Math.abs(previous.at - at) <= REPEAT_WINDOW_MS) {
      last.count += 1;
    } else {
      lines.push({ id: event.id, who, what: describeAction(event.action, event.target), at: event.createdAt, count: 1 });
    }
    previous = { key, at };
  }
  return lines;
}
