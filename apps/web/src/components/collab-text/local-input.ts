import type { Transaction } from '@codemirror/state';
import { ySyncAnnotation } from 'y-codemirror.next';

/**
 * Whether a transaction is this person's own input rather than the binding writing the Y.Text's
 * changes into the editor (the other person's edits, and undo/redo, which Y.UndoManager applies
 * to the Y.Text first). Input filters only ever touch local input: the other person's text is
 * shown exactly as they wrote it.
 */
export function isLocalInput(tr: Transaction): boolean {
  return tr.docChanged && tr.annotation(ySyncAnnotation) === undefined;
}
