import {
  checkField,
  checkMap,
  checkRoots,
  DEFAULT_MAX_TEXT,
  isTextContent,
  rootKinds,
  type ArraySpec,
  type FieldSpec,
  type MapSpec,
  type RootSpec,
} from '@alliance/shared';
import * as Y from 'yjs';

/** A candidate update applied to the staging copy of a document, as the checks see it. */
export interface StagedChange {
  /** The staging document, with the update applied. */
  readonly doc: Y.Doc;
  /** The transaction that applied it. */
  readonly transaction: Y.Transaction;
  /** Every item the update added, collected before Yjs merged or collected them. */
  readonly newItems: readonly Y.Item[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyType = Y.AbstractType<any>;

type RecordSpec = Extract<FieldSpec, { kind: 'record' }>;
type TextSpec = Extract<FieldSpec, { kind: 'text' }>;

/** Where a shared type sits in the document's shape, and what it may hold. */
type ShapeNode =
  | { kind: 'map'; spec: MapSpec; path: string }
  | { kind: 'record'; spec: RecordSpec; path: string }
  | { kind: 'array'; spec: ArraySpec; path: string }
  | { kind: 'text'; spec: TextSpec; path: string };

const rootKindsOf = new WeakMap<Readonly<Record<string, RootSpec>>, Record<string, 'map' | 'array'>>();

/** The items a transaction added (clock between its before and after state), in store order. */
export function collectNewItems(transaction: Y.Transaction): Y.Item[] {
  const items: Y.Item[] = [];
  const clients = transaction.doc.store.clients;
  for (const [client, after] of transaction.afterState) {
    const before = transaction.beforeState.get(client) ?? 0;
    if (after <= before) continue;
    const structs = clients.get(client);
    if (!structs) continue;
    for (let index = before === 0 ? 0 : Y.findIndexSS(structs, before); index < structs.length; index++) {
      const struct = structs[index]!;
      if (struct.id.clock >= after) break;
      if (struct instanceof Y.Item) items.push(struct);
    }
  }
  return items;
}

export function isNewInTransaction(item: Y.Item | null, transaction: Y.Transaction): boolean {
  return item !== null && item.id.clock >= (transaction.beforeState.get(item.id.client) ?? 0);
}

/**
 * Checks only what an update touched against the document's shape, giving the same verdict as
 * validating the whole document (`validateRoadmap` …) when the document was valid before.
 *
 * - Every map key the update set or removed on an existing map: the key must be a field of that
 *   map and its value must fit (deeply — a new goal is checked whole).
 * - Every item it inserted into an existing list (checked whole) or text (plain text only);
 *   list and text lengths against their limits.
 * - Map entries on lists or texts, list content on maps, shared types where plain values
 *   belong and unknown roots are refused wherever they appear.
 *
 * Cost: proportional to the update (each touched type is located by walking up to its root,
 * a few levels), plus — for an insertion into a list — nothing beyond the inserted items.
 * Typing into a goal's title costs a handful of property reads, however large the roadmap.
 */
export function checkChangedShape(change: StagedChange, roots: Readonly<Record<string, RootSpec>>): string | null {
  let kinds = rootKindsOf.get(roots);
  if (!kinds) rootKindsOf.set(roots, (kinds = rootKinds(roots)));
  const rootProblem = checkRoots(change.doc, kinds);
  if (rootProblem) return rootProblem;
  const nodes = new Map<AnyType, ShapeNode | string>();
  const locate = (type: AnyType): ShapeNode | string => {
    let node = nodes.get(type);
    if (node === undefined) {
      node = locateType(type, roots, locate);
      nodes.set(type, node);
    }
    return node;
  };

  for (const [type, keys] of change.transaction.changed) {
    if (type._item?.deleted) continue;
    const node = locate(type);
    if (typeof node === 'string') return node;
    const problem = checkKeys(type, node, keys);
    if (problem) return problem;
  }

  for (const item of change.newItems) {
    // Map entries were checked through their keys above; deleted items hold nothing.
    if (item.deleted || item.parentSub !== null) continue;
    const parent = item.parent as AnyType;
    // Inside something this update created: checked whole with it.
    if (isNewInTransaction(parent._item, change.transaction)) continue;
    const node = locate(parent);
    if (typeof node === 'string') return node;
    if (node.kind === 'array') {
      for (const value of item.content.getContent()) {
        const problem = checkMap(value, node.spec.of, `${node.path}[]`);
        if (problem) return problem;
      }
    } else if (node.kind === 'text') {
      if (!isTextContent(item.content)) return `${node.path} may hold plain text only`;
    }
    // List content on a map was refused above (its key is null).
  }
  return null;
}

function checkKeys(type: AnyType, node: ShapeNode, keys: Set<string | null>): string | null {
  for (const key of keys) {
    switch (node.kind) {
      case 'map': {
        if (key === null) return `${node.path} must be a ${node.spec.name}`;
        const field = node.spec.fields[key];
        if (!field) return `${node.path}.${key} is not a field of ${node.spec.name}`;
        const problem = checkField((type as Y.Map<unknown>).get(key), field, `${node.path}.${key}`);
        if (problem) return problem;
        break;
      }
      case 'record': {
        if (key === null) return `${node.path} must be a shared map`;
        if (!node.spec.keys.includes(key)) return `${node.path}.${key} is not allowed`;
        const problem = checkField((type as Y.Map<unknown>).get(key), node.spec.value, `${node.path}.${key}`);
        if (problem) return problem;
        break;
      }
      case 'array':
        if (key !== null) return `${node.path} must be a list`;
        if (node.spec.maxItems !== undefined && type._length > node.spec.maxItems) return `${node.path} has too many items`;
        break;
      case 'text':
        if (key !== null) return `${node.path} must not carry attributes`;
        if ((type as Y.Text).length > (node.spec.maxLength ?? DEFAULT_MAX_TEXT)) return `${node.path} is too long`;
        break;
    }
  }
  return null;
}

/** Finds what `type` is in the document's shape by walking up to its root. */
function locateType(type: AnyType, roots: Readonly<Record<string, RootSpec>>, locate: (type: AnyType) => ShapeNode | string): ShapeNode | string {
  const item = type._item;
  if (item === null) {
    const name = Y.findRootTypeKey(type);
    const root = roots[name];
    if (!root) return `unknown root "${name}"`;
    if (root.kind === 'map') return type instanceof Y.Map ? { kind: 'map', spec: root.spec, path: name } : `root "${name}" has the wrong kind`;
    return type instanceof Y.Array ? { kind: 'array', spec: root.spec, path: name } : `root "${name}" has the wrong kind`;
  }
  const parent = locate(item.parent as AnyType);
  if (typeof parent === 'string') return parent;
  const key = item.parentSub;
  switch (parent.kind) {
    case 'array':
      if (key !== null) return `${parent.path} must be a list`;
      return type instanceof Y.Map ? { kind: 'map', spec: parent.spec.of, path: `${parent.path}[]` } : `${parent.path}[] must be a ${parent.spec.of.name}`;
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

function nodeForField(type: AnyType, field: FieldSpec, path: string): ShapeNode | string {
  switch (field.kind) {
    case 'array':
      return type instanceof Y.Array ? { kind: 'array', spec: field, path } : `${path} must be a shared list`;
    case 'text':
      return type instanceof Y.Text && !(type instanceof Y.XmlText) ? { kind: 'text', spec: field, path } : `${path} must be a shared text`;
    case 'record':
      return type instanceof Y.Map ? { kind: 'record', spec: field, path } : `${path} must be a shared map`;
    default:
      return `${path} must be a plain value`;
  }
}
