import { Annotation, type Extension, type Range } from '@codemirror/state';
import { Decoration, type DecorationSet, type EditorView, type PluginValue, type ViewUpdate, ViewPlugin, WidgetType } from '@codemirror/view';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { LocalCursor, RemoteCursorTracker, type RemoteCursor } from './cursor-awareness.js';

/*
 * Carets of the other person, and publishing ours, for editors that share one awareness.
 *
 * This replaces y-codemirror.next's `yRemoteSelections` (0.3.6), which `yCollab` adds when it
 * is given an awareness. Reading its source (src/y-remote-selections.js), with several editors
 * (several Y.Texts of one doc) on one awareness:
 *
 * - Drawing is right: a caret is only drawn when its relative positions resolve to the editor's
 *   own Y.Text (`anchor.type !== ytext` → skipped).
 * - An unfocused editor never clears the `cursor` field: the branch meant to clear it,
 *   `else if (cursor != null && hasFocus)`, can never run because `sel` is only null when
 *   `hasFocus` is false. So a remote edit landing in an unfocused field leaves the caret of the
 *   focused field alone, but for the same reason leaving a field never clears it either: the
 *   other person keeps seeing our caret in a field we left (until we focus another field).
 * - Every remote awareness change dispatches a transaction in every editor, relevant or not.
 * - The caret widget's name is text inside the contenteditable with no `aria-hidden`, so a
 *   screen reader reads the other person's name in the middle of the field's text.
 * - Untrusted remote state goes straight into Yjs and into a `style` attribute: a malformed
 *   `cursor` throws inside the plugin's update (CodeMirror then disables the plugin, and with
 *   it remote carets, for good), and `user.color` can carry arbitrary CSS.
 *
 * So the component passes `null` as awareness to `yCollab` (text sync and undo only) and uses
 * this plugin, which keeps the library's `cursor` field format (interoperable with stock
 * tooling) and fixes the above: see `LocalCursor` and `RemoteCursorTracker`.
 */

/** Marks the transaction that asks an editor to redraw remote carets after an awareness change. */
const remoteCursorsChanged = Annotation.define<true>();

/** The other person's caret: a thin bar in their colour with their name above it. */
class RemoteCaretWidget extends WidgetType {
  constructor(
    readonly color: string,
    readonly name: string,
  ) {
    super();
  }

  override eq(other: RemoteCaretWidget): boolean {
    return other.color === this.color && other.name === this.name;
  }

  toDOM(view: EditorView): HTMLElement {
    const doc = view.dom.ownerDocument;
    const caret = doc.createElement('span');
    caret.className = 'ct-remote-caret';
    // Presence is shown, not read out as part of the field's text.
    caret.setAttribute('aria-hidden', 'true');
    caret.style.setProperty('--ct-remote-color', this.color);
    const label = doc.createElement('span');
    label.className = 'ct-remote-name';
    label.textContent = this.name;
    // Word joiners keep the browser from treating the widget as a word boundary or line break.
    caret.append('\u2060', label, '\u2060');
    return caret;
  }

  override get estimatedHeight(): number {
    return -1;
  }

  override ignoreEvent(): boolean {
    return true;
  }
}

function decorationsFor(cursors: readonly RemoteCursor[], docLength: number): DecorationSet {
  const ranges: Array<Range<Decoration>> = [];
  for (const cursor of cursors) {
    // Y.Text and the editor hold the same text whenever this runs; clamping only guards
    // against a RangeError ever switching the plugin off.
    const anchor = Math.min(cursor.anchor, docLength);
    const head = Math.min(cursor.head, docLength);
    const from = Math.min(anchor, head);
    const to = Math.max(anchor, head);
    if (from < to) {
      ranges.push(
        Decoration.mark({
          class: 'ct-remote-selection',
          // Colours are checked to be plain hex colours (describePresence), safe in a style.
          attributes: { style: `--ct-remote-highlight: ${cursor.colorLight}` },
        }).range(from, to),
      );
    }
    ranges.push(
      Decoration.widget({
        // Keep our own caret outside the other person's selection.
        side: head > anchor ? -1 : 1,
        widget: new RemoteCaretWidget(cursor.color, cursor.name),
      }).range(head),
    );
  }
  return Decoration.set(ranges, true);
}

/**
 * Shows other people's carets and selections in `text`, and publishes this editor's caret in
 * `awareness` while it has focus. Must come after `yCollab(...)` in the extensions: the local
 * caret is turned into Yjs positions after the sync plugin has written the edit into `text`.
 */
export function remoteCursors(text: Y.Text, awareness: Awareness): Extension {
  return ViewPlugin.fromClass(
    class implements PluginValue {
      decorations: DecorationSet;
      private readonly local: LocalCursor;
      private readonly remote: RemoteCursorTracker;
      private redrawPending = false;
      private destroyed = false;
      private readonly onAwarenessChange: (change: { added: number[]; updated: number[]; removed: number[] }) => void;

      constructor(view: EditorView) {
        this.local = new LocalCursor(awareness, text);
        this.remote = new RemoteCursorTracker(awareness, text);
        this.decorations = decorationsFor(this.remote.cursors(), view.state.doc.length);
        this.onAwarenessChange = ({ added, updated, removed }) => {
          if (this.redrawPending || !this.remote.concerns([...added, ...updated, ...removed])) return;
          // Redraw in a microtask: several awareness changes in a row cost one redraw, and an
          // awareness change raised while some editor is mid-update never re-enters a view.
          this.redrawPending = true;
          queueMicrotask(() => {
            this.redrawPending = false;
            if (!this.destroyed) view.dispatch({ annotations: remoteCursorsChanged.of(true) });
          });
        };
        awareness.on('change', this.onAwarenessChange);
      }

      update(update: ViewUpdate): void {
        const { view, state } = update;
        // The caret is stored as positions in the Y.Text, so only read it when the editor and
        // the Y.Text agree (they always do when this plugin comes after yCollab's sync).
        const moved = (update.selectionSet || update.docChanged || update.focusChanged) && text.length === state.doc.length;
        this.local.update(view.hasFocus, update.focusChanged, moved ? state.selection.main : null);
        if (update.docChanged || update.transactions.some((tr) => tr.annotation(remoteCursorsChanged))) {
          this.decorations = decorationsFor(this.remote.cursors(), state.doc.length);
        }
      }

      destroy(): void {
        this.destroyed = true;
        awareness.off('change', this.onAwarenessChange);
        this.local.release();
      }
    },
    { decorations: (plugin) => plugin.decorations },
  );
}
