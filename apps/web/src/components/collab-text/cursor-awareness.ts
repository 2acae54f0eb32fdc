import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { colorsForUser, highlightFor, isHexColor } from './user-colors.js';

/**
 * The awareness field that holds where a person's caret is: `{ anchor, head }`, each a Yjs
 * relative position (JSON on the wire). Same name and shape as y-codemirror.next, so stock Yjs
 * tooling shows our carets and we show theirs.
 *
 * One awareness serves the whole document, so this single field says which of the document's
 * texts the caret is in: a relative position resolves to exactly one `Y.Text`.
 */
export const CURSOR_FIELD = 'cursor';

/** The longest name shown on a remote caret; the rest is cut so a tag never covers the field. */
const MAX_NAME_LENGTH = 32;

/** A caret (and selection, when `anchor !== head`) of someone else, in one text. */
export interface RemoteCursor {
  clientId: number;
  anchor: number;
  head: number;
  name: string;
  color: string;
  colorLight: string;
}

/** A caret as indices in one text. */
export interface TextCursor {
  anchor: number;
  head: number;
}

/**
 * Reads a relative position from an awareness state. Remote states are untrusted JSON: a
 * malformed one would make Yjs throw (and CodeMirror switch the plugin off for good), so
 * anything that is not exactly a relative position is ignored.
 */
export function readRelativePosition(value: unknown): Y.RelativePosition | null {
  if (value instanceof Y.RelativePosition) return value;
  if (typeof value !== 'object' || value === null) return null;
  const json = value as Record<string, unknown>;
  const { type, tname, item, assoc } = json;
  if (!isOptionalId(type) || !isOptionalId(item)) return null;
  if (tname != null && typeof tname !== 'string') return null;
  if (assoc != null && !Number.isInteger(assoc)) return null;
  if (type == null && tname == null && item == null) return null;
  return Y.createRelativePositionFromJSON(json);
}

/** Where `cursor` (an awareness `cursor` field) is in `text`, or null when it is elsewhere. */
export function resolveCursorIn(text: Y.Text, cursor: unknown): TextCursor | null {
  if (typeof cursor !== 'object' || cursor === null) return null;
  const { anchor, head } = cursor as Record<string, unknown>;
  const anchorIndex = resolveIn(text, readRelativePosition(anchor));
  if (anchorIndex === null) return null;
  const headIndex = resolveIn(text, readRelativePosition(head));
  if (headIndex === null) return null;
  return { anchor: anchorIndex, head: headIndex };
}

/** Whether the local caret, as published in awareness, is in `text`. */
export function localCursorIsIn(awareness: Awareness, text: Y.Text): boolean {
  const state = awareness.getLocalState();
  return state !== null && resolveCursorIn(text, state[CURSOR_FIELD]) !== null;
}

/**
 * Publishes the local caret at `anchor`/`head` of `text`. Does nothing (and sends nothing)
 * when awareness already says exactly that, or when the local state was removed (offline).
 */
export function publishLocalCursor(awareness: Awareness, text: Y.Text, anchor: number, head: number): boolean {
  const state = awareness.getLocalState();
  if (state === null) return false;
  const clamp = (index: number): number => Math.max(0, Math.min(index, text.length));
  const next = {
    anchor: Y.createRelativePositionFromTypeIndex(text, clamp(anchor)),
    head: Y.createRelativePositionFromTypeIndex(text, clamp(head)),
  };
  const current = state[CURSOR_FIELD] as { anchor?: unknown; head?: unknown } | null | undefined;
  const currentAnchor = readRelativePosition(current?.anchor);
  const currentHead = readRelativePosition(current?.head);
  if (
    currentAnchor &&
    currentHead &&
    Y.compareRelativePositions(currentAnchor, next.anchor) &&
    Y.compareRelativePositions(currentHead, next.head)
  ) {
    return false;
  }
  awareness.setLocalStateField(CURSOR_FIELD, next);
  return true;
}

/**
 * Takes the local caret out of awareness, but only if it is in `text`: when focus moves from
 * one field to another, the field being left must not erase the caret the next one published.
 */
export function clearLocalCursorIn(awareness: Awareness, text: Y.Text): boolean {
  if (!localCursorIsIn(awareness, text)) return false;
  awareness.setLocalStateField(CURSOR_FIELD, null);
  return true;
}

