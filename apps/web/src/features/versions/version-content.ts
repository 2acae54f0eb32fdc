import {
  FEEDBACK_COLUMN_LABELS,
  FEEDBACK_COLUMNS,
  FEEDBACK_ROOTS,
  ROADMAP_ROOTS,
  defineRoots,
  snapshotCards,
  snapshotRoadmap,
  type CardSnapshot,
  type FeedbackColumn,
  type GoalSnapshot,
  type RootSpec,
} from '@alliance/shared';
import * as Y from 'yjs';

export interface BoardColumn {
  column: FeedbackColumn;
  label: string;
  cards: CardSnapshot[];
}

/** What a saved version holds, as plain data to show (never a live document). */
export type VersionContent = { doc: 'roadmap'; title: string; goals: GoalSnapshot[]; archived: GoalSnapshot[] } | { doc: 'feedback'; columns: BoardColumn[]; cardCount: number };

/**
 * A new, unconnected document holding `state` (a whole-document Yjs update), its root types
 * defined first as the shared shape defines them, so they are read with the right type.
 */
export function documentAt(roots: Readonly<Record<string, RootSpec>>, state: Uint8Array): Y.Doc {
  const doc = new Y.Doc({ gc: true });
  defineRoots(doc, roots);
  Y.applyUpdate(doc, state);
  return doc;
}

/** The feedback board's cards by column, in the board's order. */
export function boardColumns(cards: readonly CardSnapshot[]): BoardColumn[] {
  return FEEDBACK_COLUMNS.map((column) => ({ column, label: FEEDBACK_COLUMN_LABELS[column], cards: cards.filter((card) => card.column === column) }));
}

/** Reads a version's bytes into plain data; the document it builds is thrown away. */
export function readVersion(doc: 'roadmap' | 'feedback', state: Uint8Array): VersionContent {
  const ydoc = documentAt(doc === 'roadmap' ? ROADMAP_ROOTS : FEEDBACK_ROOTS, state);
  try {
    if (doc === 'roadmap') {
      const roadmap = snapshotRoadmap(ydoc);
      return { doc, title: roadmap.title, goals: roadmap.goals.filter((goal) => !goal.archived), archived: roadmap.goals.filter((goal) => goal.archived) };
    }
    const cards = snapshotCards(ydoc);
    return { doc, columns: boardColumns(cards), cardCount: cards.length };
  } finally {
    ydoc.destroy();
  }
}
