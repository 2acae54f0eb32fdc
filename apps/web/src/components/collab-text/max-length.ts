import { EditorState, type Extension, type Text } from '@codemirror/state';
import { isLocalInput } from './local-input.js';

/** A stretch of the new document to take out again, because it does not fit. */
export interface Cut {
  from: number;
  to: number;
}

/**
 * Which parts of the inserted ranges (`from`/`to` in `doc`, the document after the change) to
 * drop so that `overflow` characters go: the end of the last insertion first, as a native
 * `<input maxlength>` keeps the start of a paste. A surrogate pair is never split, so an emoji
 * is kept or dropped whole. Lengths are UTF-16 code units, as `maxlength` counts them.
 */
export function overflowCuts(inserted: readonly Cut[], doc: Text, overflow: number): Cut[] {
  const cuts: Cut[] = [];
  let left = overflow;
  for (let i = inserted.length - 1; i >= 0 && left > 0; i--) {
    const range = inserted[i];
    if (!range || range.to === range.from) continue;
    let from = Math.max(range.from, range.to - left);
    if (from > range.from && isLowSurrogate(doc.sliceString(from, from + 1)) && isHighSurrogate(doc.sliceString(from - 1, from))) {
      from -= 1;
    }
    cuts.unshift({ from, to: range.to });
    left -= range.to - from;
  }
  return cuts;
}

/**
 * Refuses local input that would make the text longer than `maxLength`: typing stops at the
 * limit and a paste is shortened to fit. Only input is limited, never the text: when the other
 * person's edits already took it past the limit, the remote text stays whole, deleting is
 * always possible, and local input may not make it any longer than it already is.
 */
export function maxLengthFilter(maxLength: number): Extension {
  if (!Number.isFinite(maxLength) || maxLength < 0) return [];
  return EditorState.transactionFilter.of((tr) => {
    if (!isLocalInput(tr)) return tr;
    const cap = Math.max(maxLength, tr.startState.doc.length);
    const overflow = tr.newDoc.length - cap;
    if (overflow <= 0) return tr;
    const inserted: Cut[] = [];
    let deleted = 0;
    tr.changes.iterChanges((fromA, toA, fromB, toB) => {
      inserted.push({ from: fromB, to: toB });
      deleted += toA - fromA;
    });
    const cuts = overflowCuts(inserted, tr.newDoc, overflow);
    const insertedTotal = inserted.reduce((sum, r) => sum + (r.to - r.from), 0);
    const cutTotal = cuts.reduce((sum, r) => sum + (r.to - r.from), 0);
    // Nothing of the insertion fits and nothing was deleted: refuse the input outright.
    if (cutTotal === insertedTotal && deleted === 0) return [];
    return [tr, { changes: cuts, sequential: true }];
  });
}

function isHighSurrogate(char: string): boolean {
  const code = char.charCodeAt(0);
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(char: string): boolean {
  const code = char.charCodeAt(0);
  return code >= 0xdc00 && code <= 0xdfff;
}
