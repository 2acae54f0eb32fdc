import { join } from 'node:path';
import { READ_KIND_HEADER } from '@alliance/shared';
import type { BrowserContext, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { artifacts, fieldValue, shot, startBrowserRun, watchPage, type BrowserRun } from './browser.js';
import { createWorkspace, DANA, DESKTOP, openTab, PHONE, saved, signUp, WAIT, type ScreenSize } from './people.js';

/**
 * A context of this size, signed in as `from` is (none: signed out), with no service worker:
 * the test decides what the network gives, and the shell worker would answer in its place.
 */
async function newContextFor(run: BrowserRun, size: ScreenSize, from?: BrowserContext): Promise<BrowserContext> {
  return run.browser.newContext({ ...size, reducedMotion: 'reduce', serviceWorkers: 'block', ...(from ? { storageState: await from.storageState() } : {}) });
}

/** Waits until the open tab's part is shown: no longer "Opening…", not failed, with content. */
async function partShown(page: Page): Promise<void> {
  const panel = page.locator('.workspace-panel');
  const shown = async () => (await panel.getByRole('status').filter({ hasText: /^Opening/ }).count()) === 0 && (await panel.getByText('could not be loaded').count()) === 0 && (await panel.innerText()).trim().length > 20;
  await expect.poll(shown, WAIT).toBe(true);
}

describe('the parts loaded after the first screen', () => {
  let run: BrowserRun;
  let workspaceUrl: string;
  /** What index.html loads itself: script, modulepreloads and styles. */
  let firstScreen: Set<string>;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    run = await startBrowserRun();
    const context = await newContextFor(run, DESKTOP);
    contexts.push(context);
    const page = await context.newPage();
    await signUp(page, run.server.url, DANA);
    const id = await createWorkspace(page, run.server.url, 'Sam — parts');
    workspaceUrl = `${run.server.url}/w/${id}`;
    const html = await (await fetch(run.server.url)).text();
    firstScreen = new Set([...html.matchAll(/<(?:script type="module"[^>]*src|link rel="(?:modulepreload|stylesheet)"[^>]*href)="(\/assets\/[^"]+)"/g)].map((match) => match[1] ?? ''));
  }, 240_000);
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await run?.stop();
  }, 60_000);

  /** Dana's page in a new context (her session cookie), with no service worker between it and the network. */
  async function open(size: ScreenSize, problems: string[]): Promise<Page> {
    const context = await newContextFor(run, size, contexts[0]);
    contexts.push(context);
    const page = await context.newPage();
    watchPage(page, problems, 'therapist');
    return page;
  }

  /** Holds back every asset the first screen does not load itself, until `release()`. */
  async function holdLaterParts(page: Page): Promise<{ held: () => string[]; release: () => void }> {
    const held: string[] = [];
    let release = () => {};
    const gate = new Promise<void>((done) => (release = done));
    await page.route('**/assets/**', async (route: Route) => {
      const path = new URL(route.request().url()).pathname;
      if (!firstScreen.has(path)) {
        held.push(path);
        await gate;
      }
      await route.continue();
    });
    return { held: () => held, release };
  }

  it.each([
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const)('shows the roadmap and takes typing before the editor and the tabs have loaded (%s)', async (name, size) => {
    onTestFailed(() => console.error(`server output (last lines):\n${run.server.output().slice(-6_000)}`));
    const problems: string[] = [];
    const page = await open(size, problems);
    const { held, release } = await holdLaterParts(page);
    await page.goto(workspaceUrl);
    await page.getByRole('tab', { name: 'Roadmap', selected: true }).waitFor(WAIT);
    // What is above the roadmap is there from the start: nothing arriving later pushes it down.
    await page.getByRole('heading', { name: 'Invite your client' }).waitFor(WAIT);
    const goals = page.getByRole('heading', { name: 'Goals', exact: true });
    const goalsTop = async () => (await goals.evaluate((element) => element.getBoundingClientRect().top + window.scrollY));
    const topBefore = await goalsTop();
    await page.getByRole('button', { name: 'Add goal', exact: true }).click();
    const title = page.getByRole('textbox', { name: /goal/i }).first();
    await title.waitFor(WAIT);
    // The editor is still on its way: the goal's title is a plain field, and it takes the keys.
    expect(await page.locator('.collab-editor[data-plain]').count()).toBeGreaterThan(0);
    expect(await page.locator('.cm-editor').count()).toBe(0);
    const goal = `Sleep (${name}) before`;
    await page.keyboard.type(`${goal} `, { delay: 10 });
    await saved(page);
    expect(held().some((path) => /\/codemirror-/.test(path))).toBe(true);
    await shot(page, `lazy-parts-waiting-${name}`);
    await page.screenshot({ path: join(artifacts, `lazy-parts-waiting-${name}-top.png`) }); // what the screen shows first

    // The editor arrives while keys are still coming: none is lost, and the caret stays.
    release();
    await page.keyboard.type('midnight', { delay: 10 });
    await page.locator('.cm-editor').first().waitFor(WAIT);
    await page.keyboard.type(', mostly', { delay: 10 });
    await saved(page);
    const editor = page.locator('.cm-content', { hasText: goal });
    await expect.poll(() => fieldValue(editor), WAIT).toBe(`${goal} midnight, mostly`);
    expect(await page.locator('.collab-editor[data-plain]').count()).toBe(0);
    expect(Math.abs((await goalsTop()) - topBefore)).toBeLessThanOrEqual(1);
    await shot(page, `lazy-parts-loaded-${name}`);
    await page.screenshot({ path: join(artifacts, `lazy-parts-loaded-${name}-top.png`) });

    // After a reload (the editor now cached) the goal is there as typed.
    await page.reload();
    await expect.poll(() => fieldValue(page.locator('.cm-content', { hasText: goal })), WAIT).toBe(`${goal} midnight, mostly`);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('asks for a workspace opened at its address beside who is signed in, and connects before the workspace is known', async () => {
    const problems: string[] = [];
    const page = await open(PHONE, problems);
    const workspacePath = new URL(workspaceUrl).pathname.replace('/w/', '/api/workspaces/');
    const requested: string[] = [];
    /** Reads the person made by opening something (a refresh says it is one). */
    const opened: string[] = [];
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      requested.push(path);
      if (!request.headers()[READ_KIND_HEADER.toLowerCase()]) opened.push(path);
    });
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(new URL(socket.url()).pathname));
    /** Holds the answers to `path` back until the returned release is called. */
    const hold = async (path: string) => {
      let release = () => {};
      const gate = new Promise<void>((done) => (release = done));
      await page.route((url) => url.pathname === path, async (route: Route) => {
        await gate;
        await route.continue();
      });
      return release;
    };
    const releaseMe = await hold('/api/me');
    const releaseWorkspace = await hold(workspacePath);

    await page.goto(workspaceUrl);
    // Who is signed in is not known yet, and the workspace and its How we work are asked for.
    await expect.poll(() => requested.includes(workspacePath) && requested.includes(`${workspacePath}/terms`), WAIT).toBe(true);
    expect(sockets).toEqual([]);
    // Once it is known, the connection opens while the workspace is still on its way.
    releaseMe();
    await expect.poll(() => sockets, WAIT).toEqual(['/socket.io/']);
    releaseWorkspace();
    await page.getByRole('button', { name: 'Add goal', exact: true }).waitFor(WAIT);
    // The page took the reads made for it: each was opened once (the access log shows one opening).
    expect(opened.filter((path) => path === workspacePath)).toHaveLength(1);
    expect(opened.filter((path) => path === `${workspacePath}/terms`)).toHaveLength(1);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('opens each tab, each loading its own part', async () => {
    const problems: string[] = [];
    const page = await open(DESKTOP, problems);
    const loaded: string[] = [];
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (path.startsWith('/assets/') && !firstScreen.has(path)) loaded.push(path);
    });
    await page.goto(workspaceUrl);
    await page.getByRole('tab', { name: 'Roadmap', selected: true }).waitFor(WAIT);
    const tabs: [string, RegExp][] = [
      ['Feedback', /\/feedback-board-/],
      ['Trends', /\/trends-view-/],
      ['Versions', /\/versions-view-/],
      ['History', /\/history-view-/],
      ['Closing review', /\/closing-view-/],
      ['How we work', /\/how-we-work-/],
      ['Access log', /\/access-log-/],
    ];
    for (const [tab, chunk] of tabs) {
      await openTab(page, tab);
      await partShown(page);
      expect(loaded.some((path) => chunk.test(path))).toBe(true);
    }
    await openTab(page, 'Roadmap');
    await page.getByRole('button', { name: 'Add goal', exact: true }).waitFor(WAIT);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('offers a retry when a part fails to arrive, and opens it on the retry', async () => {
    const problems: string[] = [];
    const page = await open(DESKTOP, problems);
    let failing = true;
    await page.route(/\/assets\/history-view-[^/]+\.js$/, (route) => (failing ? route.abort('internetdisconnected') : route.continue()));
    await page.goto(workspaceUrl);
    await page.getByRole('tab', { name: 'Roadmap', selected: true }).waitFor(WAIT);
    await openTab(page, 'History');
    const retry = page.getByRole('button', { name: 'Try again' });
    await retry.waitFor(WAIT);
    await page.getByText('This part of the page could not be loaded').waitFor(WAIT);
    await shot(page, 'lazy-parts-retry-desktop');

    failing = false;
    await retry.click();
    await partShown(page);
    // The aborted chunk, and React reporting the failure it caught, are all the console may show.
    expect(problems.filter((problem) => !/Failed to fetch dynamically imported module|ERR_INTERNET_DISCONNECTED|ERR_FAILED|A part of the app could not be loaded/.test(problem))).toEqual([]);
    await page.context().close();
  }, 120_000);
});
