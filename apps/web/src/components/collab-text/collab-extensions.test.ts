import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type CollabTextSettings, createTextUndoManager, settingsExtension } from './collab-extensions.js';

const noCallbacks = { current: {} };

function stateWith(settings: Partial<CollabTextSettings>, doc = ''): EditorState {
  return EditorState.create({ doc, extensions: settingsExtension({ multiline: false, readOnly: false, ...settings }, noCallbacks) });
}

/** The attributes the editable element gets (the same merge CodeMirror does, minus its defaults). */
function contentAttributes(state: EditorState): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const source of state.facet(EditorView.contentAttributes)) {
    if (typeof source !== 'function') Object.assign(merged, source);
  }
  return merged;
}

describe('field settings', () => {
  it('names the editable element and says whether it is multi-line and read-only', () => {
    const attributes = contentAttributes(stateWith({ label: 'Goal title', id: 'goal-1-title', describedBy: 'goal-1-hint' }));
    expect(attributes).toMatchObject({
      'aria-label': 'Goal title',
      'aria-multiline': 'false',
      'aria-readonly': 'false',
      'aria-describedby': 'goal-1-hint',
      id: 'goal-1-title',
    });
    expect(attributes).not.toHaveProperty('tabindex');
    expect(contentAttributes(stateWith({ labelledBy: 'why-label', multiline: true }))).toMatchObject({
      'aria-labelledby': 'why-label',
      'aria-multiline': 'true',
    });
  });

  it('makes a read-only field non-editable but keeps it in the tab order', () => {
    const state = stateWith({ label: 'Goal title', readOnly: true }, 'Sleep better');
    expect(state.readOnly).toBe(true);
    expect(state.facet(EditorView.editable)).toBe(false);
    expect(contentAttributes(state)).toMatchObject({ 'aria-readonly': 'true', tabindex: '0' });
  });

  it('keeps line breaks in a multi-line field and turns them into spaces in a single-line one', () => {
    const paste = (state: EditorState) => state.update({ changes: { from: 0, insert: 'one\ntwo' }, userEvent: 'input.paste' }).newDoc.toString();
    expect(paste(stateWith({ multiline: true }))).toBe('one\ntwo');
    expect(paste(stateWith({ multiline: false }))).toBe('one two');
  });

  it('limits local input only when a maxLength is given', () => {
    const type = (state: EditorState) => state.update({ changes: { from: 0, insert: 'abcdef' }, userEvent: 'input.paste' }).newDoc.toString();
    expect(type(stateWith({}))).toBe('abcdef');
    expect(type(stateWith({ maxLength: 4 }))).toBe('abcd');
  });
});

describe('undo', () => {
  it("undoes only this person's edits, not the other person's, even when they arrive without an origin", () => {
    const mine = new Y.Doc();
    const theirs = new Y.Doc();
    const text = mine.getText('title');
    const undoManager = createTextUndoManager(text);
    // y-codemirror.next registers its binding config as the origin of local edits.
    const binding = {};
    undoManager.addTrackedOrigin(binding);

    mine.transact(() => text.insert(0, 'Sleep'), binding);
    Y.applyUpdate(theirs, Y.encodeStateAsUpdate(mine));
    theirs.getText('title').insert(5, ' better');
    Y.applyUpdate(mine, Y.encodeStateAsUpdate(theirs)); // no origin at all
    expect(text.toString()).toBe('Sleep better');

    undoManager.undo();
    expect(text.toString()).toBe(' better');
    expect(undoManager.undo()).toBeNull();
    undoManager.redo();
    expect(text.toString()).toBe('Sleep better');
    undoManager.destroy();
  });
});
