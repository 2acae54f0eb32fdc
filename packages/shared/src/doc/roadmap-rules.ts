import * as Y from 'yjs';
import { keysTouched } from './change-shape.js';
import { firstRefusal, insertedMaps, isPastTime, writtenValue, type ChangeContext, type ChangeRule } from './change-rules.js';
import { ROLES, type Role } from './names.js';

/**
 * Who-said-what on the roadmap. Both members write it, but the fields that say who did
 * something are the sender's own and are never written for the other person:
 *
 * - a goal is proposed by whoever adds it (`proposedBy`), and set once;
 * - each member sets and clears only their own agreement mark and the words they agreed to
 *   (`agreedBy`, `agreedTitle`, `agreedWhy`); a goal reads `agreed` only when both marks are there;
 * - a step's `doneBy`/`doneAt` are written with its tick, as the one who ticks it, at a time
 *   that is not in the future, and cleared with its untick;
 * - a choice of homework is offered by the therapist (`offerId` with `offeredBy`, none chosen
 *   yet) and only the client chooses (`chosen`); a plain task is offered by nobody or its writer;
 * - a goal's weight for Goal Attainment Scaling has two halves, each one person's to say: how
 *   much it matters (`importance`) is the client's, how hard it is (`difficulty`) the therapist's.
 *
 * Ids, `proposedBy`, `createdAt`, `offerId` and `offeredBy` never change once set (the shape
 * says so, see `MapSpec.once`).
 */
export const roadmapRules: readonly ChangeRule[] = [
  (context) =>
    firstRefusal(context, ({ type, node, change }) => {
      switch (node.path) {
        case 'goals':
          for (const goal of insertedMaps(change)) {
            const reason = checkNewGoal(goal, context);
            if (reason) return reason;
          }
          return null;
        case 'goals[]': {
          const goal = type as Y.Map<unknown>;
          if (change.written.has('proposedBy') && writtenValue(change, 'proposedBy') !== context.role) return 'a goal is proposed by whoever adds it';
          for (const key of AGREEMENT_KEYS) {
            const map = writtenValue(change, key);
            if (map instanceof Y.Map && [...map.keys()].some((role) => role !== context.role)) return ownMarkOnly(context.role);
          }
          if (change.written.has('status') && writtenValue(change, 'status') === 'agreed' && !bothMarked(goal)) return 'a goal is agreed only when both have marked it';
          for (const key of keysTouched(change)) {
            const reason = checkWeightOwner(key, context.role);
            if (reason) return reason;
          }
          for (const key of ['steps', 'homework'] as const) {
            const list = writtenValue(change, key);
            if (list instanceof Y.Array) {
              const reason = key === 'steps' ? checkNewItems(list, checkNewStep, context) : checkNewItems(list, checkNewHomework, context);
              if (reason) return reason;
            }
          }
          return null;
        }
        case 'goals[].agreedBy':
        case 'goals[].agreedTitle':
        case 'goals[].agreedWhy':
          for (const key of keysTouched(change)) if (key !== context.role) return ownMarkOnly(context.role);
          return null;
        case 'goals[].steps':
          for (const step of insertedMaps(change)) {
            const reason = checkNewStep(step, context);
            if (reason) return reason;
          }
          return null;
        case 'goals[].steps[]': {
          const touched = keysTouched(change);
          if (!touched.has('done')) {
            if (touched.has('doneBy') || touched.has('doneAt')) return 'who ticked a step, and when, is recorded with the tick';
            return null;
          }
          return checkTick(writtenValue(change, 'done'), writtenValue(change, 'doneBy'), writtenValue(change, 'doneAt'), context);
        }
        case 'goals[].homework':
          for (const homework of insertedMaps(change)) {
            const reason = checkNewHomework(homework, context);
            if (reason) return reason;
          }
          return null;
        case 'goals[].homework[]':
          if (change.written.has('chosen') && context.role !== 'client') return 'only the client chooses their homework';
          return null;
        default:
          return null;
      }
    }),
];

const AGREEMENT_KEYS = ['agreedBy', 'agreedTitle', 'agreedWhy'] as const;

/** Refuses a write of the other member's half of a goal's weight. */
function checkWeightOwner(key: string, role: Role): string | null {
  if (key === 'importance' && role !== 'client') return 'how much a goal matters is the client’s to say';
  if (key === 'difficulty' && role !== 'therapist') return 'how hard a goal is expected to be is the therapist’s to say';
  return null;
}

function ownMarkOnly(role: Role): string {
  return `only the ${role === 'therapist' ? 'client' : 'therapist'} marks their own agreement`;
}

function bothMarked(goal: Y.Map<unknown>): boolean {
  const marks = goal.get('agreedBy');
  return marks instanceof Y.Map && ROLES.every((role) => typeof marks.get(role) === 'string');
}

function checkNewGoal(goal: Y.Map<unknown>, context: ChangeContext): string | null {
  if (goal.get('proposedBy') !== context.role) return 'a goal is proposed by whoever adds it';
  for (const key of AGREEMENT_KEYS) {
    const map = goal.get(key);
    if (map instanceof Y.Map && [...map.keys()].some((role) => role !== context.role)) return ownMarkOnly(context.role);
  }
  if (goal.get('status') === 'agreed' && !bothMarked(goal)) return 'a goal is agreed only when both have marked it';
  for (const key of ['importance', 'difficulty']) {
    const reason = goal.get(key) != null ? checkWeightOwner(key, context.role) : null;
    if (reason) return reason;
  }
  return checkNewItems(goal.get('steps'), checkNewStep, context) ?? checkNewItems(goal.get('homework'), checkNewHomework, context);
}

function checkNewItems(list: unknown, check: (item: Y.Map<unknown>, context: ChangeContext) => string | null, context: ChangeContext): string | null {
  if (!(list instanceof Y.Array)) return null;
  for (const item of list) {
    if (!(item instanceof Y.Map)) continue;
    const reason = check(item as Y.Map<unknown>, context);
    if (reason) return reason;
  }
  return null;
}

function checkNewStep(step: Y.Map<unknown>, context: ChangeContext): string | null {
  return checkTick(step.get('done'), step.get('doneBy'), step.get('doneAt'), context);
}

/** A tick records its author and time; an untick (or no tick) records neither. */
function checkTick(done: unknown, doneBy: unknown, doneAt: unknown, context: ChangeContext): string | null {
  if (done === true) {
    if (doneBy !== context.role) return 'a step is ticked as yourself';
    if (!isPastTime(doneAt, context.now)) return 'a tick records when it was made';
    return null;
  }
  if (doneBy != null || doneAt != null) return 'a step that is not done records nobody ticking it';
  return null;
}

function checkNewHomework(homework: Y.Map<unknown>, context: ChangeContext): string | null {
  const offerId = homework.get('offerId');
  const offeredBy = homework.get('offeredBy');
  if (offerId != null) {
    if (context.role !== 'therapist' || offeredBy !== 'therapist') return 'a choice of homework is offered by the therapist';
    if (homework.get('chosen') === true) return 'only the client chooses their homework';
    // Options join an offer only while nobody has chosen from it.
    const list = homework._item?.parent;
    if (list instanceof Y.Array) {
      for (const other of list) {
        if (other instanceof Y.Map && other !== homework && other.get('offerId') === offerId && other.get('chosen') === true) return 'this offer has been chosen from already';
      }
    }
    return null;
  }
  if (offeredBy != null && offeredBy !== context.role) return 'homework is offered as yourself';
  return null;
}

