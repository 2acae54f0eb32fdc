import * as Y from 'yjs';
import type { EditDto, EditSubjectDto } from '../api/edits.js';
import type { HistoryActorDto } from '../api/types.js';
import type { AnyType } from './change-set.js';
import { attributeEdits, fieldKey, itemKey, type LoggedEdit } from './history-attribution.js';

/**
 * A pause longer than this between two changes starts a new edit: people who stop for more
 * than five minutes have usually moved on (a session's conversation, a break).
 */
export const EDIT_BREAK_MS = 5 * 60_000;

/**
 * An edit never spans more than this from its first change to its last: someone working on
 * one goal for an hour is shown as a few edits, each of "a few minutes", not one.
 */
export const EDIT_MAX_SPAN_MS = 30 * 60_000;

/** How many words of a card name it in an edit. */
const CARD_WORDS = 6;

/** The lists of the documents whose items people name (the top of each document). */
const SUBJECT_LISTS: Readonly<Record<string, 'goal' | 'card'>> = { goals: 'goal', cards: 'card' };

/** The lists inside a goal or card, and the kind of item each holds (as `itemKey` names them). */
const PART_LISTS: Readonly<Record<string, string>> = { steps: 'step', strategies: 'strategy', homework: 'homework', replies: 'reply' };

/** A logged update with its place in the log. */
export interface SeqEdit extends LoggedEdit {
  seq: number;
}

/** One logged update reduced to what grouping needs: who, when, and what it was about. */
export interface SubjectUpdate {
  seq: number;
  at: string;
  actor: HistoryActorDto;
  subject: EditSubjectDto;
}

const DOCUMENT: EditSubjectDto = { kind: 'document' };

function textOf(value: unknown): string {
  return value instanceof Y.Text ? value.toString() : typeof value === 'string' ? value : '';
}

/** A card's first words, with an ellipsis when there are more. */
function firstWords(text: string): string {
  const words = text.trim().split(/\s+/).filter(Boolean);
  return words.length > CARD_WORDS ? `${words.slice(0, CARD_WORDS).join(' ')}…` : words.join(' ');
}

/** Every attribution key (see `itemKey`, `fieldKey`) that belongs to one map, with the field names it has now. */
function mapKeys(key: string, map: Y.Map<unknown>, into: (key: string) => void): void {
  into(key);
  for (const [field, value] of map) {
    into(fieldKey(key, field));
    const kind = PART_LISTS[field];
    if (!kind || !(value instanceof Y.Array)) continue;
    for (const part of value) {
      const id = part instanceof Y.Map ? part.get('id') : undefined;
      if (typeof id === 'string') mapKeys(itemKey(kind, id), part as Y.Map<unknown>, into);
    }
  }
}

/** A goal or card with every attribution key that belongs to it (its parts' included), as it was when last read. */
interface KnownSubject {
  subject: EditSubjectDto;
  keys: string[];
}

/** Reads a goal or card of the list `kind` names: what it is called now, and its keys. */
function readSubject(kind: 'goal' | 'card', item: Y.Map<unknown>): KnownSubject | null {
  const id = item.get('id');
  if (typeof id !== 'string') return null;
  const title = kind === 'goal' ? textOf(item.get('title')).trim() : firstWords(textOf(item.get('text')));
  const keys: string[] = [];
  mapKeys(itemKey(kind, id), item, (key) => keys.push(key));
  return { subject: { kind, id, title }, keys };
}

/** The keys of the document's own fields: its root maps' (the roadmap's title). */
function documentKeys(doc: Y.Doc): string[] {
  const keys: string[] = [];
  for (const [name, root] of doc.share) {
    if (!(root instanceof Y.Map)) continue;
    keys.push(name);
    for (const field of (root as Y.Map<unknown>).keys()) keys.push(fieldKey(name, field));
  }
  return keys;
}

/** The goals or cards of the document (the items of its subject lists), by their map. */
function topItems(doc: Y.Doc): Map<Y.Map<unknown>, 'goal' | 'card'> {
  const items = new Map<Y.Map<unknown>, 'goal' | 'card'>();
  for (const [name, root] of doc.share) {
    const kind = SUBJECT_LISTS[name];
    if (!kind || !(root instanceof Y.Array)) continue;
    for (const item of root as Y.Array<unknown>) if (item instanceof Y.Map) items.set(item as Y.Map<unknown>, kind);
  }
  return items;
}

/** The goal or card a changed type lies in (itself or an ancestor of it), or null when it lies in none. */
function topItemOf(type: AnyType, subjectLists: ReadonlySet<AnyType>): Y.Map<unknown> | null {
  let current: AnyType = type;
  for (;;) {
    const parent = current._item?.parent;
    if (!(parent instanceof Y.AbstractType)) return null;
    if (subjectLists.has(parent)) return current instanceof Y.Map ? (current as Y.Map<unknown>) : null;
    current = parent;
  }
}