/** Name and colours to draw a remote caret with, from an untrusted awareness state. */
export function describePresence(state: unknown, clientId: number): Pick<RemoteCursor, 'name' | 'color' | 'colorLight'> {
  const user =
    typeof state === 'object' && state !== null && typeof (state as { user?: unknown }).user === 'object'
      ? ((state as { user: Record<string, unknown> | null }).user ?? undefined)
      : undefined;
  const fallback = colorsForUser(user, clientId);
  const color = isHexColor(user?.color) ? user.color : fallback.color;
  let colorLight = fallback.colorLight;
  if (isHexColor(user?.colorLight)) colorLight = user.colorLight;
  else if (/^#[0-9a-f]{6}$/i.test(color)) colorLight = highlightFor(color);
  const rawName = typeof user?.name === 'string' ? user.name.trim() : '';
  const chars = [...rawName];
  const name = chars.length === 0 ? 'Someone' : chars.length > MAX_NAME_LENGTH ? `${chars.slice(0, MAX_NAME_LENGTH - 1).join('')}…` : rawName;
  return { name, color, colorLight };
}

/** Everyone else's carets that are in `text`, in a stable order. */
export function remoteCursorsIn(text: Y.Text, awareness: Awareness): RemoteCursor[] {
  const cursors: RemoteCursor[] = [];
  awareness.getStates().forEach((state, clientId) => {
    if (clientId === awareness.clientID) return;
    const at = resolveCursorIn(text, (state as Record<string, unknown>)[CURSOR_FIELD]);
    if (at) cursors.push({ clientId, ...at, ...describePresence(state, clientId) });
  });
  return cursors.sort((a, b) => a.clientId - b.clientId);
}

/**
 * The local side of one editor: publishes its selection while it has focus and takes the
 * caret back out when it loses focus or goes away, but only a caret this editor published and
 * that is still in its text. An editor without focus never touches the `cursor` field, so an
 * unfocused field receiving the other person's edits cannot clear the caret of the focused one.
 */
export class LocalCursor {
  /** Whether the caret now in awareness was published by this editor. */
  private owns = false;

  constructor(
    private readonly awareness: Awareness,
    private readonly text: Y.Text,
  ) {}

  /**
   * Called on every editor update: whether the editor has focus, whether that just changed,
   * and its selection when the selection or the text changed (null otherwise).
   */
  update(focused: boolean, focusChanged: boolean, selection: TextCursor | null): void {
    if (focused) {
      if (selection) this.select(selection.anchor, selection.head);
    } else if (focusChanged) {
      this.release();
    }
  }

  /** The editor has focus and its selection is `anchor`/`head`. */
  select(anchor: number, head: number): void {
    publishLocalCursor(this.awareness, this.text, anchor, head);
    this.owns = true;
  }

  /** The editor lost focus or is being destroyed. */
  release(): void {
    if (!this.owns) return;
    this.owns = false;
    clearLocalCursorIn(this.awareness, this.text);
  }
}

/**
 * The remote side of one editor: which other people have a caret in its text, and whether an
 * awareness change concerns it. With one awareness shared by every field of the document, each
 * change would otherwise redraw every field; only fields a caret leaves or enters redraw.
 */
export class RemoteCursorTracker {
  private shown = new Set<number>();

  constructor(
    private readonly awareness: Awareness,
    private readonly text: Y.Text,
  ) {}

  /** Whether a change of these clients' states can change what this text shows. */
  concerns(changedClients: readonly number[]): boolean {
    const states = this.awareness.getStates();
    return changedClients.some((clientId) => {
      if (clientId === this.awareness.clientID) return false;
      if (this.shown.has(clientId)) return true;
      const state = states.get(clientId) as Record<string, unknown> | undefined;
      return state !== undefined && resolveCursorIn(this.text, state[CURSOR_FIELD]) !== null;
    });
  }

  /** The carets to draw now (and remembers them for {@link concerns}). */
  cursors(): RemoteCursor[] {
    const cursors = remoteCursorsIn(this.text, this.awareness);
    this.shown = new Set(cursors.map((cursor) => cursor.clientId));
    return cursors;
  }
}

function isOptionalId(value: unknown): boolean {
  if (value == null) return true;
  if (typeof value !== 'object') return false;
  const { client, clock } = value as Record<string, unknown>;
  return isIndex(client) && isIndex(clock);
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function resolveIn(text: Y.Text, position: Y.RelativePosition | null): number | null {
  const doc = text.doc;
  if (!position || !doc) return null;
  // Resolving a position by type name calls doc.get(name), which would create an empty root
  // type for a name the document does not have. Our texts are never root types anyway.
  if (position.tname !== null && !doc.share.has(position.tname)) return null;
  let absolute: Y.AbsolutePosition | null;
  try {
    absolute = Y.createAbsolutePositionFromRelativePosition(position, doc);
  } catch {
    return null;
  }
  if (!absolute || absolute.type !== text) return null;
  return Math.min(absolute.index, text.length);
}
