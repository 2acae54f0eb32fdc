import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { accessibilityProblems, fieldCaret, fieldValue, shot, startBrowserRun, watchPage, type BrowserRun } from './browser.js';
import { DESKTOP, newContext, passOnboarding, PHONE } from './people.js';

describe('therapist and client in the browser', () => {
  let run: BrowserRun | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    run = await startBrowserRun();
  }, 180_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await run?.stop();
  }, 60_000);

  it('signs up, invites, joins, and both edit the same goal title live until it is saved', async () => {
    if (!run) throw new Error('setup failed');
    const { server, browser } = run;
    const url = server.url;
    const problems: string[] = [];
    const output = server.output;
    onTestFailed(() => console.error(`server output (last lines):\n${output().slice(-6_000)}`));

    // ---- the therapist, on a desktop ----
    const therapistContext = await newContext(browser, url, DESKTOP);
    contexts.push(therapistContext);
    const therapist = await therapistContext.newPage();
    watchPage(therapist, problems, 'therapist');

    await therapist.goto(`${url}/signup`);
    await therapist.getByLabel('Name', { exact: true }).fill('Dana Whitfield');
    await therapist.getByLabel('Email', { exact: true }).fill('dana@example.com');
    await therapist.getByLabel('Password', { exact: true }).fill('a calm long password');
    await shot(therapist, 'signup-desktop');
    await therapist.getByRole('button', { name: 'Sign up', exact: true }).click();
    await therapist.getByRole('heading', { name: 'Hello, Dana Whitfield' }).waitFor();

    await therapist.getByLabel('Workspace title', { exact: true }).fill('Sam — our roadmap');
    await therapist.getByRole('button', { name: 'Create workspace' }).click();
    await therapist.getByRole('heading', { name: 'Sam — our roadmap' }).waitFor();
    expect(new URL(therapist.url()).pathname).toMatch(/^\/w\/[0-9a-f-]{36}$/);

    await therapist.getByRole('button', { name: 'Copy invite link' }).click();
    const inviteField = therapist.getByLabel('Invite link', { exact: true });
    await inviteField.waitFor();
    const inviteLink = await inviteField.inputValue();
    expect(inviteLink).toMatch(new RegExp(`^${url}/invite/\\S+$`));
    await expect.poll(() => therapist.evaluate(() => navigator.clipboard.readText())).toBe(inviteLink);
    await shot(therapist, 'workspace-invite-desktop');

    // ---- the client, on a phone ----
    const clientContext = await newContext(browser, url, PHONE);
    contexts.push(clientContext);
    const client = await clientContext.newPage();
    watchPage(client, problems, 'client');

    await client.goto(inviteLink);
    await client.getByRole('heading', { name: 'Dana Whitfield invites you to a shared workspace' }).waitFor();
    await shot(client, 'invite-phone');
    await client.getByLabel('Name', { exact: true }).fill('Sam Rivera');
    await client.getByLabel('Email', { exact: true }).fill('sam@example.com');
    await client.getByLabel('Password', { exact: true }).fill('another long password');
    await client.getByRole('button', { name: 'Sign up', exact: true }).click();
    await client.getByRole('button', { name: 'Accept invitation' }).click();
    await client.getByRole('heading', { name: 'Sam — our roadmap' }).waitFor();
    expect(new URL(client.url()).pathname).toBe(new URL(therapist.url()).pathname);
    await client.getByText('With Dana Whitfield, your therapist').waitFor();
    // A client reads How we work and says how they would like decisions made before anything else.
    await passOnboarding(client);

    // The therapist sees the client arrive without reloading.
    await therapist.getByText('With Sam Rivera, your client').waitFor({ timeout: 15_000 });

    // ---- a goal, then both edit its title at the same time ----
    await therapist.getByRole('button', { name: 'Add goal' }).click();
    const therapistTitle = therapist.getByRole('textbox', { name: 'Goal title' }).first();
    await expect.poll(() => therapistTitle.evaluate((field) => field === document.activeElement)).toBe(true);
    await therapist.keyboard.type('Sleep better', { delay: 20 });
    const clientTitle = client.getByRole('textbox', { name: 'Goal title' }).first();
    await expect.poll(() => fieldValue(clientTitle), { timeout: 10_000 }).toBe('Sleep better');
    await client.getByText('Proposed by Dana Whitfield').waitFor();

    await therapistTitle.click();
    await therapist.keyboard.press('Control+Home');
    await clientTitle.click();
    await client.keyboard.press('Control+End');
    await Promise.all([therapist.keyboard.type('Try to ', { delay: 45 }), client.keyboard.type(' at night', { delay: 40 })]);

    const combined = 'Try to Sleep better at night';
    await expect.poll(() => fieldValue(therapistTitle), { timeout: 10_000 }).toBe(combined);
    await expect.poll(() => fieldValue(clientTitle), { timeout: 10_000 }).toBe(combined);
    // Each person's caret stayed where they were typing.
    expect(await fieldCaret(therapistTitle)).toBe('Try to '.length);
    expect(await fieldCaret(clientTitle)).toBe(combined.length);

    for (const page of [therapist, client]) {
      const indicator = page.locator('.save-indicator');
      await expect.poll(() => indicator.getAttribute('data-status'), { timeout: 10_000 }).toBe('saved');
      expect(await indicator.innerText()).toBe('Saved');
    }
    await therapist.locator('.presence').getByText('Sam Rivera', { exact: true }).waitFor(); // presence
    await therapist.locator('body').click({ position: { x: 5, y: 300 } }); // take focus off the field for the picture
    await shot(therapist, 'workspace-desktop');
    await shot(client, 'workspace-phone');
    await therapist.emulateMedia({ colorScheme: 'dark' });
    await client.emulateMedia({ colorScheme: 'dark' });
    await therapist.waitForTimeout(400); // let colour transitions finish
    await shot(therapist, 'workspace-desktop-dark');
    await shot(client, 'workspace-phone-dark');
    await client.emulateMedia({ colorScheme: 'light' });

    // ---- the client's connection drops; both keep working; it comes back ----
    await clientContext.setOffline(true);
    const clientIndicator = client.locator('.save-indicator');
    await expect.poll(() => clientIndicator.getAttribute('data-status'), { timeout: 10_000 }).toBe('offline');
    expect(await clientIndicator.innerText()).toBe('Offline');
    await client.getByRole('button', { name: 'Add goal' }).click();
    await client.keyboard.type('Call my sister', { delay: 15 });
    await therapistTitle.click();
    await therapist.keyboard.press('Control+End');
    await therapist.keyboard.type(', most nights', { delay: 15 });
    await shot(client, 'workspace-phone-offline');
    expect(await clientIndicator.getAttribute('data-status')).toBe('offline');

    await clientContext.setOffline(false);
    await expect.poll(() => clientIndicator.getAttribute('data-status'), { timeout: 20_000 }).toBe('saved');
    const merged = 'Try to Sleep better at night, most nights';
    await expect.poll(() => fieldValue(clientTitle), { timeout: 10_000 }).toBe(merged);
    const therapistSecond = therapist.getByRole('textbox', { name: 'Goal title' }).nth(1);
    await expect.poll(() => fieldValue(therapistSecond), { timeout: 10_000 }).toBe('Call my sister');
    await therapist.getByText('Proposed by Sam Rivera').waitFor();

    // What was confirmed is really stored: a reload shows it from the server.
    await client.reload();
    const reloadedTitles = client.getByRole('textbox', { name: 'Goal title' });
    await expect.poll(() => fieldValue(reloadedTitles.first()), { timeout: 10_000 }).toBe(merged);
    expect(await fieldValue(reloadedTitles.nth(1))).toBe('Call my sister');

    expect(await accessibilityProblems(therapist)).toEqual([]);
    expect(await accessibilityProblems(client)).toEqual([]);
    expect(problems).toEqual([]);
  }, 180_000);
});
