import './collab-text.css';
import { useEffect, useImperativeHandle, useLayoutEffect, useRef, useState, useSyncExternalStore, type KeyboardEvent, type RefObject } from 'react';
import type * as Y from 'yjs';
import type * as Editor from './collab-text.js';
import type { CollabTextProps, EditorStart } from './collab-text.js';

type EditorModule = typeof Editor;

let editorModule: EditorModule | null = null;
let loading: Promise<EditorModule> | null = null;
const waiting = new Set<() => void>();

/**
 * Starts loading the editor once (again after a failure); every field swaps in when it arrives.
 * Resolves when it has arrived or failed: a page calls it as it opens, so the editor is on its
 * way before the first field shows, and waits on it before fetching what can wait longer.
 */
export function loadEditor(): Promise<void> {
  loading ??= import('./collab-text.js').then(
    (module) => {
      editorModule = module;
      for (const notify of waiting) notify();
      return module;
    },
    (error: unknown) => {
      // The plain field keeps working; the next field to mount asks again.
      loading = null;
      throw error;
    },
  );
  return loading.then(
    () => undefined,
    () => undefined,
  );
}

function subscribeEditor(notify: () => void): () => void {
  waiting.add(notify);
  return () => waiting.delete(notify);
}

/**
 * A shared text field (see collab-text.tsx) that does not wait for its editor: until CodeMirror
 * has loaded, the text shows at once in a plain field that takes input as any field does. When
 * the editor arrives it takes the field's place with what was typed meanwhile, the focus and
 * the caret, so no key pressed in between is lost.
 */
export function CollabText(props: CollabTextProps) {
  const loaded = useSyncExternalStore(subscribeEditor, () => editorModule);
  // Written by the plain field as it goes, read by the editor as it starts (the same commit).
  const handOver = useRef<EditorStart | null>(null);
  useEffect(() => {
    if (!loaded) void loadEditor();
  }, [loaded]);
  if (loaded) return <loaded.CollabText {...props} startRef={handOver} />;
  return <PlainField {...props} handOver={handOver} />;
}

/**
 * The field as a plain `<input>`/`<textarea>` over the text as it is now. Its input goes into
 * the shared text as it is typed, as one replacement of what changed (the editor, once here,
 * merges keystroke by keystroke); the text the other person changes shows while nobody types.
 */
function PlainField({
  text,
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
  handOver,
}: CollabTextProps & { handOver: RefObject<EditorStart | null> }) {
  const field = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const value = useYText(text);

  useImperativeHandle(ref, () => ({ focus: () => field.current?.focus(), blur: () => field.current?.blur() }), []);

  // Gone (the editor took over): say where it was, so the editor starts there.
  useLayoutEffect(() => {
    const element = field.current;
    return () => {
      if (element) handOver.current = { focused: document.activeElement === element, anchor: element.selectionStart ?? 0, head: element.selectionEnd ?? 0 };
    };
  }, [handOver]);

  const onChange = (next: string) => {
    const written = multiline ? next : next.replace(/\r?\n/g, ' ');
    replaceChanged(text, written);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') field.current?.blur();
    if (event.key !== 'Enter' || !onEnter) return;
    if (!multiline || event.metaKey || event.ctrlKey) {
      event.preventDefault();
      onEnter();
    }
  };
  const common = {
    ref: field,
    id,
    value,
    readOnly,
    placeholder: readOnly ? undefined : placeholder,
    maxLength,
    'aria-label': labelledBy ? undefined : label,
    'aria-labelledby': labelledBy,
    'aria-describedby': describedBy,
    className: 'collab-editor__plain',
    spellCheck: !readOnly,
    onChange: (event: { target: { value: string } }) => onChange(event.target.value),
    onKeyDown,
    onFocus: () => onFocusChange?.(true),
    onBlur: () => onFocusChange?.(false),
  };
  return (
    <div className={className ? `collab-editor ${className}` : 'collab-editor'} data-multiline={multiline ? '' : undefined} data-readonly={readOnly ? '' : undefined} data-plain="">
      {multiline ? <textarea {...common} rows={1} /> : <input {...common} type="text" enterKeyHint="done" />}
    </div>
  );
}

/** The text's content, kept current. */
function useYText(text: Y.Text): string {
  const [, setVersion] = useState(0);
  useEffect(() => {
    const changed = () => setVersion((version) => version + 1);
    text.observe(changed);
    return () => text.unobserve(changed);
  }, [text]);
  return text.toString();
}

/** Writes `next` into `text` as the one stretch that differs (what was typed or deleted). */
function replaceChanged(text: Y.Text, next: string): void {
  const current = text.toString();
  if (current === next) return;
  let from = 0;
  while (from < current.length && from < next.length && current[from] === next[from]) from++;
  let end = 0;
  while (end < current.length - from && end < next.length - from && current[current.length - 1 - end] === next[next.length - 1 - end]) end++;
  text.doc?.transact(() => {
    text.delete(from, current.length - from - end);
    text.insert(from, next.slice(from, next.length - end));
  });
}
