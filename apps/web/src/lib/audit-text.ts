import { describeAction, describeEdits, describeViews, type AccessActorDto, type AccessEntryDto } from '@alliance/shared';
import { formatRange, type DateOptions } from './dates.js';

/** Who did it, for the person reading the log: "You", the other person's name, or "Alliance". */
export function actorName(actor: AccessActorDto, viewerId: string): string {
  if (actor.kind === 'server') return 'Alliance';
  return actor.userId === viewerId ? 'You' : actor.name;
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
export function accessLines(entries: readonly AccessEntryDto[], viewerId: string, dates: DateOptions = {}): AccessLine[] {
  return entries.map((entry) => {
    const what = entry.kind === 'action' ? describeAction(entry.action, entry.target) : entry.kind === 'edits' ? describeEdits(entry.doc, entry.changes, entry.actor) : describeViews(entry.views);
    return { id: entry.id, kind: entry.kind, who: actorName(entry.actor, viewerId), what, when: formatRange(entry.from, entry.to, dates), at: entry.to };
  });
}
