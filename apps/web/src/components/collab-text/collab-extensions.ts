import { insertNewline, standardKeymap } from '@codemirror/commands';
import { EditorState, type Extension, Prec } from '@codemirror/state';
import { EditorView, type KeyBinding, keymap, placeholder as placeholderText } from '@codemirror/view';
import { yCollab } from 'y-codemirror.next';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { maxLengthFilter } from './max-length.js';
import { remoteCursors } from './remote-cursors.js';
import { singleLineFilter } from './single-line.js';

/** What a `CollabText` can change without rebinding its text (reconfigured in place). */
export interface CollabTextSettings {
  /** Accessible name (`aria-label`). */
  label?: string;
  /** Id(s) of the element(s) naming the field (`aria-labelledby`); wins over `label`. */
  labelledBy?: string;
  /** Id(s) of hints or errors about the field (`aria-describedby`). */
  describedBy?: string;
  /** Id of the editable element, for `aria-labelledby`/`aria-describedby` elsewhere. */
  id?: string;
  multiline: boolean;
  readOnly: boolean;
  placeholder?: string;
  /** Most UTF-16 code units local input may bring the text to (as `<input maxlength>`). */
  maxLength?: number;
}

/** Handlers the editor calls; read through a ref so changing them needs no reconfiguration. */
export interface CollabTextCallbacks {
  onEnter?: () => void;
  onFocusChange?: (focused: boolean) => void;
}

/**
 * A `Y.UndoManager` for one field that only ever undoes what this person typed in it.
 *
 * y-codemirror.next registers its binding as a tracked origin. The empty set matters: by
 * default Y.UndoManager also tracks transactions whose origin is null, and an update applied
 * with `Y.applyUpdate(doc, update)` and no origin (the other person's edit, arriving through
 * some provider) would then be undone by our Mod-z.
 */
export function createTextUndoManager(text: Y.Text): Y.UndoManager {
  return new Y.UndoManager(text, { trackedOrigins: new Set() });
}

/**
 * Binds the editor to `text`: y-codemirror.next's sync (every local change goes into the
 * Y.Text as the change it is, concurrent edits merge) and undo, plus carets over `awareness`.
 *
 * `yCollab` gets no awareness on purpose: its remote-selection plugin misbehaves when several
 * fields share one awareness (see remote-cursors.ts), so ours is used instead, after the sync.
 */
export function bindingExtension(text: Y.Text, awareness: Awareness | null, undoManager: Y.UndoManager): Extension {
  // Undo and redo change the Y.Text, which is how the binding learns of them; a read-only
  // field must not, so the keys do nothing there (but are still taken from the browser).
  const unlessReadOnly =
    (act: () => unknown) =>
    (view: EditorView): boolean => {
      if (!view.state.readOnly) act();
      return true;
    };
  return [
    yCollab(text, null, { undoManager }),
    awareness ? remoteCursors(text, awareness) : [],
    Prec.high(
      keymap.of([
        { key: 'Mod-z', run: unlessReadOnly(() => undoManager.undo()), preventDefault: true },
        { key: 'Mod-Shift-z', run: unlessReadOnly(() => undoManager.redo()), preventDefault: true },
        { key: 'Mod-y', run: unlessReadOnly(() => undoManager.redo()), preventDefault: true },
      ]),
    ),
  ];
}

/**
 * What every field has: soft wrapping (no horizontal scrolling, also on one line), the plain
 * editing keys (no Tab binding, so Tab moves focus on as in any form), Escape to leave the
 * field, and focus reported to `callbacks`.
 */
export function baseExtension(callbacks: { readonly current: CollabTextCallbacks }): Extension {
  return [
    EditorView.lineWrapping,
    Prec.high(
      keymap.of([
        {
          key: 'Escape',
          run: (view) => {
            view.contentDOM.blur();
            return true;
          },
        },
      ]),
    ),
    keymap.of(standardKeymap),
    EditorView.updateListener.of((update) => {
      if (update.focusChanged) callbacks.current.onFocusChange?.(update.view.hasFocus);
    }),
  ];
}

/** The extensions that follow the component's props; reconfigured in a Compartment. */
export function settingsExtension(settings: CollabTextSettings, callbacks: { readonly current: CollabTextCallbacks }): Extension {
  const { multiline, readOnly } = settings;
  const enter = (): boolean => {
    const onEnter = callbacks.current.onEnter;
    if (onEnter) onEnter();
    return onEnter !== undefined;
  };
  // A single-line field never takes a line break from the keyboard, onEnter or not.
  const enterOnly = (): boolean => {
    enter();
    return true;
  };
  let keys: KeyBinding[] = [];
  if (!readOnly && multiline) keys = [{ key: 'Enter', run: insertNewline, shift: insertNewline }, { key: 'Mod-Enter', run: enter }];
  else if (!readOnly) keys = [{ key: 'Enter', run: enterOnly, shift: enterOnly }, { key: 'Mod-Enter', run: enterOnly }];

  const attributes: Record<string, string> = {
    'aria-multiline': String(multiline),
    'aria-readonly': String(readOnly),
    spellcheck: readOnly ? 'false' : 'true',
    autocorrect: 'on',
    autocapitalize: 'sentences',
    enterkeyhint: multiline ? 'enter' : 'done',
  };
  if (settings.label) attributes['aria-label'] = settings.label;
  if (settings.labelledBy) attributes['aria-labelledby'] = settings.labelledBy;
  if (settings.describedBy) attributes['aria-describedby'] = settings.describedBy;
  if (settings.id) attributes.id = settings.id;
  // contenteditable=false takes the element out of the tab order; a read-only field stays
  // reachable and readable, as <input readonly> does.
  if (readOnly) attributes.tabindex = '0';

  return [
    EditorView.contentAttributes.of(attributes),
    EditorState.readOnly.of(readOnly),
    EditorView.editable.of(!readOnly),
    !readOnly && settings.placeholder ? placeholderText(settings.placeholder) : [],
    Prec.high(keymap.of(keys)),
    // Filters run last-registered first: line breaks become spaces before the length is
    // checked, so a pasted paragraph is measured as the line it turns into.
    settings.maxLength !== undefined ? maxLengthFilter(settings.maxLength) : [],
    multiline ? [] : singleLineFilter(),
  ];
}
