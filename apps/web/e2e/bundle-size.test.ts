import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildForProduction } from './browser.js';
import { firstScreenScripts } from './first-screen.js';

/** What the first screen (a workspace's roadmap) may bring, gzipped (kB as the build reports them). */
const FIRST_SCREEN_BUDGET = 150_000;

describe('the first screen stays small', () => {
  let dist: string;
  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'alliance-size-'));
    await buildForProduction(dist);
  }, 120_000);
  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  it(`loads at most ${FIRST_SCREEN_BUDGET / 1000} KB of gzipped JavaScript before the roadmap runs`, () => {
    const { files, gzipBytes } = firstScreenScripts(dist);
    console.log(`first screen: ${(gzipBytes / 1000).toFixed(1)} KB gzipped JavaScript in ${files.length} files: ${files.join(', ')}`);
    expect(gzipBytes).toBeLessThanOrEqual(FIRST_SCREEN_BUDGET);
  });

  it('leaves the editor, the charts and the schemas to the parts that use them', () => {
    const { files } = firstScreenScripts(dist);
    const code = files.map((file) => readFileSync(join(dist, file), 'utf8')).join('\n');
    expect(files.some((file) => /\/(codemirror|recharts)-/.test(file))).toBe(false);
    // Names that survive minifying: CodeMirror's editor class, zod's internals.
    expect(code).not.toContain('cm-editor');
    expect(code).not.toContain('_zod');
  });

  it('keeps libraries in chunks named after them, with .br and .gz copies beside every asset', () => {
    const { files } = firstScreenScripts(dist);
    for (const name of ['react', 'yjs', 'socket.io']) expect(files.some((file) => file.startsWith(`assets/${name}-`))).toBe(true);
    for (const file of files.filter((path) => readFileSync(join(dist, path)).byteLength >= 1_024)) {
      expect(readFileSync(join(dist, `${file}.br`)).byteLength).toBeGreaterThan(0);
      expect(readFileSync(join(dist, `${file}.gz`)).byteLength).toBeGreaterThan(0);
    }
  });
});
