import { EditorState, type Extension, type TransactionSpec } from '@codemirror/state';
import { isLocalInput } from './local-input.js';

/**
 * A run of line breaks with the spaces and tabs around it. Covers every break a paste can carry
 * (CRLF, CR, LF, vertical tab, form feed, NEL, Unicode line and paragraph separators).
 */
const LINE_BREAK_RUN = /[ \t]*(?:\r\n|[\n\v\f\r\u0085\u2028\u2029])+[ \t]*/g;

/** The characters around an insertion: they decide what a line break at its edge becomes. */
export interface InsertionContext {
  /** The character just before the inserted text ('' at the start of the field). */
  before?: string;
  /** The character just after the inserted text ('' at the end of the field). */
  after?: string;
}

export interface LineBreakReplacement {
  from: number;
  to: number;
  insert: string;
}

/** Where `text` has line breaks, and what each run becomes in a single-line field. */
export function lineBreakReplacements(text: string, context: InsertionContext = {}): LineBreakReplacement[] {
  const replacements: LineBreakReplacement[] = [];
  for (const match of text.matchAll(LINE_BREAK_RUN)) {
    const from = match.index;
    const to = from + match[0].length;
    // Between words a run becomes one space. At an edge of the insertion (a copied line's
    // trailing newline) it becomes a space only if it would otherwise glue the insertion to a
    // word next to it. An insertion of nothing but line breaks (an Enter that slipped past the
    // keymap) inserts nothing.
    const atStart = from === 0;
    const atEnd = to === text.length;
    let separates: boolean;
    if (atStart && atEnd) separates = false;
    else if (atStart) separates = isWordSide(context.before);
    else if (atEnd) separates = isWordSide(context.after);
    else separates = true;
    replacements.push({ from, to, insert: separates ? ' ' : '' });
  }
  return replacements;
}

function isWordSide(neighbour: string | undefined): boolean {
  return neighbour !== undefined && /\S/.test(neighbour);
}

/**
 * `text` as one line: each run of line breaks between words becomes a single space, and line
 * breaks at its start or end are dropped unless `context` says a word is right there.
 * `"Walk daily\r\n\r\nwith a friend\n"` becomes `"Walk daily with a friend"`.
 */
export function toSingleLine(text: string, context: InsertionContext = {}): string {
  let result = '';
  let last = 0;
  for (const { from, to, insert } of lineBreakReplacements(text, context)) {
    result += text.slice(last, from) + insert;
    last = to;
  }
  return result + text.slice(last);
}

/**
 * Keeps local input on one line: line breaks in typed, pasted or dropped text are rewritten as
 * with {@link toSingleLine}. Text the other person wrote is left alone, line breaks included.
 *
 * The rewrite is appended to the original transaction as a sequential change, so its selection,
 * user event and effects are kept and simply mapped through the rewrite.
 */
export function singleLineFilter(): Extension {
  return EditorState.transactionFilter.of((tr) => {
    if (!isLocalInput(tr)) return tr;
    const rewrites: LineBreakReplacement[] = [];
    const doc = tr.newDoc;
    tr.changes.iterChanges((_fromA, _toA, fromB, toB, inserted) => {
      const text = inserted.toString();
      if (inserted.lines === 1 && !/[\v\f\u0085\u2028\u2029]/.test(text)) return;
      const context = { before: doc.sliceString(Math.max(0, fromB - 1), fromB), after: doc.sliceString(toB, toB + 1) };
      for (const { from, to, insert } of lineBreakReplacements(text, context)) {
        rewrites.push({ from: fromB + from, to: fromB + to, insert });
      }
    });
    if (rewrites.length === 0) return tr;
    const rewrite: TransactionSpec = { changes: rewrites, sequential: true };
    return [tr, rewrite];
  });
}
