import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The script the first screen runs, and what it needs before it can: built files of `dist`. */
export interface FirstScreenScripts {
  /** Paths under dist (`assets/…js`), the entry first. */
  files: string[];
  /** Their total size gzipped (level 9, as the build's .gz copies), in bytes. */
  gzipBytes: number;
}

const STATIC_IMPORT = /(?:^|[;}\s])import\s*(?:[\w$*{},\s]+from\s*)?["'](\.\/[^"']+\.js)["']/g;

/**
 * The JavaScript a browser fetches before the first screen runs: the entry script of
 * dist/index.html, its modulepreloads, and every module they import statically (dynamic
 * `import()`s are parts loaded later, and are not followed).
 */
export function firstScreenScripts(dist: string): FirstScreenScripts {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const entry = /<script type="module"[^>]*\ssrc="\/([^"]+\.js)"/.exec(html)?.[1];
  if (!entry) throw new Error('dist/index.html names no module script');
  const preloads = [...html.matchAll(/<link rel="modulepreload"[^>]*\shref="\/([^"]+\.js)"/g)].map((match) => match[1] ?? '');
  const files: string[] = [];
  const queue = [entry, ...preloads];
  while (queue.length > 0) {
    const file = queue.shift() ?? '';
    if (files.includes(file)) continue;
    const path = join(dist, file);
    if (!existsSync(path)) throw new Error(`${file} is named but not built`);
    files.push(file);
    const code = readFileSync(path, 'utf8');
    for (const match of code.matchAll(STATIC_IMPORT)) queue.push(join(file, '..', match[1] ?? ''));
  }
  const gzipBytes = files.reduce((sum, file) => sum + gzipSync(readFileSync(join(dist, file)), { level: 9 }).byteLength, 0);
  return { files, gzipBytes };
}