function subjectId(subject: EditSubjectDto): string {
  return subject.kind === 'document' ? 'document' : `${subject.kind}:${subject.id}`;
}

/**
 * Applies `edits` (oldest first) to `doc` (the document right before the first of them, its
 * roots defined; it ends after the last) and says, for each, what it was about: the one goal or
 * card it touched (named as it is after the update, or as it was when the update removed it),
 * or the document when it touched the document's own fields, several subjects, or nothing people
 * name. What an update touched is what `attributeEdits` records for it; only the goals and cards
 * its transaction reached are read again, so a long history costs little more than its replay.
 */
export function subjectsOfUpdates(doc: Y.Doc, edits: Iterable<SeqEdit>): SubjectUpdate[] {
  const subjectLists = new Set<AnyType>();
  for (const [name, root] of doc.share) if (SUBJECT_LISTS[name] && root instanceof Y.Array) subjectLists.add(root);
  const known = new Map<Y.Map<unknown>, KnownSubject | null>();
  const knownOf = (item: Y.Map<unknown>, kind: 'goal' | 'card') => {
    if (!known.has(item)) known.set(item, readSubject(kind, item));
    return known.get(item) ?? null;
  };
  let items = topItems(doc);
  // Each goal and card read once now; afterwards only when an update reaches it.
  for (const [item, kind] of items) knownOf(item, kind);
  let reached = new Set<Y.Map<unknown>>();
  const collect = (transaction: Y.Transaction) => {
    for (const type of transaction.changed.keys()) {
      const item = topItemOf(type, subjectLists);
      if (item) reached.add(item);
    }
  };
  doc.on('afterTransaction', collect);
  const updates: SubjectUpdate[] = [];
  try {
    for (const edit of edits) {
      reached = new Set();
      // What the goals and cards it reached were called before it (and their keys then).
      const before = new Map<Y.Map<unknown>, KnownSubject | null>();
      const attribute = attributeEdits(doc, [edit]);
      const after = topItems(doc);
      const candidates = new Map<Y.Map<unknown>, 'goal' | 'card'>();
      for (const item of reached) {
        const kind = after.get(item) ?? items.get(item);
        if (kind) candidates.set(item, kind);
      }
      for (const [item, kind] of items) if (!after.has(item)) candidates.set(item, kind);
      for (const [item, kind] of after) if (!items.has(item)) candidates.set(item, kind);
      for (const [item, kind] of candidates) {
        before.set(item, knownOf(item, kind));
        // Still in the document: read again as it is now.
        if (after.has(item)) known.set(item, readSubject(kind, item));
        else known.delete(item);
      }
      const touched = new Map<string, EditSubjectDto>();
      for (const [item, then] of before) {
        for (const read of [then, known.get(item) ?? null]) {
          if (read && read.keys.some((key) => attribute(key) !== null)) touched.set(subjectId(read.subject), known.get(item)?.subject ?? read.subject);
        }
      }
      if (documentKeys(doc).some((key) => attribute(key) !== null)) touched.set('document', DOCUMENT);
      const [only] = touched.values();
      updates.push({ seq: edit.seq, at: edit.at, actor: edit.actor, subject: touched.size === 1 && only ? only : DOCUMENT });
      items = after;
    }
  } finally {
    doc.off('afterTransaction', collect);
  }
  return updates;
}

/** Whether two changes were made by the same person, in the same way (a restore is its own), or by the server for the same reason. */
export function sameActor(a: HistoryActorDto, b: HistoryActorDto): boolean {
  return a.kind === 'member' ? b.kind === 'member' && a.userId === b.userId && a.via === b.via : b.kind === 'server' && a.reason === b.reason;
}

/**
 * Updates (oldest first) grouped into edits, oldest first: consecutive updates by the same actor
 * about the same subject, each at most `pauseMs` after the one before and the whole at most
 * `maxSpanMs` long. Anyone else's update, or one about something else, starts a new edit, so
 * every update is in exactly one edit. The edit is named as its subject was at its last update.
 */
export function groupEdits(updates: readonly SubjectUpdate[], pauseMs = EDIT_BREAK_MS, maxSpanMs = EDIT_MAX_SPAN_MS): EditDto[] {
  const edits: EditDto[] = [];
  let last: EditDto | undefined;
  for (const update of updates) {
    const at = Date.parse(update.at);
    const continues =
      last !== undefined &&
      sameActor(last.actor, update.actor) &&
      subjectId(last.subject) === subjectId(update.subject) &&
      at - Date.parse(last.endedAt) <= pauseMs &&
      at - Date.parse(last.startedAt) <= maxSpanMs;
    if (last && continues) {
      last.toSeq = update.seq;
      last.endedAt = update.at;
      last.subject = update.subject;
      last.changes += 1;
    } else {
      last = { fromSeq: update.seq, toSeq: update.seq, startedAt: update.at, endedAt: update.at, actor: update.actor, subject: update.subject, changes: 1 };
      edits.push(last);
    }
  }
  return edits;
}
