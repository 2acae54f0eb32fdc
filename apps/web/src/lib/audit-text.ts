import type { AccessActorDto, AccessEntryDto, AccessViewsDto } from '@alliance/shared';

const DOC_NAMES: Record<string, string> = { roadmap: 'the roadmap', feedback: 'the feedback board', drafts: 'your private drafts' };
const docName = (target: string | null) => (target && DOC_NAMES[target]) ?? 'a document';
/** Documents in the order their names are listed. */
const DOC_ORDER = ['roadmap', 'feedback', 'drafts'];
const FORMATS: Record<string, string> = { md: 'as Markdown', json: 'as JSON' };

/** What an access-log action means, in plain words ("exported the workspace as Markdown"). */
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
    case 'doc.restore':
      return `restored ${docName(target)} from an earlier version`;
    case 'audit.view':
      return 'looked at this access log';
    case 'closing.open':
      return 'began the closing review';
    case 'closing.reflect':
      return 'saved a closing reflection';
    case 'closing.confirm':
      return 'confirmed the closing review';
    case 'workspace.archive':
      return 'confirmed last: the workspace became a read-only archive';
    default:
      return action.replace(/[._]/g, ' ');
  }
}

/** "A", "A and B", "A, B and C". */
function listOf(parts: readonly string[]): string {
  if (parts.length <= 1) return parts[0] ?? '';
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)!}`;
}

const byDocOrder = (a: string | null, b: string | null) => DOC_ORDER.indexOf(a ?? '') - DOC_ORDER.indexOf(b ?? '');

/**
 * What one visit opened, in one phrase: "opened the roadmap, the feedback board and How we
 * work". Opening the workspace itself goes without saying once any part of it is named.
 */
export function describeViews(views: AccessViewsDto['views']): string {
  const opened = (action: string) => views.filter((view) => view.action === action);
  // One document's versions are named; those of several are "saved versions", which reads
  // better in a list than "the saved versions of the roadmap and of the feedback board".
  const versionsOf = [...new Set([...opened('version.list'), ...opened('version.view')].map((view) => view.target))];
  const versions = versionsOf.length === 0 ? [] : versionsOf.length === 1 ? [`the saved versions of ${docName(versionsOf[0]!)}`] : ['saved versions'];
  const parts = [
    ...opened('doc.open')
      .sort((a, b) => byDocOrder(a.target, b.target))
      .map((view) => docName(view.target)),
    ...(opened('terms.view').length > 0 ? ['How we work'] : []),
    ...versions,
    ...(opened('audit.view').length > 0 ? ['this access log'] : []),
    ...(opened('closing.view').length > 0 ? ['the closing review'] : []),
  ];
  return parts.length > 0 ? `opened ${listOf(parts)}` : 'opened the workspace';
}

/** "edited the roadmap — 12 changes"; Alliance's own changes (e.g. sharing drafts when a session starts) say so. */
export function describeEdits(doc: string, changes: number, actor: AccessActorDto): string {
  const count = `${changes} ${changes === 1 ? 'change' : 'changes'}`;
  return actor.kind === 'server' ? `made ${changes === 1 ? 'an automatic change' : `${changes} automatic changes`} to ${docName(doc)}` : `edited ${docName(doc)} — ${count}`;
}

/** Who did it, for the person reading the log: "You", the other person's name, or "Alliance". */
export function actorName(actor: AccessActorDto, viewerId: string): string {
  if (actor.kind === 'server') return 'Alliance';
  return actor.userId === viewerId ? 'You' : actor.name;
}

const parts = (iso: string, now: Date, timeZone?: string) => {
  const date = new Date(iso);
  const year = (value: Date) => new Intl.DateTimeFormat('en-GB', { year: 'numeric', timeZone }).format(value);
  const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', ...(year(date) === year(now) ? {} : { year: 'numeric' }), timeZone }).format(date);
  const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(date);
  return { day, time };
};

/** "23 Nov, 10:02" (with the year when it is not this year's). */
export function formatWhen(iso: string, now = new Date(), timeZone?: string): string {
  const { day, time } = parts(iso, now, timeZone);
  return `${day}, ${time}`;
}

/** "23 Nov, 17:45–17:52"; one time when both fall in the same minute; both days when they differ. */
export function formatSpan(from: string, to: string, now = new Date(), timeZone?: string): string {
  const start = parts(from, now, timeZone);
  const end = parts(to, now, timeZone);
  if (start.day !== end.day) return `${start.day}, ${start.time} – ${end.day}, ${end.time}`;
  return start.time === end.time ? `${end.day}, ${end.time}` : `${end.day}, ${start.time}–${end.time}`;
}

export interface AccessLine {
  id: string;
  kind: AccessEntryDto['kind'];
  who: string;
  what: string;
  /** When, in words ("23 Nov, 17:45–17:52"). */
  when: string;
  /** The time of the latest event of the line, for `<time dateTime>`. */
  at: string;
}

/** The access log as lines to read: newest first, as the server sends it, the reader named "You". */
export function accessLines(entries: readonly AccessEntryDto[], viewerId: string, now = new Date(), timeZone?: string): AccessLine[] {
  return entries.map((entry) => {
    const what = entry.kind === 'action' ? describeAction(entry.action, entry.target) : entry.kind === 'edits' ? describeEdits(entry.doc, entry.changes, entry.actor) : describeViews(entry.views);
    return { id: entry.id, kind: entry.kind, who: actorName(entry.actor, viewerId), what, when: formatSpan(entry.from, entry.to, now, timeZone), at: entry.to };
  });
}
