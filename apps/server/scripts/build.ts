/**
 * Builds the production server: `src/index.ts` and our own `@alliance/*` packages (which
 * export TypeScript source) bundled into `dist/index.js`, run with plain `node`. Every
 * third-party package stays external and loads from node_modules as published, so files
 * they read next to their code (PGlite's wasm and data) are found as usual.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';

const serverDir = resolve(import.meta.dirname, '..');
const outdir = resolve(serverDir, 'dist');

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const dependenciesByPackage = new Map<string, ReadonlySet<string>>();

/** The runtime dependencies of the package a file belongs to (its nearest package.json). */
function runtimeDependenciesOf(file: string): ReadonlySet<string> {
  let dir = dirname(file);
  while (!existsSync(resolve(dir, 'package.json'))) {
    if (dir === dirname(dir)) return new Set();
    dir = dirname(dir);
  }
  let dependencies = dependenciesByPackage.get(dir);
  if (!dependencies) {
    const manifest = JSON.parse(readFileSync(resolve(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    dependencies = new Set(Object.keys(manifest.dependencies ?? {}));
    dependenciesByPackage.set(dir, dependencies);
  }
  return dependencies;
}

/**
 * Bundles `@alliance/*` and leaves every other package external. An external the bundled code
 * imports must be a runtime dependency of the package that imports it (devDependencies are
 * not installed in production), so a stray import of a test-only package fails the build.
 */
function ourPackagesOnly(): Plugin {
  return {
    name: 'our-packages-only',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('@alliance/')) return undefined;
        if (args.path.startsWith('node:') || builtinModules.includes(args.path)) return { path: args.path, external: true };
        const name = packageName(args.path);
        if (!runtimeDependenciesOf(args.importer).has(name)) {
          return { errors: [{ text: `${name} is imported by ${args.importer} but is not in the "dependencies" of its package.json` }] };
        }
        return { path: args.path, external: true };
      });
    },
  };
}

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: serverDir,
  entryPoints: ['src/index.ts'],
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  sourcemap: 'linked',
  plugins: [ourPackagesOnly()],
  logLevel: 'warning',
  metafile: true,
});
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
console.log(`built ${outdir} (${Math.round(bytes / 1024)} KiB)`);
