import * as Y from 'yjs';

/** Reads a string field of a Y.Map, or `fallback` when it is missing or not a string. */
export function readString(map: Y.Map<unknown>, key: string, fallback = ''): string {
  const value = map.get(key);
  return typeof value === 'string' ? value : fallback;
}

/** Reads a Y.Text field as a plain string ('' when missing). */
export function readText(map: Y.Map<unknown>, key: string): string {
  const value = map.get(key);
  return value instanceof Y.Text ? value.toString() : typeof value === 'string' ? value : '';
}

export function newText(initial = ''): Y.Text {
  const text = new Y.Text();
  if (initial) text.insert(0, initial);
  return text;
}

/** A random id that is unique enough for items inside one document. */
export function newId(): string {
  return globalThis.crypto.randomUUID();
}

/**
 * Rewrites `text` into `next` with the smallest single splice (common prefix and suffix kept),
 * so concurrent edits elsewhere in the same text survive.
 */
export function applyTextDiff(text: Y.Text, next: string): void {
  const prev = text.toString();
  if (prev === next) return;
  let start = 0;
  const minLen = Math.min(prev.length, next.length);
  while (start < minLen && prev.charCodeAt(start) === next.charCodeAt(start)) start++;
  let endPrev = prev.length;
  let endNext = next.length;
  while (endPrev > start && endNext > start && prev.charCodeAt(endPrev - 1) === next.charCodeAt(endNext - 1)) {
    endPrev--;
    endNext--;
  }
  const splice = (): void => {
    if (endPrev > start) text.delete(start, endPrev - start);
    if (endNext > start) text.insert(start, next.slice(start, endNext));
  };
  if (text.doc) text.doc.transact(splice);
  else splice();
}
