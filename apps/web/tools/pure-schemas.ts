import type { Plugin } from 'vite';

const SHARED_SOURCE = /[\\/]packages[\\/]shared[\\/]src[\\/].*\.ts$/;
const PURE = '/* @__PURE__ */ ';

interface Node {
  type: string;
  start: number;
  [key: string]: unknown;
}

const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';

/** Where the calls of an expression start, leaving out what runs only when a function is called. */
function callStarts(node: Node, starts: Set<number>): void {
  if (node.type === 'ArrowFunctionExpression' || node.type === 'FunctionExpression') return;
  if (node.type === 'CallExpression' || node.type === 'NewExpression') starts.add(node.start);
  for (const [key, value] of Object.entries(node)) {
    if (key === 'type' || key === 'start' || key === 'end') continue;
    for (const child of Array.isArray(value) ? value : [value]) if (isNode(child)) callStarts(child, starts);
  }
}

/** The root of a chain like `z.string().trim()`: `z`. */
function chainRoot(node: Node): Node {
  let current = node;
  for (;;) {
    if (current.type === 'CallExpression' && isNode(current.callee)) current = current.callee;
    else if (current.type === 'MemberExpression' && isNode(current.object)) current = current.object;
    else return current;
  }
}

/**
 * Marks the shared package's zod schemas, its top-level `const x = z…`, as free of side
 * effects, so that a screen importing a constant from a file that also defines schemas does
 * not bring zod along.
 *
 * A schema is built by chains of calls (`z.string().trim().max(…)`), which a bundler must keep
 * even when nothing uses the result unless told that they do nothing else. Nothing else happens
 * there: a schema is a value, and what runs later (in `.refine` callbacks) is left as it is.
 */
export function pureSchemas(): Plugin {
  return {
    name: 'alliance:pure-schemas',
    transform: {
      // After TypeScript is compiled away: the AST is JavaScript's.
      filter: { id: SHARED_SOURCE, code: /\bz\b/ },
      handler(code) {
        const program = this.parse(code) as unknown as { body: Node[] };
        const starts = new Set<number>();
        for (const statement of program.body) {
          const declaration = statement.type === 'ExportNamedDeclaration' && isNode(statement.declaration) ? statement.declaration : statement;
          if (declaration.type !== 'VariableDeclaration') continue;
          for (const declarator of declaration.declarations as Node[]) {
            const init = declarator.init;
            if (!isNode(init) || init.type !== 'CallExpression') continue;
            const root = chainRoot(init);
            if (root.type === 'Identifier' && root.name === 'z') callStarts(init, starts);
          }
        }
        if (starts.size === 0) return null;
        let out = code;
        for (const start of [...starts].sort((a, b) => b - a)) out = out.slice(0, start) + PURE + out.slice(start);
        return { code: out, map: null };
      },
    },
  };
}
