import type { Locator, Page } from 'playwright-core';
import { describe, expect, it, onTestFailed } from 'vitest';
import { accessibilityProblems, shot, watchPage } from './browser.js';
import { api, DESKTOP, newContext, openTab, saved, SAM, twoPeopleTogether, WAIT } from './people.js';

const column = (page: Page, label: string): Locator => page.getByRole('region', { name: new RegExp(`^${label}`) });
const card = (page: Page, text: string): Locator => page.locator('.feedback-card').filter({ hasText: text });
/** The last logged update of the board, as the server counts them. */
const boardSeq = async (page: Page, workspaceId: string) => (await api<{ lastSeq: number }>(page, 'GET', `/api/workspaces/${workspaceId}/docs/feedback/history?limit=1`)).body.lastSeq;
/** The client's workspace list, opened from inside the app (the brand link). */
async function openList(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Alliance' }).click();
  await page.getByRole('heading', { name: 'Your workspaces' }).waitFor(WAIT);
}

/** Records, in the page, every text a reply has shown: a reply typed live would show its pieces. */
async function recordReplyTexts(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen = new Set<string>();
    (window as unknown as { replyTexts: Set<string> }).replyTexts = seen;
    const note = () => document.querySelectorAll('.reply__text').forEach((element) => seen.add(element.textContent ?? ''));
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  return () => page.evaluate(() => [...(window as unknown as { replyTexts: Set<string> }).replyTexts]);
}

