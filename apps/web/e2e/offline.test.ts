import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { accessibilityProblems, artifacts, fieldValue, shot, startBrowserRun, watchPage, type BrowserRun } from './browser.js';
import { acceptInvite, api, createWorkspace, DANA, DESKTOP, inviteLink, newContext, openTab, passOnboarding, SAM, saved, signUp, WAIT, type Person } from './people.js';

/**
 * How many updates wait in the browser's IndexedDB under a key prefix — [user id] for all of a
 * person's, [user id, document key] for one document — read straight from the database, not
 * through the app's code.
 */
function deviceOutboxSize(page: Page, prefix: readonly string[]): Promise<number> {
  return page.evaluate(
    (prefix) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('alliance-outbox');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const request = db.transaction('updates').objectStore('updates').count(IDBKeyRange.bound(prefix, [...prefix, []]));
          request.onsuccess = () => {
            db.close();
            resolve(request.result);
          };
          request.onerror = () => reject(request.error);
        };
      }),
    [...prefix],
  );
}

async function logIn(page: Page, url: string, person: Person): Promise<void> {
  await page.goto(`${url}/login`);
  await page.getByLabel('Email', { exact: true }).fill(person.email);
  await page.getByLabel('Password', { exact: true }).fill(person.password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  // Signed in: a client with one workspace goes straight into it, anyone else sees their list.
  await page.getByRole('button', { name: 'Log out', exact: true }).waitFor(WAIT);
}

const indicator = (page: Page): Locator => page.locator('.save-indicator');

/** The number of changes the save indicator says are kept on this device (once it has settled). */
async function keptShown(page: Page): Promise<number> {
  const kept = await indicator(page).getAttribute('data-kept');
  return kept === null ? 0 : Number(kept);
}

/** Nothing sticks out sideways: the page is no wider than the window. */
function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
}

const goalTitles = (page: Page): Locator => page.getByRole('textbox', { name: 'Goal title' });

async function titlesOn(page: Page): Promise<string[]> {
  const fields = await goalTitles(page).all();
  return Promise.all(fields.map((field) => fieldValue(field)));
}

