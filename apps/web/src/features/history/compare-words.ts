import { diffWords, FEEDBACK_COLUMN_LABELS, type CardFlag, type DocChange, type HistoryActorDto, type TextRun } from '@alliance/shared';
import { FLAG_LABELS } from '../feedback/feedback-card.js';
import { ATTAINMENT_LEVELS, GOAL_STATUS_LABELS } from '../roadmap/goal-status.js';
import { formatDateTime, formatDay, type DateOptions } from '../../lib/dates.js';

/** The changes of one goal or card (or of the roadmap itself), as the comparison lists them. */
export interface ChangeGroup {
  key: string;
  subject: 'roadmap' | 'goal' | 'card';
  /** The goal's title or the card's words (as they were, when it is gone). */
  title: string;
  /** The goal or card was removed between the two points. */
  removed: boolean;
  changes: DocChange[];
}

/** Groups changes by the goal or card they belong to, in the order the comparison gave them. */
export function groupChanges(changes: readonly DocChange[]): ChangeGroup[] {
  const groups = new Map<string, ChangeGroup>();
  for (const change of changes) {
    const [key, subject, title] = 'goalId' in change ? [`goal:${change.goalId}`, 'goal' as const, change.goal] : 'cardId' in change ? [`card:${change.cardId}`, 'card' as const, change.card] : ['roadmap', 'roadmap' as const, 'The roadmap'];
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { key, subject, title, removed: false, changes: [] }));
    group.changes.push(change);
    if (change.kind === 'goal.removed' || change.kind === 'card.removed') group.removed = true;
  }
  return [...groups.values()];
}

/** What a change did, in words, and the words it changed (inserted and deleted), where it changed words. */
export interface ChangeWords {
  what: string;
  runs?: TextRun[];
}

const quote = (text: string) => `“${text.trim() || '(empty)'}”`;
const flagLabel = (flag: CardFlag) => (flag === 'none' ? 'no mark' : FLAG_LABELS[flag]);
const attainment = (value: number | null) => {
  const level = ATTAINMENT_LEVELS.find((entry) => entry.value === value);
  return level ? `${level.sign} (${level.label.toLowerCase()})` : 'not rated';
};

/** A change of the comparison in plain words. */
export function describeChange(change: DocChange): ChangeWords {
  switch (change.kind) {
    case 'roadmap.title':
      return { what: 'The roadmap renamed', runs: diffWords(change.from, change.to) };
    case 'goal.added':
      return { what: 'Goal added' };
    case 'goal.removed':
      return { what: 'Goal removed' };
    case 'goal.renamed':
      return { what: 'Goal renamed', runs: change.runs };
    case 'goal.why':
      return { what: 'Why it matters reworded', runs: change.runs };
    case 'goal.status':
      return { what: `Status changed from ${GOAL_STATUS_LABELS[change.from]} to ${GOAL_STATUS_LABELS[change.to]}` };
    case 'goal.agreement':
      // Each gives or withdraws only their own agreement: the byline names them, else their role does.
      return { what: `${change.agreed ? 'Agreement given' : 'Agreement withdrawn'}${change.actor ? '' : ` by the ${change.role}`}` };
    case 'goal.targetDate':
      if (change.to === null) return { what: 'Target date removed' };
      return { what: change.from === null ? `Target date set to ${formatDay(change.to)}` : `Target date moved from ${formatDay(change.from)} to ${formatDay(change.to)}` };
    case 'goal.attainment':
      return { what: `Attainment moved from ${attainment(change.from)} to ${attainment(change.to)}` };
    case 'goal.archived':
      return { what: change.archived ? 'Goal archived' : 'Goal brought back from the archive' };
    case 'step.added':
      return { what: `Step added: ${quote(change.text)}` };
    case 'step.removed':
      return { what: `Step removed: ${quote(change.text)}` };
    case 'step.edited':
      return { what: 'Step reworded', runs: change.runs };
    case 'step.done':
      return { what: change.done ? `Step done: ${quote(change.text)}` : `Step no longer done: ${quote(change.text)}` };
    case 'strategy.added':
      return { what: `Strategy added: ${quote(change.text)}` };
    case 'strategy.removed':
      return { what: `Strategy removed: ${quote(change.text)}` };
    case 'strategy.edited':
      return { what: 'Strategy reworded', runs: change.runs };
    case 'homework.offered':
      return { what: `Homework offered, a choice of ${change.options.map(quote).join(' or ')}` };
    case 'homework.added':
      return { what: `Homework added: ${quote(change.text)}` };
    case 'homework.removed':
      return { what: `Homework removed: ${quote(change.text)}` };
    case 'homework.chosen':
      return { what: `Homework chosen: ${quote(change.text)}` };
    case 'homework.done':
      return { what: change.done ? `Homework done: ${quote(change.text)}` : `Homework no longer marked done: ${quote(change.text)}` };
    case 'homework.edited':
      return { what: 'Homework reworded', runs: change.runs };
    case 'homework.reflection':
      return { what: `Reflection on ${quote(change.text)}`, runs: change.runs };
    case 'homework.notDone':
      return { what: `Why ${quote(change.text)} was not done`, runs: change.runs };
    case 'card.added':
      return { what: `Card added in ${quote(FEEDBACK_COLUMN_LABELS[change.column])}` };
    case 'card.removed':
      return { what: `Card removed from ${quote(FEEDBACK_COLUMN_LABELS[change.column])}` };
    case 'card.moved':
      return { what: `Card moved from ${quote(FEEDBACK_COLUMN_LABELS[change.from])} to ${quote(FEEDBACK_COLUMN_LABELS[change.to])}` };
    case 'card.edited':
      return { what: 'Card reworded', runs: change.runs };
    case 'card.flag':
      return { what: change.to === 'none' ? `Mark ${quote(flagLabel(change.from))} removed` : `Marked ${quote(flagLabel(change.to))}` };
    case 'reply.added':
      return { what: `Reply added: ${quote(change.text)}` };
    case 'reply.removed':
      return { what: `Reply removed: ${quote(change.text)}` };
    case 'reply.edited':
      return { what: 'Reply reworded', runs: change.runs };
  }
}

/** Who made a change, as the viewer reads it: "you", the other person's name, or Alliance itself. */
export function actorName(actor: HistoryActorDto, viewerId: string): string {
  if (actor.kind === 'server') return 'Alliance';
  const name = actor.userId === viewerId ? 'you' : actor.name;
  return actor.via === 'restore' ? `${name} (a restore)` : name;
}

/** "by Dana Whitfield · 1 Dec 2026, 22:10", or '' when nobody is known to have made it. */
export function byline(change: Pick<DocChange, 'actor' | 'at'>, viewerId: string, options: DateOptions = {}): string {
  if (!change.actor) return '';
  const who = `by ${actorName(change.actor, viewerId)}`;
  return change.at ? `${who} · ${formatDateTime(change.at, options)}` : who;
}

/** What the restore route needs to put a removed goal, step or card back, or null when this change removed none. */
export function restoreTarget(change: DocChange): { goalId: string; stepId?: string } | { cardId: string } | null {
  if (change.kind === 'goal.removed') return { goalId: change.goalId };
  if (change.kind === 'step.removed') return { goalId: change.goalId, stepId: change.stepId };
  if (change.kind === 'card.removed') return { cardId: change.cardId };
  return null;
}
