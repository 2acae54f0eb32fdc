import type { AccessActorDto, AccessViewsDto } from './access-log.js';

/* The access log in plain words, the same in the app and in the exported files. */

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
    case 'checkin.create':
      return target ? `answered the after-session check-in for session ${target}` : 'answered the after-session check-in';
    case 'checkin.update':
      return target ? `changed their check-in answer for session ${target}` : 'changed their check-in answer';
    case 'trend-note.create':
      return target ? `added a note to the trends at session ${target}` : 'added a note to the trends';
    case 'trend-note.delete':
      return target ? `removed their note from the trends at session ${target}` : 'removed their note from the trends';
    case 'repair.acknowledge':
      return 'acknowledged a repair item';
    case 'repair.update':
      return 'wrote in a repair item';
    case 'repair.close':
      return 'closed a repair item as repaired';
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
    ...(opened('checkins.view').length > 0 ? ['the check-ins'] : []),
    ...(opened('trends.view').length > 0 ? ['the trends'] : []),
    ...(opened('repairs.view').length > 0 ? ['the repair items'] : []),
  ];
  return parts.length > 0 ? `opened ${listOf(parts)}` : 'opened the workspace';
}

/** "edited the roadmap — 12 changes"; Alliance's own changes (e.g. sharing drafts when a session starts) say so. */
export function describeEdits(doc: string, changes: number, actor: AccessActorDto): string {
  const count = `${changes} ${changes === 1 ? 'change' : 'changes'}`;
  return actor.kind === 'server' ? `made ${changes === 1 ? 'an automatic change' : `${changes} automatic changes`} to ${docName(doc)}` : `edited ${docName(doc)} — ${count}`;
}
