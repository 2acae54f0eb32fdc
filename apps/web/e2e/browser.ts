import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { build } from 'vite';
import { startServerProcess, type ServerProcess } from './server-process.js';

/** Helpers for the browser tests: building the app, launching Chromium, watching pages. */

export const webRoot = resolve(import.meta.dirname, '..');
export const artifacts = join(webRoot, 'test-artifacts');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Console messages a healthy page may print: asking who is signed in answers 401 when nobody
 * is, and reconnecting fails while a test has taken the network away.
 */
const EXPECTED_CONSOLE = [/Failed to load resource: the server responded with a status of 401/, /net::ERR_INTERNET_DISCONNECTED/];

/** Collects uncaught errors and unexpected console errors of `page` into `problems`. */
export function watchPage(page: Page, problems: string[], who: string): void {
  page.on('pageerror', (error) => problems.push(`${who}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    if (!EXPECTED_CONSOLE.some((pattern) => pattern.test(text))) problems.push(`${who}: ${text}`);
  });
}

/** A full-page screenshot in test-artifacts/. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

/** Serious and critical axe-core findings on the page as it is now. */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's CSP does not apply to.
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const result = await axe.run();
    return result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.id}: ${violation.nodes.map((node) => JSON.stringify(node.target)).join(', ')}`);
  });
}

/** Builds the current source into `outDir` for production (Vitest sets NODE_ENV=test). */
export async function buildForProduction(outDir: string): Promise<void> {
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: webRoot, configFile: join(webRoot, 'vite.config.ts'), mode: 'production', logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  } finally {
    process.env.NODE_ENV = previous;
  }
}

/** Debian's Chromium (`CHROMIUM_PATH`), headless. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** A test file's world: the current source built, the server on a fresh database, Chromium. */
export interface BrowserRun {
  server: ServerProcess;
  browser: Browser;
  /** Closes the browser, stops the server, drops its database and the build. */
  stop(): Promise<void>;
}

/** Builds the app, starts the server and launches Chromium (for `beforeAll`). */
export async function startBrowserRun(): Promise<BrowserRun> {
  mkdirSync(artifacts, { recursive: true });
  // Build the current source, so a test never runs against a stale dist/.
  const webDist = mkdtempSync(join(tmpdir(), 'alliance-web-'));
  const removeBuild = () => rmSync(webDist, { recursive: true, force: true });
  let server: ServerProcess | undefined;
  try {
    await buildForProduction(webDist);
    server = await startServerProcess(webDist);
    const browser = await launchChromium();
    const started = server;
    return {
      server: started,
      browser,
      stop: async () => {
        await browser.close();
        await started.stop();
        removeBuild();
      },
    };
  } catch (error) {
    await server?.stop().catch(() => {});
    removeBuild();
    throw error;
  }
}

/**
 * The text of a CodeMirror field (a `CollabText`), without its placeholder or the other
 * person's caret and name tag: the editor's own document when it can be reached, else the
 * lines' text without CodeMirror's widgets.
 */
export function fieldValue(field: Locator): Promise<string> {
  return field.evaluate((element) => {
    const content = element.closest('.cm-content') ?? element;
    const view = (content as unknown as { cmTile?: { root?: { view?: { state: { doc: { toString(): string } } } } } }).cmTile?.root?.view;
    if (view) return view.state.doc.toString();
    return [...content.querySelectorAll('.cm-line')]
      .map((line) => {
        const copy = line.cloneNode(true) as HTMLElement;
        for (const widget of copy.querySelectorAll('[contenteditable="false"], .cm-widgetBuffer')) widget.remove();
        return copy.textContent ?? '';
      })
      .join('\n');
  });
}

/** Where the caret is (the selection's head, as a text offset) in a CodeMirror field. */
export function fieldCaret(field: Locator): Promise<number | null> {
  return field.evaluate((element) => {
    const content = element.closest('.cm-content') ?? element;
    const view = (content as unknown as { cmTile?: { root?: { view?: { state: { selection: { main: { head: number } } } } } } }).cmTile?.root?.view;
    return view ? view.state.selection.main.head : null;
  });
}
