import * as Y from 'yjs';

/**
 * A small declarative description of what a Y.Map may hold, used by the server to refuse
 * updates that would break a document's shape. Fields not listed are refused; listed fields
 * may be missing (clients create items field by field inside one transaction).
 */
export type FieldSpec =
  | { kind: 'string'; nullable?: boolean; maxLength?: number }
  | { kind: 'enum'; values: readonly string[]; nullable?: boolean }
  | { kind: 'number'; nullable?: boolean; min?: number; max?: number; integer?: boolean }
  | { kind: 'boolean' }
  | { kind: 'text'; maxLength?: number }
  | { kind: 'array'; of: MapSpec; maxItems?: number }
  | { kind: 'record'; keys: readonly string[]; value: FieldSpec };

export interface MapSpec {
  readonly name: string;
  readonly fields: Readonly<Record<string, FieldSpec>>;
  /**
   * Plain fields that are set once and never changed or removed afterwards (ids, who wrote it,
   * when). Fields holding a shared type are always set once: replacing a text or a list would
   * drop what someone is typing into the old one.
   */
  readonly once?: readonly string[];
}

/** Whether `key` of maps of `spec` may only ever be set once. */
export function isSetOnce(spec: MapSpec, key: string): boolean {
  const field = spec.fields[key];
  return field !== undefined && (isTypeField(field) || (spec.once?.includes(key) ?? false));
}

/** A list of maps, as a field or a root holds it. */
export type ArraySpec = Extract<FieldSpec, { kind: 'array' }>;

/** What one root type of a document holds: a map with known fields, or a list of maps. */
export type RootSpec = { readonly kind: 'map'; readonly spec: MapSpec } | { readonly kind: 'array'; readonly spec: ArraySpec };

/** The kind of every root, in the form `checkRoots` takes. */
export function rootKinds(roots: Readonly<Record<string, RootSpec>>): Record<string, 'map' | 'array'> {
  return Object.fromEntries(Object.entries(roots).map(([name, root]) => [name, root.kind]));
}

/** Gives a document its typed roots (no content), so updates land in known types. */
export function defineRoots(doc: Y.Doc, roots: Readonly<Record<string, RootSpec>>): void {
  for (const [name, root] of Object.entries(roots)) {
    if (root.kind === 'map') doc.getMap(name);
    else doc.getArray(name);
  }
}

const DEFAULT_MAX_STRING = 10_000;
/** The longest a shared text may be when its spec names no limit. */
export const DEFAULT_MAX_TEXT = 100_000;

/** Returns a description of the first problem found, or null when `value` fits `spec`. */
export function checkField(value: unknown, spec: FieldSpec, path: string): string | null {
  if (value === undefined) return null;
  switch (spec.kind) {
    case 'string':
      if (value === null && spec.nullable) return null;
      if (typeof value !== 'string') return `${path} must be a string`;
      if (value.length > (spec.maxLength ?? DEFAULT_MAX_STRING)) return `${path} is too long`;
      return null;
    case 'enum':
      if (value === null && spec.nullable) return null;
      return typeof value === 'string' && spec.values.includes(value)
        ? null
        : `${path} must be one of ${spec.values.join(', ')}`;
    case 'number':
      if (value === null && spec.nullable) return null;
      if (typeof value !== 'number' || !Number.isFinite(value)) return `${path} must be a number`;
      if (spec.integer && !Number.isInteger(value)) return `${path} must be an integer`;
      if (spec.min !== undefined && value < spec.min) return `${path} is below ${spec.min}`;
      if (spec.max !== undefined && value > spec.max) return `${path} is above ${spec.max}`;
      return null;
    case 'boolean':
      return typeof value === 'boolean' ? null : `${path} must be true or false`;
    case 'text':
      if (!(value instanceof Y.Text) || value instanceof Y.XmlText) return `${path} must be a shared text`;
      if (value.length > (spec.maxLength ?? DEFAULT_MAX_TEXT)) return `${path} is too long`;
      return checkTextContent(value, path);
    case 'array': {
      if (!(value instanceof Y.Array)) return `${path} must be a shared list`;
      if (value._map.size > 0) return `${path} must be a list`;
      if (spec.maxItems !== undefined && value.length > spec.maxItems) return `${path} has too many items`;
      return checkItems(value, spec.of, path);
    }
    case 'record': {
      if (!(value instanceof Y.Map) || value instanceof Y.XmlHook) return `${path} must be a shared map`;
      if (value._start !== null) return `${path} must be a map`;
      for (const [key, item] of value._map) {
        if (item.deleted) continue;
        if (!spec.keys.includes(key)) return `${path}.${key} is not allowed`;
        const problem = checkEntry(item, spec.value, `${path}.${key}`);
        if (problem) return problem;
      }
      return null;
    }
  }
}