describe('a calmer board: replies sent whole, and what is new since you last looked', () => {
  const together = twoPeopleTogether('Sam — the board');

  it('the client sees nothing of a reply until it is sent, then all of it; its edit arrives whole too', async () => {
    const { run, therapist, client, workspaceId, problems } = together;
    onTestFailed(() => console.error(`server output (last lines):\n${run.server.output().slice(-6_000)}`));
    await openTab(client, 'Feedback');
    await column(client, 'How power feels here').getByRole('button', { name: 'Add card' }).click();
    await client.keyboard.type('I agree too quickly when you suggest something', { delay: 8 });
    await client.getByRole('button', { name: 'Share now' }).click();
    await card(client, 'I agree too quickly').waitFor(WAIT);
    await saved(client);

    // Dana has never looked at the board: Sam's card is new to her.
    await openTab(therapist, 'Feedback');
    const theirs = card(therapist, 'I agree too quickly');
    await theirs.waitFor(WAIT);
    await expect.poll(() => theirs.locator('.new-mark').textContent(), WAIT).toBe('New card since you last looked');

    // She writes her reply in private: nothing reaches the board while she types, or reloads.
    const replyTexts = await recordReplyTexts(client);
    const before = await boardSeq(therapist, workspaceId);
    await theirs.getByRole('button', { name: 'Reply', exact: true }).click();
    await therapist.keyboard.type('Thank you for noticing that. ', { delay: 8 });
    await therapist.reload();
    const composer = card(therapist, 'I agree too quickly').getByRole('textbox', { name: 'Reply' });
    await composer.waitFor(WAIT);
    expect(await composer.inputValue()).toBe('Thank you for noticing that. ');
    await composer.click();
    await therapist.keyboard.press('End');
    await therapist.keyboard.type('Shall we pause before we decide, next time?', { delay: 8 });
    await therapist.waitForTimeout(500);
    expect(await boardSeq(therapist, workspaceId)).toBe(before);
    expect(await card(client, 'I agree too quickly').locator('.reply').count()).toBe(0);
    expect(await accessibilityProblems(therapist)).toEqual([]);
    await shot(therapist, 'reply-composer-desktop');

    const whole = 'Thank you for noticing that. Shall we pause before we decide, next time?';
    await card(therapist, 'I agree too quickly').getByRole('button', { name: 'Send reply' }).click();
    await saved(therapist);
    expect(await boardSeq(therapist, workspaceId)).toBe(before + 1);
    const clientReply = card(client, 'I agree too quickly').locator('.reply');
    await clientReply.locator('.reply__text').filter({ hasText: whole }).waitFor(WAIT);
    expect(await replyTexts()).toEqual([whole]);
    // It arrived while Sam was looking: it is marked new for this visit.
    expect(await clientReply.locator('.new-mark').textContent()).toBe('New reply since you last looked');
    expect(await clientReply.getByRole('button').count()).toBe(0);

    // Dana edits it in the same private composer and saves it whole: "edited" for both.
    const mine = card(therapist, 'I agree too quickly').locator('.reply');
    await mine.getByRole('button', { name: 'Edit' }).click();
    const editor = mine.getByRole('textbox', { name: 'Edit your reply' });
    expect(await editor.inputValue()).toBe(whole);
    await therapist.keyboard.press('Control+End');
    for (let i = 0; i < 'next time?'.length; i++) await therapist.keyboard.press('Backspace');
    await therapist.keyboard.type('whenever you like?', { delay: 8 });
    await therapist.waitForTimeout(300);
    expect(await boardSeq(therapist, workspaceId)).toBe(before + 1);
    await mine.getByRole('button', { name: 'Save' }).click();
    await saved(therapist);
    expect(await boardSeq(therapist, workspaceId)).toBe(before + 2);
    const edited = 'Thank you for noticing that. Shall we pause before we decide, whenever you like?';
    await clientReply.locator('.reply__text').filter({ hasText: edited }).waitFor(WAIT);
    expect(await replyTexts()).toEqual([whole, edited]);
    await clientReply.getByText('· edited', { exact: false }).waitFor(WAIT);
    await mine.getByText('· edited', { exact: false }).waitFor(WAIT);
    expect(problems).toEqual([]);
  }, 180_000);

  it('marks a reply that came while the client was away as New, and the list says "New feedback"', async () => {
    const { run, therapist, client, problems } = together;
    onTestFailed(() => console.error(`server output (last lines):\n${run.server.output().slice(-6_000)}`));
    // Sam leaves the board; his look is recorded as he goes.
    await openTab(client, 'Roadmap');
    await openList(client);
    const row = client.getByRole('link', { name: /Sam — the board/ });
    await row.waitFor(WAIT);
    expect(await row.getByText('New feedback').count()).toBe(0);
    await openTab(therapist, 'Roadmap');
    await therapist.getByRole('button', { name: 'Start session' }).click();
    await therapist.getByRole('status').filter({ hasText: 'In session' }).waitFor(WAIT);

    await openTab(therapist, 'Feedback');
    const theirs = card(therapist, 'I agree too quickly');
    // Dana looked at the board during her last visit: nothing is new to her now.
    await theirs.waitFor(WAIT);
    await therapist.waitForTimeout(500);
    expect(await therapist.locator('.new-mark').count()).toBe(0);
    await theirs.getByRole('button', { name: 'Reply', exact: true }).click();
    await therapist.keyboard.type('And thank you for saying it here.', { delay: 8 });
    await theirs.getByRole('button', { name: 'Send reply' }).click();
    await saved(therapist);

    // Sam's list, opened again from inside the app, says what is going on.
    await client.getByRole('link', { name: /your account$/ }).click();
    await expect.poll(() => new URL(client.url()).pathname, WAIT).toBe('/account');
    await openList(client);
    await row.getByText('New feedback').waitFor(WAIT);
    await row.getByText('Session on now').waitFor(WAIT);
    expect(await accessibilityProblems(client)).toEqual([]);
    await shot(client, 'workspace-list-new-feedback-phone');

    await row.click();
    await openTab(client, 'Feedback');
    const replies = card(client, 'I agree too quickly').locator('.reply');
    await replies.filter({ hasText: 'And thank you for saying it here.' }).locator('.new-mark').waitFor(WAIT);
    expect(await replies.filter({ hasText: 'whenever you like' }).locator('.new-mark').count()).toBe(0);
    await client.locator('body').click({ position: { x: 5, y: 5 } });
    expect(await accessibilityProblems(client)).toEqual([]);
    await shot(client, 'board-new-reply-phone');
    await client.emulateMedia({ colorScheme: 'dark' });
    await client.waitForTimeout(300);
    await shot(client, 'board-new-reply-phone-dark');
    expect(await accessibilityProblems(client)).toEqual([]);
    await client.emulateMedia({ colorScheme: 'light' });

    // Dana's list: a session on, nothing new from Sam since she looked.
    await openList(therapist);
    const hers = therapist.getByRole('link', { name: /Sam — the board/ });
    await hers.getByText('Session on now').waitFor(WAIT);
    expect(await hers.getByText('New feedback').count()).toBe(0);
    await therapist.getByRole('heading', { name: 'Start a workspace for a client' }).waitFor(WAIT);
    expect(await therapist.getByText(/If your therapist sent you an invite link|Open the invite link/).count()).toBe(0);
    expect(await accessibilityProblems(therapist)).toEqual([]);
    await shot(therapist, 'workspace-list-therapist-desktop');
    expect(problems).toEqual([]);
  }, 180_000);

  it('speaks to each as who they are: a client lands in their one workspace, nobody new is welcomed back', async () => {
    const { run, client, workspaceId, problems } = together;
    onTestFailed(() => console.error(`server output (last lines):\n${run.server.output().slice(-6_000)}`));
    const url = run.server.url;
    // The client's list never offers to start a workspace for a client.
    await openList(client);
    expect(await client.getByText(/Start a workspace/).count()).toBe(0);

    // Opening the app takes Sam straight into his one workspace.
    await client.goto(`${url}/`);
    await expect.poll(() => new URL(client.url()).pathname, WAIT).toBe(`/w/${workspaceId}`);
    await client.getByRole('tab', { name: 'Roadmap' }).waitFor(WAIT);

    // So does logging in; this browser has seen him before, so it welcomes him back.
    await client.getByRole('button', { name: 'Log out', exact: true }).click();
    await client.getByLabel('Email', { exact: true }).waitFor(WAIT);
    await client.goto(`${url}/login`);
    await client.getByRole('heading', { name: 'Welcome back' }).waitFor(WAIT);
    await client.getByLabel('Email', { exact: true }).fill(SAM.email);
    await client.getByLabel('Password', { exact: true }).fill(SAM.password);
    await client.getByRole('button', { name: 'Log in', exact: true }).click();
    await expect.poll(() => new URL(client.url()).pathname, WAIT).toBe(`/w/${workspaceId}`);
    await client.getByRole('tab', { name: 'Roadmap' }).waitFor(WAIT);

    // A browser that has never signed in: a welcome, not a welcome back; and a new account's
    // empty list offers both ways in, in plain words.
    const context = await newContext(run.browser, url, DESKTOP);
    try {
      const page = await context.newPage();
      watchPage(page, problems, 'newcomer');
      await page.goto(`${url}/`);
      await page.getByRole('heading', { name: 'Welcome to Alliance' }).waitFor(WAIT);
      expect(await page.getByText('Welcome back').count()).toBe(0);
      expect(await accessibilityProblems(page)).toEqual([]);
      await page.getByRole('button', { name: 'Create an account' }).click();
      await page.getByRole('heading', { name: 'Create your account' }).waitFor(WAIT);
      await page.getByLabel('Name', { exact: true }).fill('Robin Ash');
      await page.getByLabel('Email', { exact: true }).fill('robin@example.com');
      await page.getByLabel('Password', { exact: true }).fill('a long enough password');
      await page.getByRole('button', { name: 'Sign up', exact: true }).click();
      await page.getByRole('heading', { name: 'Hello, Robin Ash' }).waitFor(WAIT);
      await page.getByText('Open the invite link they sent you').waitFor(WAIT);
      await page.getByRole('heading', { name: 'Are you a therapist? Start a workspace for a client' }).waitFor(WAIT);
      expect(await accessibilityProblems(page)).toEqual([]);
      await shot(page, 'workspace-list-empty-desktop');
    } finally {
      await context.close();
    }
    expect(problems).toEqual([]);
  }, 180_000);
});
