import * as Y from 'yjs';
import { hadKeyBefore, type AnyType, type ChangeSet, type TypeChange } from './change-set.js';
import { checkEntry, checkMap, checkRoots, DEFAULT_MAX_TEXT, isSetOnce, isTextContent, rootKinds, type ArraySpec, type FieldSpec, type MapSpec, type RootSpec } from './shape.js';

type RecordSpec = Extract<FieldSpec, { kind: 'record' }>;
type TextSpec = Extract<FieldSpec, { kind: 'text' }>;

/** Where a shared type sits in a document's shape, and what it may hold. */
export type ShapeNode =
  | { kind: 'map'; spec: MapSpec; path: string }
  | { kind: 'record'; spec: RecordSpec; path: string }
  | { kind: 'array'; spec: ArraySpec; path: string }
  | { kind: 'text'; spec: TextSpec; path: string };

const rootKindsOf = new WeakMap<Readonly<Record<string, RootSpec>>, Record<string, 'map' | 'array'>>();

/** Finds shared types in a document's shape, remembering what it found (one per check). */
export class ShapeLocator {
  private readonly nodes = new Map<AnyType, ShapeNode | string>();

  constructor(private readonly roots: Readonly<Record<string, RootSpec>>) {}

  /** Where `type` sits, or a description of why it has no place in the shape. */
  locate(type: AnyType): ShapeNode | string {
    let node = this.nodes.get(type);
    if (node === undefined) {
      node = this.find(type);
      this.nodes.set(type, node);
    }
    return node;
  }

  private find(type: AnyType): ShapeNode | string {
    const item = type._item;
    if (item === null) {
      const name = Y.findRootTypeKey(type);
      const root = this.roots[name];
      if (!root) return `unknown root "${name}"`;
      if (root.kind === 'map') return type instanceof Y.Map ? { kind: 'map', spec: root.spec, path: name } : `root "${name}" has the wrong kind`;
      return type instanceof Y.Array ? { kind: 'array', spec: root.spec, path: name } : `root "${name}" has the wrong kind`;
    }
    const parent = this.locate(item.parent as AnyType);
    if (typeof parent === 'string') return parent;
    const key = item.parentSub;
    switch (parent.kind) {
      case 'array':
        if (key !== null) return `${parent.path} must be a list`;
        return type instanceof Y.Map && !(type instanceof Y.XmlHook) ? { kind: 'map', spec: parent.spec.of, path: `${parent.path}[]` } : `${parent.path}[] must be a ${parent.spec.of.name}`;
      case 'map': {
        if (key === null) return `${parent.path} must be a ${parent.spec.name}`;
        const field = parent.spec.fields[key];
        if (!field) return `${parent.path}.${key} is not a field of ${parent.spec.name}`;
        return nodeForField(type, field, `${parent.path}.${key}`);
      }
      case 'record':
        return `${parent.path}.${key ?? ''} must be a plain value`;
      case 'text':
        return `${parent.path} may hold plain text only`;
    }
  }
}

function nodeForField(type: AnyType, field: FieldSpec, path: string): ShapeNode | string {
  switch (field.kind) {
    case 'array':
      return type instanceof Y.Array ? { kind: 'array', spec: field, path } : `${path} must be a shared list`;
    case 'text':
      return type instanceof Y.Text && !(type instanceof Y.XmlText) ? { kind: 'text', spec: field, path } : `${path} must be a shared text`;
    case 'record':
      return type instanceof Y.Map && !(type instanceof Y.XmlHook) ? { kind: 'record', spec: field, path } : `${path} must be a shared map`;
    default:
      return `${path} must be a plain value`;
  }
}

/**
 * Checks what a transaction changed against the document's shape, giving the verdict that
 * validating the whole document would give when the document was valid before:
 *
 * - every map key it wrote must be a field of that map, its content of the field's kind and its
 *   value must fit (deeply: a new goal is checked whole); fields set once (ids, authorship,
 *   shared types) are never overwritten, and no field of a map is removed;
 * - every item it inserted into a list must be a map of the list's kind (checked whole), and into
 *   a text plain characters; list and text lengths stay within their limits;
 * - map entries on lists or texts, list content on maps, unknown roots are refused anywhere.
 *
 * Cost: proportional to the change (each touched type is located by walking up to its root, a
 * few levels). Typing into a goal's title costs a handful of property reads, however large the
 * roadmap.
 */
export function checkChangeShape(changes: ChangeSet, roots: Readonly<Record<string, RootSpec>>, locator = new ShapeLocator(roots)): string | null {
  let kinds = rootKindsOf.get(roots);
  if (!kinds) rootKindsOf.set(roots, (kinds = rootKinds(roots)));
  const rootProblem = checkRoots(changes.transaction.doc, kinds);
  if (rootProblem) return rootProblem;
  for (const [type, change] of changes.types) {
    // A type that is gone now: what happened inside it is invisible and was deleted with it.
    if (type._item?.deleted) continue;
    const node = locator.locate(type);
    if (typeof node === 'string') return node;
    const problem = checkTypeChange(type, node, change, changes.transaction);
    if (problem) return problem;
  }
  return null;
}

function checkTypeChange(type: AnyType, node: ShapeNode, change: TypeChange, transaction: Y.Transaction): string | null {
  switch (node.kind) {
    case 'map':
    case 'record': {
      if (change.inserted.length > 0) return `${node.path} must be a ${node.kind === 'map' ? node.spec.name : 'shared map'}`;
      if (node.kind === 'map') {
        for (const key of keysTouched(change)) {
          // Our editors never remove a field: a removal is a way to make a value read as missing.
          if (!change.written.has(key)) return `${node.path}.${key} cannot be removed`;
          if (isSetOnce(node.spec, key) && hadKeyBefore(type, key, transaction)) return `${node.path}.${key} cannot change once it is set`;
        }
      }
      for (const [key, items] of change.written) {
        const field = node.kind === 'map' ? node.spec.fields[key] : node.spec.keys.includes(key) ? node.spec.value : undefined;
        if (!field) return node.kind === 'map' ? `${node.path}.${key} is not a field of ${node.spec.name}` : `${node.path}.${key} is not allowed`;
        for (const item of items) {
          const problem = checkEntry(item, field, `${node.path}.${key}`);
          if (problem) return problem;
        }
      }
      return null;
    }
    case 'array': {
      if (change.written.size > 0) return `${node.path} must be a list`;
      for (const item of change.inserted) {
        if (item.deleted) continue;
        if (!(item.content instanceof Y.ContentType)) return `${node.path}[] must be a ${node.spec.of.name}`;
        const problem = checkMap(item.content.type, node.spec.of, `${node.path}[]`);
        if (problem) return problem;
      }
      if (node.spec.maxItems !== undefined && type._length > node.spec.maxItems) return `${node.path} has too many items`;
      return null;
    }
    case 'text': {
      if (change.written.size > 0) return `${node.path} must not carry attributes`;
      for (const item of change.inserted) {
        if (!isTextContent(item.content)) return `${node.path} may hold plain text only`;
      }
      if ((type as Y.Text).length > (node.spec.maxLength ?? DEFAULT_MAX_TEXT)) return `${node.path} is too long`;
      return null;
    }
  }
}

/** The map keys a change wrote or cleared. */
export function keysTouched(change: TypeChange): Set<string> {
  const keys = new Set(change.cleared);
  for (const key of change.written.keys()) keys.add(key);
  return keys;
}
