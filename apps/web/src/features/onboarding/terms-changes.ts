import type { TextRun } from '@alliance/shared';
import { diffArrays, diffWordsWithSpace } from 'diff';
import { parseTerms } from '../../lib/terms-blocks.js';

/** A piece of "How we work" as the reader meets it: a heading, a paragraph or one item of a list. */
export type TermsPieceKind = 'heading' | 'paragraph' | 'item';

/** One piece of the new text, or of the old one where it was removed, with what changed in it. */
export interface TermsPieceChange {
  kind: TermsPieceKind;
  /** `changed`: reworded (its words are in `runs`); `added` or `removed` whole; or the `same`. */
  change: 'same' | 'changed' | 'added' | 'removed';
  runs: TextRun[];
}

interface Piece {
  kind: TermsPieceKind;
  text: string;
}

function piecesOf(body: string): Piece[] {
  return parseTerms(body).flatMap((block): Piece[] => (block.kind === 'list' ? block.items.map((text) => ({ kind: 'item', text })) : [{ kind: block.kind, text: block.text }]));
}

const whole = (piece: Piece, change: 'same' | 'added' | 'removed'): TermsPieceChange => ({
  kind: piece.kind,
  change,
  runs: [{ kind: change, text: piece.text }],
});

function reworded(before: Piece, after: Piece): TermsPieceChange {
  const runs = diffWordsWithSpace(before.text, after.text).map((part): TextRun => ({ kind: part.added ? 'added' : part.removed ? 'removed' : 'same', text: part.value }));
  return { kind: after.kind, change: 'changed', runs };
}

/**
 * How "How we work" changed from `before` (the version the client read) to `after`, piece by
 * piece in the order of the new text: headings, paragraphs and list items matched up line by
 * line, and a piece replaced by one of the same kind shown as reworded, word by word.
 * Joining the `same` and `added` runs of every piece but the removed ones gives the new text.
 */
export function termsChanges(before: string, after: string): TermsPieceChange[] {
  const parts = diffArrays(piecesOf(before), piecesOf(after), { comparator: (a, b) => a.kind === b.kind && a.text === b.text });
  const changes: TermsPieceChange[] = [];
  let removed: Piece[] = [];
  let added: Piece[] = [];
  // Pieces replaced by others pair up in order while their kinds agree; the rest are removed or added whole.
  const flush = () => {
    let paired = 0;
    while (paired < removed.length && paired < added.length && removed[paired]!.kind === added[paired]!.kind) {
      changes.push(reworded(removed[paired]!, added[paired]!));
      paired++;
    }
    changes.push(...removed.slice(paired).map((piece) => whole(piece, 'removed')));
    changes.push(...added.slice(paired).map((piece) => whole(piece, 'added')));
    removed = [];
    added = [];
  };
  for (const part of parts) {
    if (part.removed) removed.push(...part.value);
    else if (part.added) added.push(...part.value);
    else {
      flush();
      changes.push(...part.value.map((piece) => whole(piece, 'same')));
    }
  }
  flush();
  return changes;
}

/** How many pieces changed at all. */
export function changedPieces(changes: readonly TermsPieceChange[]): number {
  return changes.filter((piece) => piece.change !== 'same').length;
}
