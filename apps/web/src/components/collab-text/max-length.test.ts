import { EditorSelection, EditorState, type Extension } from '@codemirror/state';
import { ySyncAnnotation, YSyncConfig } from 'y-codemirror.next';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { maxLengthFilter } from './max-length.js';
import { singleLineFilter } from './single-line.js';

function field(doc: string, extensions: Extension, cursor = doc.length): EditorState {
  return EditorState.create({ doc, selection: EditorSelection.cursor(cursor), extensions });
}

const remote = ySyncAnnotation.of(new YSyncConfig(new Y.Doc().getText('t'), null));

describe('maxLengthFilter', () => {
  it('lets typing through up to the limit and refuses the character after it', () => {
    const state = field('abcd', maxLengthFilter(5));
    const fits = state.update({ changes: { from: 4, insert: 'e' }, selection: { anchor: 5 }, userEvent: 'input.type' });
    expect(fits.newDoc.toString()).toBe('abcde');
    const over = fits.state.update({ changes: { from: 5, insert: 'f' }, selection: { anchor: 6 }, userEvent: 'input.type' });
    expect(over.docChanged).toBe(false);
    expect(over.newDoc.toString()).toBe('abcde');
  });

  it('keeps the start of a paste that does not fit, with the caret after what was kept', () => {
    const state = field('ab', maxLengthFilter(6), 1);
    const tr = state.update({ changes: { from: 1, insert: '123456' }, selection: { anchor: 7 }, userEvent: 'input.paste' });
    expect(tr.newDoc.toString()).toBe('a1234b');
    expect(tr.newSelection.main.head).toBe(5);
  });

  it('replaces a selection with as much of a paste as fits', () => {
    const state = EditorState.create({ doc: 'hello world', selection: EditorSelection.range(6, 11), extensions: maxLengthFilter(12) });
    const tr = state.update({ changes: { from: 6, to: 11, insert: 'everybody!' }, userEvent: 'input.paste' });
    expect(tr.newDoc.toString()).toBe('hello everyb');
  });

  it('never splits an emoji in two', () => {
    const state = field('abc', maxLengthFilter(4));
    const tr = state.update({ changes: { from: 3, insert: '🙂' }, userEvent: 'input.type' });
    expect(tr.docChanged).toBe(false);
    const roomy = field('ab', maxLengthFilter(4)).update({ changes: { from: 2, insert: '🙂🙂' }, userEvent: 'input.paste' });
    expect(roomy.newDoc.toString()).toBe('ab🙂');
  });

  it('never cuts what the other person wrote, but keeps local input from growing it further', () => {
    const state = field('abc', maxLengthFilter(5));
    const fromRemote = state.update({ changes: { from: 3, insert: 'defghij' }, annotations: remote });
    expect(fromRemote.newDoc.toString()).toBe('abcdefghij');
    const longer = fromRemote.state.update({ changes: { from: 10, insert: 'k' }, userEvent: 'input.type' });
    expect(longer.docChanged).toBe(false);
    const deleting = fromRemote.state.update({ changes: { from: 9, to: 10 }, userEvent: 'delete.backward' });
    expect(deleting.newDoc.toString()).toBe('abcdefghi');
    const sameLength = fromRemote.state.update({ changes: { from: 0, to: 1, insert: 'A' }, userEvent: 'input.type' });
    expect(sameLength.newDoc.toString()).toBe('Abcdefghij');
  });

  it('measures a pasted paragraph after it became one line in a single-line field', () => {
    // Registered in this order by the component: the single-line filter runs first.
    const state = field('', [maxLengthFilter(3), singleLineFilter()]);
    const tr = state.update({ changes: { from: 0, insert: 'a\n\n\nb' }, userEvent: 'input.paste' });
    expect(tr.newDoc.toString()).toBe('a b');
  });
});
