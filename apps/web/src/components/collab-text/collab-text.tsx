import { Compartment, EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { type Ref, type RefObject, useImperativeHandle, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import {
  baseExtension,
  bindingExtension,
  type CollabTextCallbacks,
  type CollabTextSettings,
  createTextUndoManager,
  settingsExtension,
} from './collab-extensions.js';

/** What a parent can do with a `CollabText` through `ref`. */
export interface CollabTextHandle {
  focus(): void;
  blur(): void;
}

/** Every field needs an accessible name: its own `label`, or the id of an element naming it. */
type Naming = { label: string; labelledBy?: string } | { label?: string; labelledBy: string };

export type CollabTextProps = Naming & {
  /** The shared text this field edits. Passing another one (another goal) rebinds the field. */
  text: Y.Text;
  /** Awareness of the same `Y.Doc`, for carets; `null` shows and publishes none. */
  awareness: Awareness | null;
  /** Several lines (Enter inserts a line break). Default: one line, line breaks become spaces. */
  multiline?: boolean;
  placeholder?: string;
  /** Readable, selectable and focusable, but not editable. */
  readOnly?: boolean;
  /** Most characters (UTF-16 code units) local input may bring the text to; remote text is never cut. */
  maxLength?: number;
  /** Id(s) of hints or errors about the field (`aria-describedby`). */
  describedBy?: string;
  /** Id of the editable element, e.g. for `aria-labelledby` on a related control. */
  id?: string;
  /** Extra class on the wrapper (which always has `collab-editor`). */
  className?: string;
  /** Enter in a single-line field; Mod-Enter in any field. */
  onEnter?: () => void;
  /** The field gained or lost focus (also `false` when it goes away while focused). */
  onFocusChange?: (focused: boolean) => void;
  ref?: Ref<CollabTextHandle>;
};

/**
 * Where a new editor takes over from the plain field shown until it loaded (deferred-text.tsx):
 * whether that field had focus, and its selection, as offsets into the text.
 */
export interface EditorStart {
  focused: boolean;
  anchor: number;
  head: number;
}

/**
 * The text field for every shared text: a CodeMirror 6 editor bound to a `Y.Text` with
 * y-codemirror.next, so two people typing in the same field at once both keep every character;
 * Mod-z undoes only one's own edits; the other person's caret shows in their colour.
 */
export function CollabText({
  text,
  awareness,
  label,
  labelledBy,
  describedBy,
  id,
  multiline = false,
  readOnly = false,
  placeholder,
  maxLength,
  className,
  onEnter,
  onFocusChange,
  ref,
  startRef,
}: CollabTextProps & { startRef?: RefObject<EditorStart | null> }) {
  const hostRef = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  const [compartment] = useState(() => new Compartment());
  const callbacks = useRef<CollabTextCallbacks>({ onEnter, onFocusChange });
  const settings = useMemo<CollabTextSettings>(
    () => ({ label, labelledBy, describedBy, id, multiline, readOnly, placeholder, maxLength }),
    [label, labelledBy, describedBy, id, multiline, readOnly, placeholder, maxLength],
  );
  const latestSettings = useRef(settings);
  /** The settings the editor is configured with, so the first render does not reconfigure. */
  const appliedSettings = useRef<CollabTextSettings | null>(null);
  /** Whether the editor had focus when it was rebound to another text. */
  const refocus = useRef(false);

  useLayoutEffect(() => {
    callbacks.current = { onEnter, onFocusChange };
    latestSettings.current = settings;
  });

  // One editor per text: y-codemirror.next's plugins read their Y.Text once, when created, so
  // a different text needs a new view (reconfiguring would keep the old binding alive).
  useLayoutEffect(() => {
    const parent = hostRef.current;
    if (!parent) return;
    if (!text.doc) throw new Error('CollabText: the Y.Text must be part of a Y.Doc');
    if (awareness && awareness.doc !== text.doc) throw new Error("CollabText: the awareness must be the Y.Text's document's");
    const undoManager = createTextUndoManager(text);
    let focused = false;
    const view = new EditorView({
      parent,
      state: EditorState.create({
        doc: text.toString(),
        extensions: [
          compartment.of(settingsExtension(latestSettings.current, callbacks)),
          baseExtension(callbacks),
          bindingExtension(text, awareness, undoManager),
          EditorView.updateListener.of((update) => {
            if (update.focusChanged) focused = update.view.hasFocus;
          }),
        ],
      }),
    });
    viewRef.current = view;
    appliedSettings.current = latestSettings.current;
    if (refocus.current) {
      refocus.current = false;
      view.focus();
    }
    // Taken once, by the first editor: a rebound one starts afresh.
    const taking = startRef?.current ?? null;
    if (startRef) startRef.current = null;
    if (taking) {
      const length = view.state.doc.length;
      view.dispatch({ selection: { anchor: Math.min(taking.anchor, length), head: Math.min(taking.head, length) } });
      if (taking.focused) view.focus();
    }
    return () => {
      // Destroying the view unobserves the text, stops listening to awareness and takes this
      // field's caret out of it; the undo manager is this field's alone.
      refocus.current = focused;
      viewRef.current = null;
      view.destroy();
      undoManager.destroy();
      if (focused) callbacks.current.onFocusChange?.(false);
    };
  }, [text, awareness, compartment, startRef]);

  useLayoutEffect(() => {
    const view = viewRef.current;
    if (!view || appliedSettings.current === settings) return;
    view.dispatch({ effects: compartment.reconfigure(settingsExtension(settings, callbacks)) });
    appliedSettings.current = settings;
  }, [settings, compartment]);

  useImperativeHandle(
    ref,
    () => ({
      focus: () => viewRef.current?.focus(),
      blur: () => viewRef.current?.contentDOM.blur(),
    }),
    [],
  );

  return (
    <div
      ref={hostRef}
      className={className ? `collab-editor ${className}` : 'collab-editor'}
      data-multiline={multiline ? '' : undefined}
      data-readonly={readOnly ? '' : undefined}
    />
  );
}
