import * as Y from 'yjs';
import type { ChangeSet } from './change-set.js';
import type { ChangeRule } from './change-rules.js';
import { checkChangeShape, ShapeLocator } from './change-shape.js';
import { DRAFTS_ROOTS, FEEDBACK_ROOTS } from './feedback.js';
import { feedbackRules } from './feedback-rules.js';
import { DOC_NAMES, type DocName, type Role } from './names.js';
import { ROADMAP_ROOTS, seedRoadmap } from './roadmap.js';
import { roadmapRules } from './roadmap-rules.js';
import { defineRoots, validateDocument, type RootSpec } from './shape.js';

/**
 * Everything about one kind of shared document, in one place: its roots and their shape, who
 * may open and who may write it, the rules a change must follow beyond the shape, and its first
 * content. The server's rooms, its routes and export read this; adding a document is one entry.
 */
export interface DocKind {
  readonly name: DocName;
  readonly roots: Readonly<Record<string, RootSpec>>;
  /** Whether a member may open the document at all (read or write). */
  canOpen(role: Role): boolean;
  canWrite(role: Role): boolean;
  readonly rules: readonly ChangeRule[];
  /** The document's first content (its first logged update), or null when it starts empty. */
  seed(input: { title: string }): Uint8Array | null;
}

function seedOf(write: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc();
  try {
    write(doc);
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}

export const DOC_KINDS: Readonly<Record<DocName, DocKind>> = {
  roadmap: {
    name: 'roadmap',
    roots: ROADMAP_ROOTS,
    canOpen: () => true,
    canWrite: () => true,
    rules: roadmapRules,
    seed: ({ title }) => seedOf((doc) => seedRoadmap(doc, title)),
  },
  feedback: {
    name: 'feedback',
    roots: FEEDBACK_ROOTS,
    canOpen: () => true,
    canWrite: () => true,
    rules: feedbackRules,
    seed: () => null,
  },
  drafts: {
    name: 'drafts',
    roots: DRAFTS_ROOTS,
    canOpen: (role) => role === 'client',
    canWrite: (role) => role === 'client',
    rules: feedbackRules,
    seed: () => null,
  },
};

/** Every document kind, in the order workspaces list them. */
export const ALL_DOC_KINDS: readonly DocKind[] = DOC_NAMES.map((name) => DOC_KINDS[name]);

/** Why a change was refused: its shape, or who may make it. */
export type ChangeVerdict = { code: 'SHAPE_VIOLATION' | 'PERMISSION_DENIED'; reason: string } | null;

/**
 * Judges one transaction: its shape first, then the kind's rules, as made by `role` at the
 * server's time `now` — the rules only when a member made it (`trusted`: the server made it from
 * its own records). Must run inside the transaction's `afterTransaction` event (see
 * `readChangeSet`).
 */
export function judgeChange(kind: DocKind, changes: ChangeSet, role: Role, now: number, trusted = false): ChangeVerdict {
  const locator = new ShapeLocator(kind.roots);
  const shape = checkChangeShape(changes, kind.roots, locator);
  if (shape) return { code: 'SHAPE_VIOLATION', reason: shape };
  if (trusted) return null;
  for (const rule of kind.rules) {
    const reason = rule({ changes, locator, role, now });
    if (reason) return { code: 'PERMISSION_DENIED', reason };
  }
  return null;
}

/** The whole document against its kind's shape (the backstop; see `validateDocument`). */
export function validateDocOfKind(kind: DocKind, doc: Y.Doc): string | null {
  return validateDocument(doc, kind.roots);
}

/** A new document of this kind with its roots defined (no content). */
export function newDocOfKind(kind: DocKind): Y.Doc {
  const doc = new Y.Doc();
  defineRoots(doc, kind.roots);
  return doc;
}

/** Whether a member in `role` may open document `doc` at all (read or write). */
export function canOpenDoc(role: Role, doc: DocName): boolean {
  return DOC_KINDS[doc].canOpen(role);
}