describe('edits made offline, kept on the device', () => {
  let run: BrowserRun | undefined;
  let therapistContext: BrowserContext;
  let clientContext: BrowserContext;
  let therapist: Page;
  let client: Page;
  let workspaceUrl = '';
  let roadmapKey = '';
  let clientId = '';
  const problems: string[] = [];

  beforeAll(async () => {
    run = await startBrowserRun();
    const { browser, server } = run;
    therapistContext = await newContext(browser, server.url, DESKTOP);
    therapist = await therapistContext.newPage();
    watchPage(therapist, problems, 'therapist');
    clientContext = await newContext(browser, server.url, DESKTOP);
    client = await clientContext.newPage();
    watchPage(client, problems, 'client');

    await signUp(therapist, server.url, DANA);
    await signUp(client, server.url, SAM);
    const title = 'Sam — offline';
    const workspaceId = await createWorkspace(therapist, server.url, title);
    await acceptInvite(client, await inviteLink(therapist), title);
    await passOnboarding(client);
    await therapist.getByText('With Sam Rivera, your client').waitFor(WAIT);
    workspaceUrl = `${server.url}/w/${workspaceId}`;
    roadmapKey = `${workspaceId}/roadmap`;
    clientId = (await api<{ id: string }>(client, 'GET', '/api/me')).body.id;
    // The app shell is kept by its service worker, so that a page can start offline.
    await client.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  }, 240_000);

  afterAll(async () => {
    await therapistContext?.close().catch(() => {});
    await clientContext?.close().catch(() => {});
    await run?.stop();
  }, 60_000);

  it('keeps edits through a reload while offline, counts them, and sends them when the connection is back', async () => {
    const output = run!.server.output;
    onTestFailed(() => console.error(`server output (last lines):\n${output().slice(-6_000)}`));

    // A first goal, stored while online.
    await therapist.getByRole('button', { name: 'Add goal', exact: true }).click();
    await therapist.keyboard.type('Sleep better', { delay: 15 });
    await saved(therapist);
    await expect.poll(() => titlesOn(client), WAIT).toEqual(['Sleep better']);

    await clientContext.setOffline(true);
    await expect.poll(() => indicator(client).getAttribute('data-status'), WAIT).toBe('offline');
    expect(await indicator(client).innerText()).toBe('Offline');

    await client.getByRole('button', { name: 'Add goal', exact: true }).click();
    await client.keyboard.type('Call my sister', { delay: 15 });
    await client.locator('body').click({ position: { x: 5, y: 300 } }); // focus off the field for the picture
    await expect.poll(() => keptShown(client), WAIT).toBeGreaterThan(0);
    const kept = await keptShown(client);
    expect(await deviceOutboxSize(client, [clientId, roadmapKey])).toBe(kept);
    expect(await indicator(client).innerText()).toBe(`Offline — ${kept} changes kept on this device, sent when you reconnect`);
    expect(await titlesOn(therapist)).toEqual(['Sleep better']);

    // How it looks, on a desktop and on a 360 px phone; it is a live region, and accessible.
    expect(await indicator(client).getAttribute('role')).toBe('status');
    await shot(client, 'offline-kept-desktop');
    await client.setViewportSize({ width: 360, height: 740 });
    await client.waitForTimeout(200); // let the layout settle for the picture
    expect(await fitsWidth(client)).toBe(true);
    await shot(client, 'offline-kept-360');
    await client.screenshot({ path: join(artifacts, 'offline-kept-360-top.png') }); // what the phone shows first, at full size
    expect(await accessibilityProblems(client)).toEqual([]);
    await client.setViewportSize(DESKTOP.viewport);

    // Reloaded while still offline: the workspace is not on the device, but the waiting changes are, and are counted.
    await client.reload();
    await client.getByRole('heading', { name: 'Alliance is not reachable' }).waitFor(WAIT);
    await expect.poll(() => keptShown(client), WAIT).toBe(kept);
    expect(await indicator(client).innerText()).toBe(`Offline — ${kept} changes kept on this device, sent when you reconnect`);
    expect(await deviceOutboxSize(client, [clientId, roadmapKey])).toBe(kept);
    await shot(client, 'offline-reloaded-desktop');
    expect(await accessibilityProblems(client)).toEqual([]);

    // Back online: the app opens the workspace again and sends what was kept.
    await clientContext.setOffline(false);
    await client.getByRole('tab', { name: 'Roadmap' }).waitFor(WAIT);
    await saved(client);
    await expect.poll(() => titlesOn(therapist), WAIT).toEqual(['Sleep better', 'Call my sister']);
    await therapist.getByText('Proposed by Sam Rivera').waitFor(WAIT);
    await expect.poll(() => deviceOutboxSize(client, [clientId, roadmapKey]), WAIT).toBe(0);

    // It is stored: a fresh load from the server has it.
    await therapist.reload();
    await expect.poll(() => titlesOn(therapist), WAIT).toEqual(['Sleep better', 'Call my sister']);
    expect(await titlesOn(client)).toEqual(['Sleep better', 'Call my sister']);
    expect(problems).toEqual([]);
  }, 180_000);

  it('loses nothing when the tab is closed offline and the workspace is opened again in a new page', async () => {
    const output = run!.server.output;
    onTestFailed(() => console.error(`server output (last lines):\n${output().slice(-6_000)}`));
    await openTab(therapist, 'Roadmap');
    await openTab(client, 'Roadmap');

    await clientContext.setOffline(true);
    await expect.poll(() => indicator(client).getAttribute('data-status'), WAIT).toBe('offline');
    // An edit inside the goal that came from the server, and the tab closed right after the last key.
    await goalTitles(client).first().click();
    await client.keyboard.press('Control+End');
    await client.keyboard.type(' at night', { delay: 15 });
    await client.close();

    await clientContext.setOffline(false);
    client = await clientContext.newPage();
    watchPage(client, problems, 'client, again');
    await client.goto(workspaceUrl);
    await client.getByRole('tab', { name: 'Roadmap' }).waitFor(WAIT);
    await saved(client);
    await expect.poll(() => titlesOn(therapist), WAIT).toEqual(['Sleep better at night', 'Call my sister']);
    expect(await titlesOn(client)).toEqual(['Sleep better at night', 'Call my sister']);
    await expect.poll(() => deviceOutboxSize(client, [clientId, roadmapKey]), WAIT).toBe(0);
    expect(problems).toEqual([]);
  }, 120_000);

  it('never gives one person’s waiting edits to another who signs in on the browser, and warns before signing out loses them', async () => {
    const output = run!.server.output;
    onTestFailed(() => console.error(`server output (last lines):\n${output().slice(-6_000)}`));
    const url = run!.server.url;
    const therapistId = (await api<{ id: string }>(therapist, 'GET', '/api/me')).body.id;
    await openTab(client, 'Roadmap');

    await clientContext.setOffline(true);
    await expect.poll(() => indicator(client).getAttribute('data-status'), WAIT).toBe('offline');
    await goalTitles(client).nth(1).click();
    await client.keyboard.press('Control+End');
    await client.keyboard.type(' on Sundays', { delay: 15 });
    await expect.poll(() => keptShown(client), WAIT).toBeGreaterThan(0);
    const samKept = await deviceOutboxSize(client, [clientId, roadmapKey]);
    expect(samKept).toBeGreaterThan(0);

    // Sam's session ends without signing out (the cookie is gone), and Dana signs in on this browser.
    await clientContext.clearCookies();
    await clientContext.setOffline(false);
    await logIn(client, url, DANA);
    await client.goto(workspaceUrl);
    await client.getByRole('tab', { name: 'Roadmap' }).waitFor(WAIT);
    await saved(client);
    expect(await titlesOn(client)).toEqual(['Sleep better at night', 'Call my sister']);
    expect(await deviceOutboxSize(client, [therapistId])).toBe(0);
    expect(await deviceOutboxSize(client, [clientId, roadmapKey])).toBe(samKept);
    // Dana has nothing waiting: signing out does not ask, and leaves Sam's edits alone.
    await client.getByRole('button', { name: 'Log out', exact: true }).click();
    await client.getByRole('heading', { name: 'Welcome back' }).waitFor(WAIT);
    expect(await deviceOutboxSize(client, [clientId, roadmapKey])).toBe(samKept);
    expect(await titlesOn(therapist)).toEqual(['Sleep better at night', 'Call my sister']);

    // Sam signs in again: his edits go out.
    await logIn(client, url, SAM);
    await client.goto(workspaceUrl);
    await client.getByRole('tab', { name: 'Roadmap' }).waitFor(WAIT);
    await saved(client);
    await expect.poll(() => titlesOn(therapist), WAIT).toEqual(['Sleep better at night', 'Call my sister on Sundays']);
    await expect.poll(() => deviceOutboxSize(client, [clientId, roadmapKey]), WAIT).toBe(0);

    // An edit waiting while the realtime connection cannot get through (the rest of the site
    // can): signing out asks first, and says how many would be lost.
    await clientContext.setOffline(true);
    await expect.poll(() => indicator(client).getAttribute('data-status'), WAIT).toBe('offline');
    await goalTitles(client).first().click();
    await client.keyboard.press('Control+End');
    await client.keyboard.type('!', { delay: 15 });
    await expect.poll(() => keptShown(client), WAIT).toBe(1);
    await client.routeWebSocket(/\/socket\.io\//, (socket) => socket.close());
    await clientContext.setOffline(false);
    await client.reload();
    await client.getByRole('heading', { name: 'Sam — offline', level: 1 }).waitFor(WAIT);

    const logOut = client.getByRole('button', { name: 'Log out', exact: true });
    await logOut.click();
    const question = client.getByRole('group', { name: /^Log out and lose unsaved changes\?/ });
    await question.waitFor(WAIT);
    expect(await question.innerText()).toContain('1 change you made is not on the server yet');
    await shot(client, 'logout-waiting-desktop');
    await client.setViewportSize({ width: 360, height: 740 });
    await client.waitForTimeout(200); // let the layout settle for the picture
    expect(await fitsWidth(client)).toBe(true);
    await client.screenshot({ path: join(artifacts, 'logout-waiting-360.png') });
    expect(await accessibilityProblems(client)).toEqual([]);
    await client.setViewportSize(DESKTOP.viewport);

    await question.getByRole('button', { name: 'Stay logged in' }).click();
    await expect.poll(() => logOut.evaluate((button) => button === document.activeElement), WAIT).toBe(true);
    expect(await deviceOutboxSize(client, [clientId])).toBe(1);

    await logOut.click();
    await question.getByRole('button', { name: 'Log out anyway' }).click();
    await client.getByRole('heading', { name: 'Welcome back' }).waitFor(WAIT);
    await expect.poll(() => deviceOutboxSize(client, [clientId]), WAIT).toBe(0);
    expect(problems).toEqual([]);
  }, 180_000);
});
