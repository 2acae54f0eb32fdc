import {
  checkFeedbackChange,
  DRAFTS_ROOTS,
  FEEDBACK_ROOTS,
  ROADMAP_ROOTS,
  snapshotCards,
  validateDrafts,
  validateFeedback,
  type CardSnapshot,
  type DocName,
  type Role,
  type RootSpec,
} from '@alliance/shared';
import * as Y from 'yjs';
import { checkChangedShape, isNewInTransaction, type StagedChange } from './change-shape.js';
import { RoomError } from './errors.js';

/** A candidate update, as every check of the pipeline sees it. */
export interface UpdateContext extends StagedChange {
  /** The live document: the state before the update. */
  readonly before: Y.Doc;
  /** The sender's role, from their membership (never from the message). */
  readonly role: Role;
}

/** One step of the update pipeline: throws a RoomError to refuse the update. */
export type UpdateCheck = (context: UpdateContext) => void;

/**
 * What one kind of document allows: its roots, who writes it and the checks an update must
 * pass (shape first, then permissions). `accepted`/`rejected` let a check keep state between
 * updates (e.g. the last accepted snapshot).
 */
export interface DocPolicy {
  readonly roots: Readonly<Record<string, RootSpec>>;
  canWrite(role: Role): boolean;
  readonly checks: readonly UpdateCheck[];
  accepted(): void;
  rejected(): void;
}

export function createDocPolicy(doc: DocName): DocPolicy {
  switch (doc) {
    case 'roadmap':
      return {
        roots: ROADMAP_ROOTS,
        canWrite: () => true,
        checks: [(context) => refuseShape(checkChangedShape(context, ROADMAP_ROOTS)), checkAgreementMarks],
        accepted: () => {},
        rejected: () => {},
      };
    case 'feedback': {
      const permissions = new FeedbackPermissions();
      return {
        roots: FEEDBACK_ROOTS,
        canWrite: () => true,
        checks: [(context) => refuseShape(validateFeedback(context.doc)), permissions.check],
        accepted: permissions.accepted,
        rejected: permissions.rejected,
      };
    }
    case 'drafts':
      return {
        roots: DRAFTS_ROOTS,
        canWrite: (role) => role === 'client',
        checks: [(context) => refuseShape(validateDrafts(context.doc))],
        accepted: () => {},
        rejected: () => {},
      };
  }
}

function refuseShape(problem: string | null): void {
  if (problem) throw new RoomError('SHAPE_VIOLATION', `The change breaks the document's shape: ${problem}.`);
}

function deny(reason: string): never {
  throw new RoomError('PERMISSION_DENIED', `You cannot make this change: ${reason}.`);
}

/**
 * Feedback: the whole board before and after, compared card by card (`checkFeedbackChange`).
 * The "before" snapshot is the one taken after the last accepted update, so each update costs
 * one snapshot of the board (boards are small: at most 1,000 cards).
 */
class FeedbackPermissions {
  private before: CardSnapshot[] | null = null;
  private candidate: CardSnapshot[] | null = null;

  readonly check = (context: UpdateContext): void => {
    const before = (this.before ??= snapshotCards(context.before));
    const after = snapshotCards(context.doc);
    const reason = checkFeedbackChange(before, after, context.role);
    if (reason) deny(reason);
    this.candidate = after;
  };

  readonly accepted = (): void => {
    if (this.candidate) this.before = this.candidate;
    this.candidate = null;
  };

  readonly rejected = (): void => {
    this.candidate = null;
  };
}

const OTHER_ROLE: Record<Role, Role> = { therapist: 'client', client: 'therapist' };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyType = Y.AbstractType<any>;

function markOf(goal: unknown, role: Role): unknown {
  if (!(goal instanceof Y.Map)) return undefined;
  const agreed = goal.get('agreedBy');
  return agreed instanceof Y.Map ? agreed.get(role) : undefined;
}

/** The same shared type in the live document (same item id), or null. */
function liveCounterpart(live: Y.Doc, type: AnyType): AnyType | null {
  const item = type._item;
  if (!item) return null;
  try {
    const liveItem = Y.getItem(live.store, item.id);
    return liveItem instanceof Y.Item && liveItem.content instanceof Y.ContentType ? liveItem.content.type : null;
  } catch {
    return null;
  }
}

/**
 * Roadmap: a member sets and clears only their own agreement mark on a goal. Only the three
 * ways an update can reach an `agreedBy` map are looked at — goals added to the list, a goal's
 * `agreedBy` replaced or removed, an `agreedBy` entry set or removed — so the cost follows the
 * update, not the roadmap. The other person's mark must read the same before and after (new
 * goals carry none of it).
 */
function checkAgreementMarks(context: UpdateContext): void {
  const other = OTHER_ROLE[context.role];
  const goals = context.doc.getArray('goals');
  for (const [type, keys] of context.transaction.changed) {
    if (type._item?.deleted) continue;
    if (type === goals) {
      for (const item of context.newItems) {
        if (item.parent !== goals || item.deleted) continue;
        for (const goal of item.content.getContent()) {
          if (markOf(goal, other) !== undefined) deny(`only the ${other} marks their own agreement`);
        }
      }
      continue;
    }
    const parent = type._item?.parent as AnyType | undefined;
    if (parent === goals && keys.has('agreedBy')) {
      if (markOf(type, other) !== markOf(liveCounterpart(context.before, type), other)) deny(`only the ${other} marks their own agreement`);
    } else if (type._item?.parentSub === 'agreedBy' && parent?._item?.parent === goals && keys.has(other)) {
      if (isNewInTransaction(type._item, context.transaction)) continue;
      const live = liveCounterpart(context.before, type);
      const before = live instanceof Y.Map ? live.get(other) : undefined;
      if (type instanceof Y.Map && type.get(other) !== before) deny(`only the ${other} marks their own agreement`);
    }
  }
}
