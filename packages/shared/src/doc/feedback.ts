import * as Y from 'yjs';
import { ROLES, type Role } from './names.js';
import { validateDocument, type FieldSpec, type MapSpec, type RootSpec } from './shape.js';
import { newId, newText, readString, readText } from './y-helpers.js';

/** The feedback board's columns, in display order. */
export const FEEDBACK_COLUMNS = ['working', 'change', 'power', 'process'] as const;
export type FeedbackColumn = (typeof FEEDBACK_COLUMNS)[number];

export const FEEDBACK_COLUMN_LABELS: Record<FeedbackColumn, string> = {
  working: 'What is working',
  change: 'What I would change',
  power: 'How power feels here',
  process: 'The process',
};

/** `talk`: the therapist asked to talk about it; `repaired`: the client marked it talked through. */
export const CARD_FLAGS = ['none', 'talk', 'repaired'] as const;
export type CardFlag = (typeof CARD_FLAGS)[number];

/** When a private draft reaches the therapist. */
export const DRAFT_SHARE = ['draft', 'next-session'] as const;
export type DraftShare = (typeof DRAFT_SHARE)[number];

const idField: FieldSpec = { kind: 'string', maxLength: 64 };
const isoString: FieldSpec = { kind: 'string', maxLength: 40 };

/** `editedAt`: when its author last changed a reply after sending it (absent: never). */
export const replySpec: MapSpec = {
  name: 'reply',
  fields: { id: idField, text: { kind: 'text', maxLength: 20_000 }, authorRole: { kind: 'enum', values: ROLES }, createdAt: isoString, editedAt: isoString },
  once: ['id', 'authorRole', 'createdAt'],
};

export const cardSpec: MapSpec = {
  name: 'card',
  fields: {
    id: idField,
    column: { kind: 'enum', values: FEEDBACK_COLUMNS },
    text: { kind: 'text', maxLength: 20_000 },
    authorRole: { kind: 'enum', values: ROLES },
    createdAt: isoString,
    flag: { kind: 'enum', values: CARD_FLAGS },
    replies: { kind: 'array', of: replySpec, maxItems: 500 },
  },
  once: ['id', 'authorRole', 'createdAt'],
};

export const draftSpec: MapSpec = {
  name: 'draft',
  fields: { ...cardSpec.fields, share: { kind: 'enum', values: DRAFT_SHARE } },
  once: cardSpec.once,
};

export const MAX_CARDS = 1_000;

/** The feedback board's root type and what it holds (the same rules as `validateFeedback`). */
export const FEEDBACK_ROOTS = {
  cards: { kind: 'array', spec: { kind: 'array', of: cardSpec, maxItems: MAX_CARDS } },
} as const satisfies Record<string, RootSpec>;

/** The private drafts' root type (the same rules as `validateDrafts`). */
export const DRAFTS_ROOTS = {
  cards: { kind: 'array', spec: { kind: 'array', of: draftSpec, maxItems: MAX_CARDS } },
} as const satisfies Record<string, RootSpec>;

export function validateFeedback(doc: Y.Doc): string | null {
  return validateDocument(doc, FEEDBACK_ROOTS);
}

export function validateDrafts(doc: Y.Doc): string | null {
  return validateDocument(doc, DRAFTS_ROOTS);
}

export function getCards(doc: Y.Doc): Y.Array<Y.Map<unknown>> {
  return doc.getArray<Y.Map<unknown>>('cards');
}

export function createCard(column: FeedbackColumn, text: string, now = new Date()): Y.Map<unknown> {
  const card = new Y.Map<unknown>();
  card.set('id', newId());
  card.set('column', column);
  card.set('text', newText(text));
  card.set('authorRole', 'client');
  card.set('createdAt', now.toISOString());
  card.set('flag', 'none');
  card.set('replies', new Y.Array());
  return card;
}

export function createReply(authorRole: Role, text: string, now = new Date()): Y.Map<unknown> {
  const reply = new Y.Map<unknown>();
  reply.set('id', newId());
  reply.set('text', newText(text));
  reply.set('authorRole', authorRole);
  reply.set('createdAt', now.toISOString());
  return reply;
}

/** Adds a reply written in private, whole, in one transaction: the other person never sees it half-written. */
export function sendReply(feedback: Y.Doc, card: Y.Map<unknown>, authorRole: Role, text: string, now = new Date()): Y.Map<unknown> | null {
  const replies = card.get('replies');
  if (!(replies instanceof Y.Array)) return null;
  const reply = createReply(authorRole, text, now);
  feedback.transact(() => replies.push([reply]));
  return reply;
}

/**
 * Changes a sent reply to `text` in one transaction, marking when: only the characters that
 * differ are replaced (the common beginning and end stay), so the change reads as what it is.
 * Returns false when there was nothing to change.
 */
