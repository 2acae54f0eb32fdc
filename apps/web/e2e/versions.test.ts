import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { join } from 'node:path';
import { accessibilityProblems, artifacts, fieldValue, shot, watchPage } from './browser.js';
import { api, DESKTOP, openTab, PHONE, saved, startWorkspaceTogether, WAIT } from './people.js';
import { twoPeopleForBlock } from './two-people.js';

/** The board column with this heading. */
const column = (page: Page, label: string): Locator => page.getByRole('region', { name: new RegExp(`^${label}`) });
/** An entry of the versions list, by its label. */
const entry = (page: Page, label: RegExp | string): Locator => page.locator('.version-entry').filter({ has: page.getByRole('button', { name: label }) });
const versionPage = (page: Page): Locator => page.getByRole('article', { name: /as it was on/ });

// Automatic versions every few seconds while editing (instead of every half minute), so the
// list has some to fold away.
process.env.CHECKPOINT_EVERY_MS = '2000';

describe('versions of the roadmap and the feedback board', () => {
  const people = twoPeopleForBlock(DESKTOP);
  let workspaceId = '';
  let url = '';

  beforeAll(async () => {
    const { server, therapist, client } = people();
    url = server.url;
    workspaceId = await startWorkspaceTogether(therapist, client, url, 'Sam — our roadmap');
  }, 120_000);

  it('keeps a version when a session ends, which the client opens read-only', async () => {
    const { server, therapist, client, problems } = people();
    onTestFailed(() => console.error(`server output (last lines):\n${server.output().slice(-6_000)}`));

    // A goal, written together.
    await therapist.getByRole('button', { name: 'Add goal', exact: true }).click();
    const therapistGoal = therapist.getByRole('article', { name: 'Goal 1', exact: true });
    const title = therapistGoal.getByRole('textbox', { name: 'Goal title' });
    await expect.poll(() => title.evaluate((field) => field === document.activeElement), WAIT).toBe(true);
    await therapist.keyboard.type('Sleep better', { delay: 12 });
    const clientGoal = client.getByRole('article', { name: 'Goal 1', exact: true });
    await expect.poll(() => fieldValue(clientGoal.getByRole('textbox', { name: 'Goal title' })), WAIT).toBe('Sleep better');
    await clientGoal.getByRole('textbox', { name: 'Why this matters to me' }).click();
    await client.keyboard.type('Mornings feel calmer when I have slept', { delay: 10 });
    await therapistGoal.getByRole('button', { name: 'Add step' }).click();
    await therapist.keyboard.type('Lights out by 23:00', { delay: 10 });
    await therapist.keyboard.press('Enter');
    await therapist.keyboard.type('No phone in bed', { delay: 10 });
    const tick = clientGoal.getByRole('checkbox', { name: 'Done: Lights out by 23:00' });
    await tick.waitFor(WAIT);
    await tick.check();

    // On the board: one card shared, one kept as a private draft.
    await openTab(client, 'Feedback');
    await column(client, 'What is working').getByRole('button', { name: 'Add card' }).click();
    await client.keyboard.type('The breathing exercise helps at night', { delay: 10 });
    await column(client, 'What is working').getByRole('button', { name: 'Share now' }).click();
    await column(client, 'What I would change').getByRole('button', { name: 'Add card' }).click();
    await client.keyboard.type('A private worry about the cost', { delay: 10 });
    await column(client, 'What I would change').getByRole('button', { name: 'Keep as private draft' }).click();
    await client.getByText('Kept as a private draft. Only you can see it.').waitFor(WAIT);
    await saved(client);
    await saved(therapist);

    // The client has the Versions list open, with nothing from a session in it yet.
    await openTab(client, 'Versions');
    await client.getByRole('radio', { name: 'Roadmap' }).waitFor(WAIT);
    expect(await client.getByRole('radio', { name: 'Roadmap' }).isChecked()).toBe(true);
    const session = entry(client, /^Session 1 — /);
    expect(await session.count()).toBe(0);
    expect(await client.getByRole('button', { name: 'Refresh' }).count()).toBe(0);

    // The therapist starts and ends a session.
    await therapist.getByRole('button', { name: 'Start session' }).click();
    await therapist.getByRole('status').filter({ hasText: 'In session' }).waitFor(WAIT);
    await therapist.getByRole('button', { name: 'End session' }).click();
    await therapist.getByRole('group', { name: /^End this session\?/ }).getByRole('button', { name: 'End session' }).click();
    await therapist.getByText(/^Session 1 has ended\./).waitFor(WAIT);

    // Its version appears in the client's open list by itself, saved by the therapist.
    await session.waitFor(WAIT);
    expect(await session.innerText()).toContain('Dana Whitfield');
    expect(await session.innerText()).toContain('End of session');
    expect(await accessibilityProblems(client)).toEqual([]);
    await shot(client, 'versions-client-desktop');

    // Opening it shows the roadmap as it was, read only, and leads back to the list.
    await session.getByRole('button', { name: /^Session 1 — / }).click();
    const opened = versionPage(client);
    await opened.getByRole('heading', { name: /^Roadmap as it was on .+ — Session 1$/ }).waitFor(WAIT);
    expect(await opened.getByRole('heading', { name: /^Roadmap as it was on/ }).evaluate((heading) => heading === document.activeElement)).toBe(true);
    const goal = opened.getByRole('article', { name: 'Goal 1: Sleep better' });
    await goal.waitFor(WAIT);
    await goal.getByText('Mornings feel calmer when I have slept').waitFor(WAIT);
    await goal.getByText('Proposed by Dana Whitfield').waitFor(WAIT);
    expect(await goal.locator('.version-check--done').allInnerTexts()).toEqual([expect.stringContaining('Lights out by 23:00')]);
    expect(await goal.locator('.version-check:not(.version-check--done)').allInnerTexts()).toEqual([expect.stringContaining('No phone in bed')]);
    expect(await opened.locator('[contenteditable="true"], textarea, input, select').count()).toBe(0);
    expect(await accessibilityProblems(client)).toEqual([]);
    await shot(client, 'version-roadmap-client-desktop');
    await client.emulateMedia({ colorScheme: 'dark' });
    await client.waitForTimeout(300);
    await shot(client, 'version-roadmap-client-desktop-dark');
    expect(await accessibilityProblems(client)).toEqual([]);
    await client.emulateMedia({ colorScheme: 'light' });

    await opened.getByRole('button', { name: 'All versions' }).click();
    expect(await versionPage(client).count()).toBe(0);
    await expect.poll(() => session.getByRole('button', { name: /^Session 1 — / }).evaluate((button) => button === document.activeElement), WAIT).toBe(true);

    // The live roadmap is untouched.
    await openTab(client, 'Roadmap');
    await expect.poll(() => fieldValue(clientGoal.getByRole('textbox', { name: 'Goal title' })), WAIT).toBe('Sleep better');
    expect(problems).toEqual([]);
  }, 180_000);

  it('saves a named version that both see, from the keyboard', async () => {
    const { server, therapist, client, problems } = people();
    onTestFailed(() => console.error(`server output (last lines):\n${server.output().slice(-6_000)}`));
    await openTab(client, 'Versions');
    await client.getByRole('button', { name: 'Save a version' }).click();
    const name = client.getByRole('textbox', { name: 'Name this version' });
    await expect.poll(() => name.evaluate((field) => field === document.activeElement), WAIT).toBe(true);
    expect(await name.getAttribute('maxlength')).toBe('200');

    // A name is needed.
    await client.keyboard.press('Enter');
    await client.getByText('Give this version a name.').waitFor(WAIT);
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    await shot(client, 'versions-save-desktop');
    expect(await accessibilityProblems(client)).toEqual([]);

    await client.keyboard.type('   Before the summer break  ', { delay: 8 });
    await client.keyboard.press('Enter');
    await client.getByRole('status').filter({ hasText: 'Saved “Before the summer break”.' }).waitFor(WAIT);
    const mine = entry(client, 'Before the summer break');
    await mine.waitFor(WAIT);
    expect(await mine.innerText()).toContain('You');
    await expect.poll(() => client.getByRole('button', { name: 'Save a version' }).evaluate((button) => button === document.activeElement), WAIT).toBe(true);

    // The therapist sees it after a reload, saved by the client.
    await therapist.reload();
    await openTab(therapist, 'Versions');
    const theirs = entry(therapist, 'Before the summer break');
    await theirs.waitFor(WAIT);
    expect(await theirs.innerText()).toContain('Sam Rivera');
    await entry(therapist, /^Session 1 — /).waitFor(WAIT);
    expect(await (await entry(therapist, /^Session 1 — /).innerText()).includes('You')).toBe(true);

    // The therapist saves one too; it appears in the client's open list by itself.
    await therapist.getByRole('button', { name: 'Save a version' }).click();
    await therapist.getByRole('textbox', { name: 'Name this version' }).fill('Plan for December');
    await therapist.getByRole('button', { name: 'Save version' }).click();
    await entry(therapist, 'Plan for December').waitFor(WAIT);
    await entry(client, 'Plan for December').waitFor(WAIT);
    expect(await entry(client, 'Plan for December').innerText()).toContain('Dana Whitfield');

    // Newest first.
    const labels = await client.locator('.version-entry__open').allInnerTexts();
    expect(labels.slice(0, 2)).toEqual(['Plan for December', 'Before the summer break']);
    expect(await accessibilityProblems(therapist)).toEqual([]);
    await shot(therapist, 'versions-therapist-desktop');
    expect(problems).toEqual([]);
  }, 180_000);

  it('shows the board as it was, without anything of the client’s private drafts', async () => {
    const { server, therapist, client, problems } = people();
    onTestFailed(() => console.error(`server output (last lines):\n${server.output().slice(-6_000)}`));
    await therapist.getByRole('radio', { name: 'Feedback board' }).check();
    const session = entry(therapist, /^Session 1 — /);
    await session.getByRole('button', { name: /^Session 1 — / }).click();
    const opened = versionPage(therapist);
    await opened.getByRole('heading', { name: /^Feedback board as it was on .+ — Session 1$/ }).waitFor(WAIT);
    const working = opened.getByRole('region', { name: /^What is working/ });
    await working.getByText('The breathing exercise helps at night').waitFor(WAIT);
    expect(await therapist.getByText('private worry').count()).toBe(0);
    expect(await accessibilityProblems(therapist)).toEqual([]);
    await shot(therapist, 'version-board-therapist-desktop');

    // Drafts have no versions the therapist could open.
    const drafts = await api(therapist, 'GET', `/api/workspaces/${workspaceId}/docs/drafts/versions`);
    expect(drafts.status).toBe(404);
    expect(await therapist.locator('.segmented__option').allInnerTexts()).toEqual(['Roadmap', 'Feedback board']);

    // The same from the keyboard: back to the list, the switch with the arrow keys.
    await opened.getByRole('button', { name: 'All versions' }).click();
    await therapist.getByRole('radio', { name: 'Feedback board' }).focus();
    await therapist.keyboard.press('ArrowLeft');
    expect(await therapist.getByRole('radio', { name: 'Roadmap' }).isChecked()).toBe(true);
    await entry(therapist, 'Plan for December').waitFor(WAIT);
    expect(await client.getByText('private worry').count()).toBe(0); // the client's list shows no drafts either

    // Automatic saves are folded away under one line per day.
    const autos = therapist.locator('.version-autos');
    await autos.first().waitFor(WAIT);
    expect(await autos.count()).toBe(1);
    const summary = autos.locator('summary');
    expect(await summary.innerText()).toMatch(/^\d+ automatic saves? on \S+/);
    const automatic = autos.getByRole('button', { name: /^Automatic save at / });
    expect(await automatic.first().isVisible()).toBe(false);
    await summary.focus();
    await therapist.keyboard.press('Enter');
    await automatic.first().waitFor(WAIT);
    expect(await accessibilityProblems(therapist)).toEqual([]);
    await shot(therapist, 'versions-automatic-desktop');
    await automatic.first().click();
    await versionPage(therapist).getByRole('heading', { name: /^Roadmap as it was on .+ — saved automatically$/ }).waitFor(WAIT);
    await versionPage(therapist).getByText('Saved automatically.').waitFor(WAIT);
    await versionPage(therapist).getByRole('button', { name: 'All versions' }).click();
    await expect.poll(() => automatic.first().evaluate((button) => button === document.activeElement), WAIT).toBe(true);
    expect(problems).toEqual([]);
  }, 180_000);

  it('fits a phone', async () => {
    const { browser, client, problems } = people();
    for (const [size, name] of [
      [PHONE, 'phone'],
      [{ ...PHONE, viewport: { width: 360, height: 760 } }, '360'],
    ] as const) {
      const context = await browser.newContext({ ...size, storageState: await client.context().storageState() });
      const phone = await context.newPage();
      watchPage(phone, problems, `client (${name})`);
      await phone.goto(`${url}/w/${workspaceId}?view=versions`);
      await entry(phone, /^Session 1 — /).waitFor(WAIT);
      // Every tab can be reached; the open one is in view.
      const tab = phone.getByRole('tab', { name: 'Versions' });
      const box = await tab.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= size.viewport.width).toBe(true);
      expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      expect(await accessibilityProblems(phone)).toEqual([]);
      await shot(phone, `versions-${name}`);
      if (name === 'phone') {
        await phone.emulateMedia({ colorScheme: 'dark' });
        await phone.waitForTimeout(300);
        await shot(phone, 'versions-phone-dark');
        await phone.emulateMedia({ colorScheme: 'light' });
        await entry(phone, /^Session 1 — /).getByRole('button').click();
        await versionPage(phone).getByRole('article', { name: 'Goal 1: Sleep better' }).waitFor(WAIT);
        expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
        await shot(phone, 'version-roadmap-phone');
      } else {
        await phone.getByRole('tab', { name: 'Access log' }).click();
        await phone.getByRole('tab', { name: 'Access log' }).focus();
        const last = await phone.getByRole('tab', { name: 'Access log' }).boundingBox();
        expect(last && last.x + last.width <= size.viewport.width).toBe(true);
        await phone.locator('.workspace-tabs').screenshot({ path: join(artifacts, 'tabs-360-access-log.png') });
        await phone.getByRole('tab', { name: 'Roadmap' }).click();
        await phone.locator('.workspace-tabs').screenshot({ path: join(artifacts, 'tabs-360-roadmap.png') });
      }
      await context.close();
    }
    expect(problems).toEqual([]);
  }, 180_000);
});
