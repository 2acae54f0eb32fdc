import { EditorSelection, EditorState } from '@codemirror/state';
import { ySyncAnnotation, YSyncConfig } from 'y-codemirror.next';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { singleLineFilter, toSingleLine } from './single-line.js';

function field(doc: string, cursor = doc.length): EditorState {
  return EditorState.create({ doc, selection: EditorSelection.cursor(cursor), extensions: singleLineFilter() });
}

describe('toSingleLine', () => {
  it('turns each run of line breaks between words into one space', () => {
    expect(toSingleLine('Walk daily\r\n\r\nwith a friend')).toBe('Walk daily with a friend');
    expect(toSingleLine('one\ntwo\rthree\u2028four\u2029five\u0085six')).toBe('one two three four five six');
    expect(toSingleLine('trailing spaces   \n   leading spaces')).toBe('trailing spaces leading spaces');
  });

  it('drops line breaks at the start and end of the text', () => {
    expect(toSingleLine('\nSleep better\n')).toBe('Sleep better');
    expect(toSingleLine('\n\n')).toBe('');
  });

  it('keeps an edge line break as a space when it would otherwise glue two words', () => {
    expect(toSingleLine('second\n', { after: 'x' })).toBe('second ');
    expect(toSingleLine('\nsecond', { before: 'd' })).toBe(' second');
    expect(toSingleLine('\nsecond', { before: ' ' })).toBe('second');
    expect(toSingleLine('\n', { before: 'a', after: 'b' })).toBe('');
  });

  it('leaves text without line breaks untouched, tabs and spaces included', () => {
    expect(toSingleLine('a\tb  c')).toBe('a\tb  c');
  });
});

describe('singleLineFilter', () => {
  it('rewrites a pasted paragraph as one line and puts the caret after it', () => {
    const state = field('Goal: ');
    const tr = state.update({
      changes: { from: 6, insert: 'Sleep\n\nbetter\n' },
      selection: EditorSelection.cursor(6 + 'Sleep\n\nbetter\n'.length),
      userEvent: 'input.paste',
    });
    expect(tr.newDoc.toString()).toBe('Goal: Sleep better');
    expect(tr.newSelection.main.head).toBe(tr.newDoc.length);
    expect(tr.isUserEvent('input.paste')).toBe(true);
  });

  it('separates a pasted line from the word it lands next to', () => {
    const state = field('ab', 1);
    const tr = state.update({ changes: { from: 1, insert: 'X\n' }, userEvent: 'input.paste' });
    expect(tr.newDoc.toString()).toBe('aX b');
  });

  it('inserts nothing for a lone line break', () => {
    const state = field('abc', 3);
    const tr = state.update({ changes: { from: 3, insert: '\n' }, userEvent: 'input' });
    expect(tr.newDoc.toString()).toBe('abc');
  });

  it('never changes the line breaks the other person wrote', () => {
    const config = new YSyncConfig(new Y.Doc().getText('t'), null);
    const state = field('abc');
    const tr = state.update({ changes: { from: 3, insert: '\nsecond line' }, annotations: ySyncAnnotation.of(config) });
    expect(tr.newDoc.toString()).toBe('abc\nsecond line');
  });
});