export function editReply(feedback: Y.Doc, reply: Y.Map<unknown>, text: string, now = new Date()): boolean {
  const current = reply.get('text');
  if (!(current instanceof Y.Text)) return false;
  const before = current.toString();
  if (before === text) return false;
  const { start, removed, inserted } = textChange(before, text);
  feedback.transact(() => {
    if (removed > 0) current.delete(start, removed);
    if (inserted) current.insert(start, inserted);
    reply.set('editedAt', now.toISOString());
  });
  return true;
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/** The one run that turns `before` into `after`: where it starts, how much goes, what comes in. Never splits a surrogate pair. */
export function textChange(before: string, after: string): { start: number; removed: number; inserted: string } {
  let start = 0;
  const shortest = Math.min(before.length, after.length);
  while (start < shortest && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  if (start > 0 && isHighSurrogate(before.charCodeAt(start - 1))) start--;
  let end = 0;
  while (end < shortest - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  if (end > 0 && isHighSurrogate(before.charCodeAt(before.length - 1 - end))) end--;
  return { start, removed: before.length - start - end, inserted: after.slice(start, after.length - end) };
}

export interface ReplySnapshot {
  id: string;
  text: string;
  authorRole: Role;
  createdAt: string;
  /** When its author last changed it after sending it; absent when never. */
  editedAt?: string;
}

export interface CardSnapshot {
  id: string;
  column: FeedbackColumn;
  text: string;
  authorRole: Role;
  createdAt: string;
  flag: CardFlag;
  replies: ReplySnapshot[];
  share?: DraftShare;
}

function asRole(value: string): Role {
  return value === 'therapist' ? 'therapist' : 'client';
}

export function snapshotReply(reply: Y.Map<unknown>): ReplySnapshot {
  const editedAt = reply.get('editedAt');
  return {
    id: readString(reply, 'id'),
    text: readText(reply, 'text'),
    authorRole: asRole(readString(reply, 'authorRole', 'client')),
    createdAt: readString(reply, 'createdAt'),
    ...(typeof editedAt === 'string' ? { editedAt } : {}),
  };
}

export function snapshotCard(card: Y.Map<unknown>): CardSnapshot {
  const replies = card.get('replies');
  const column = readString(card, 'column', 'process');
  const flag = readString(card, 'flag', 'none');
  const share = card.get('share');
  return {
    id: readString(card, 'id'),
    column: (FEEDBACK_COLUMNS as readonly string[]).includes(column) ? (column as FeedbackColumn) : 'process',
    text: readText(card, 'text'),
    authorRole: asRole(readString(card, 'authorRole', 'client')),
    createdAt: readString(card, 'createdAt'),
    flag: (CARD_FLAGS as readonly string[]).includes(flag) ? (flag as CardFlag) : 'none',
    replies:
      replies instanceof Y.Array
        ? replies
            .toArray()
            .filter((reply): reply is Y.Map<unknown> => reply instanceof Y.Map)
            .map(snapshotReply)
        : [],
    ...(share === 'draft' || share === 'next-session' ? { share } : {}),
  };
}

export function snapshotCards(doc: Y.Doc): CardSnapshot[] {
  return getCards(doc)
    .toArray()
    .filter((card): card is Y.Map<unknown> => card instanceof Y.Map)
    .map(snapshotCard);
}

// ---- cards by id, and the client's private drafts ----

/** The card with `id` and its index in `cards`, or null. */
export function findCard(cards: Y.Array<Y.Map<unknown>>, id: string): { card: Y.Map<unknown>; index: number } | null {
  const items = cards.toArray();
  const index = items.findIndex((card) => card instanceof Y.Map && card.get('id') === id);
  const card = items[index];
  return card ? { card, index } : null;
}

/** Removes the card with `id` (with its replies); false when there is none. */
export function removeCard(doc: Y.Doc, id: string): boolean {
  const cards = getCards(doc);
  const found = findCard(cards, id);
  if (!found) return false;
  doc.transact(() => cards.delete(found.index, 1));
  return true;
}

/** A private draft: a card of the client's that only they can see until they share it. */
export function createDraft(column: FeedbackColumn, text: string, share: DraftShare = 'draft', now = new Date()): Y.Map<unknown> {
  const draft = createCard(column, text, now);
  draft.set('share', share);
  return draft;
}

/** Adds a draft to the drafts document and returns it. */
export function addDraft(drafts: Y.Doc, column: FeedbackColumn, text = '', share: DraftShare = 'draft', now = new Date()): Y.Map<unknown> {
  const draft = createDraft(column, text, share, now);
  drafts.transact(() => getCards(drafts).push([draft]));
  return draft;
}

/** Sets when a draft reaches the therapist; false when there is no such draft. */
export function setDraftShare(drafts: Y.Doc, id: string, share: DraftShare): boolean {
  const found = findCard(getCards(drafts), id);
  if (!found) return false;
  if (found.card.get('share') !== share) found.card.set('share', share);
  return true;
}

/** Adds a card written by the client to the board and returns it. */
export function addCard(feedback: Y.Doc, column: FeedbackColumn, text = '', now = new Date()): Y.Map<unknown> {
  const card = createCard(column, text, now);
  feedback.transact(() => getCards(feedback).push([card]));
  return card;
}

/**
 * Shares a draft now: the card is added to the board (same id and column, its text as it is,
 * dated now), then removed from the drafts — in that order, so a failure in between leaves a
 * copy, never a loss. A draft already on the board (an earlier attempt stopped half-way) is
 * only removed from the drafts. Returns the board's card, or null when there is no such draft.
 */
export function shareDraft(drafts: Y.Doc, feedback: Y.Doc, id: string, now = new Date()): Y.Map<unknown> | null {
  const found = findCard(getCards(drafts), id);
  if (!found) return null;
  const card = placeDraftOnBoard(feedback, snapshotCard(found.card), now);
  removeCard(drafts, id);
  return card;
}

/**
 * The first half of sharing: puts a draft on the board as a card with the same id, column and
 * text, dated `now` — unless a card with that id is there already (a share that stopped
 * half-way). Returns the board's card. The server's scheduled sharing stores this half before
 * it removes the drafts.
 */
export function placeDraftOnBoard(feedback: Y.Doc, draft: Pick<CardSnapshot, 'id' | 'column' | 'text'>, now = new Date()): Y.Map<unknown> {
  const cards = getCards(feedback);
  const existing = findCard(cards, draft.id)?.card;
  if (existing) return existing;
  const created = createCard(draft.column, draft.text, now);
  created.set('id', draft.id);
  feedback.transact(() => cards.push([created]));
  return created;
}