/** Whether a field holds a shared type (rather than a plain value). */
export function isTypeField(spec: FieldSpec): boolean {
  return spec.kind === 'text' || spec.kind === 'array' || spec.kind === 'record';
}

/**
 * Whether an item's content is of the kind `spec` stores: one plain value for plain fields, a
 * shared type for the others. Anything else (a string run, binary, an embed, several values)
 * reads confusingly or not at all, so it is refused even when its value would pass.
 */
export function contentFits(content: Y.Item['content'], spec: FieldSpec): boolean {
  if (content instanceof Y.ContentDeleted) return true;
  if (isTypeField(spec)) return content instanceof Y.ContentType;
  return content instanceof Y.ContentAny && content.arr.length === 1;
}

/** Checks one map entry: the kind of its content, then its value. */
export function checkEntry(item: Y.Item, spec: FieldSpec, path: string): string | null {
  if (!contentFits(item.content, spec)) return isTypeField(spec) ? `${path} must be a shared ${spec.kind === 'text' ? 'text' : spec.kind === 'array' ? 'list' : 'map'}` : `${path} must be a plain value`;
  const content = item.content.getContent();
  return checkField(content[content.length - 1], spec, path);
}

/**
 * A shared text holds characters only: formatting marks, embedded objects or nested shared
 * types, and attributes set on the text itself, would be invisible to every reader but stored
 * forever (and formatting makes Yjs run clean-up transactions of its own).
 */
export function checkTextContent(text: Y.Text, path: string): string | null {
  if (text._map.size > 0) return `${path} must not carry attributes`;
  for (let item = text._start; item !== null; item = item.right) {
    if (!item.deleted && !isTextContent(item.content)) return `${path} may hold plain text only`;
  }
  return null;
}

/** Whether an item's content may sit inside a shared text. */
export function isTextContent(content: Y.Item['content']): boolean {
  return content instanceof Y.ContentString || content instanceof Y.ContentDeleted;
}

export function checkMap(value: unknown, spec: MapSpec, path: string): string | null {
  if (!(value instanceof Y.Map) || value instanceof Y.XmlHook) return `${path} must be a ${spec.name}`;
  if (value._start !== null) return `${path} must be a ${spec.name}`;
  for (const [key, item] of value._map) {
    if (item.deleted) continue;
    const field = spec.fields[key];
    if (!field) return `${path}.${key} is not a field of ${spec.name}`;
    const problem = checkEntry(item, field, `${path}.${key}`);
    if (problem) return problem;
  }
  return null;
}

export function checkItems(array: Y.Array<unknown>, spec: MapSpec, path: string): string | null {
  let index = 0;
  for (let item = array._start; item !== null; item = item.right) {
    if (item.deleted) continue;
    if (!(item.content instanceof Y.ContentType)) return `${path}[${index}] must be a ${spec.name}`;
    const problem = checkMap(item.content.type, spec, `${path}[${index}]`);
    if (problem) return problem;
    index++;
  }
  return null;
}

/**
 * Validates a whole document against its roots: the backstop run on every checkpoint (and, in
 * tests, after every accepted update). Returns the first problem, or null.
 */
export function validateDocument(doc: Y.Doc, roots: Readonly<Record<string, RootSpec>>): string | null {
  const problem = checkRoots(doc, rootKinds(roots));
  if (problem) return problem;
  for (const [name, root] of Object.entries(roots)) {
    if (!doc.share.has(name)) continue;
    const found = root.kind === 'map' ? checkMap(doc.getMap(name), root.spec, name) : checkField(doc.getArray(name), root.spec, name);
    if (found) return found;
  }
  return null;
}

/**
 * Checks that a document holds only the allowed root types, each of the expected kind.
 * A root named in an update but never defined locally shows up in `doc.share` as a bare
 * AbstractType; anything unexpected there is refused.
 */
export function checkRoots(doc: Y.Doc, roots: Readonly<Record<string, 'map' | 'array'>>): string | null {
  for (const name of [...doc.share.keys()]) {
    const expected = roots[name];
    if (!expected) return `unknown root "${name}"`;
    // Roots created by a remote update start as a bare AbstractType until a local
    // getMap/getArray call gives them their class; that call throws on a clash.
    let typed: Y.AbstractType<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    try {
      typed = expected === 'map' ? doc.getMap(name) : doc.getArray(name);
    } catch {
      return `root "${name}" has the wrong kind`;
    }
    // Map entries on a list root (or list items on a map root) are invisible to readers but
    // would be stored forever: refuse them.
    if (expected === 'array' && typed._map.size > 0) return `root "${name}" must be a list`;
    if (expected === 'map' && typed._start !== null) return `root "${name}" must be a map`;
  }
  return null;
}
