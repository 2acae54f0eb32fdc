import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it, onTestFailed } from 'vitest';
import { accessibilityProblems, artifacts, shot } from './browser.js';
import { acceptInvite, createWorkspace, DANA, inviteLink, openTab, PHONE, SAM, saved, signUp, WAIT } from './people.js';
import { twoPeopleForBlock } from './two-people.js';

/** Nothing sticks out sideways: the page is no wider than the phone. */
async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
}

describe('on a phone', () => {
  const people = twoPeopleForBlock(PHONE);

  it('goes through joining, How we work, the roadmap, the board and a session at 390×844', async () => {
    const { server, therapist, client, problems } = people();
    onTestFailed(() => console.error(`server output (last lines):\n${server.output().slice(-6_000)}`));
    const url = server.url;
    await signUp(therapist, url, DANA);
    const title = 'Sam — our roadmap';
    await createWorkspace(therapist, url, title);
    const link = await inviteLink(therapist);
    await signUp(client, url, SAM);
    await acceptInvite(client, link, title);

    // How we work, on a phone.
    await client.getByRole('heading', { name: 'Before we start: how we work' }).waitFor(WAIT);
    expect(await fitsWidth(client)).toBe(true);
    await shot(client, 'onboarding-phone');
    await client.getByRole('button', { name: 'I have read this' }).click();
    await client.getByRole('radio', { name: 'We decide together' }).check();
    await client.getByRole('button', { name: 'Open the workspace' }).click();
    await client.getByRole('tab', { name: 'Roadmap' }).waitFor(WAIT);
    await therapist.getByText('With Sam Rivera, your client').waitFor(WAIT);

    // The roadmap: a first goal.
    await client.getByRole('button', { name: 'Add goal' }).click();
    await client.keyboard.type('Sleep through the night', { delay: 12 });
    await saved(client);
    await client.locator('body').click({ position: { x: 5, y: 5 } });
    expect(await fitsWidth(client)).toBe(true);
    expect(await accessibilityProblems(client)).toEqual([]);
    await shot(client, 'roadmap-phone');

    // The board, stacked: a card shared now, one kept private.
    await openTab(client, 'Feedback');
    await client.getByRole('region', { name: /^What is working/ }).getByRole('button', { name: 'Add card' }).click();
    await client.keyboard.type('Being asked what I want to work on', { delay: 12 });
    await client.getByRole('button', { name: 'Share now' }).click();
    await client.getByRole('region', { name: /^How power feels here/ }).getByRole('button', { name: 'Add card' }).click();
    await client.keyboard.type('Sometimes I agree just to move on', { delay: 12 });
    await client.getByRole('button', { name: 'Keep as private draft' }).click();
    await saved(client);

    await openTab(therapist, 'Feedback');
    const shared = therapist.locator('.feedback-card').filter({ hasText: 'Being asked what I want' });
    await shared.waitFor(WAIT);
    expect(await therapist.getByText('Sometimes I agree').count()).toBe(0);
    await shared.getByRole('button', { name: 'Reply' }).click();
    await therapist.keyboard.type('I am glad. Let us keep doing that.', { delay: 12 });
    await shared.getByRole('button', { name: 'Send reply' }).click();
    await saved(therapist);

    // A session starts: both see it.
    await therapist.getByRole('button', { name: 'Start session' }).click();
    await therapist.getByRole('status').filter({ hasText: 'In session' }).waitFor(WAIT);
    await client.getByRole('status').filter({ hasText: 'In session' }).waitFor({ timeout: 30_000 });
    await client.locator('.feedback-card').filter({ hasText: 'I am glad.' }).waitFor(WAIT);
    await client.locator('body').click({ position: { x: 5, y: 5 } });
    expect(await fitsWidth(client)).toBe(true);
    expect(await fitsWidth(therapist)).toBe(true);
    expect(await accessibilityProblems(client)).toEqual([]);
    expect(await accessibilityProblems(therapist)).toEqual([]);
    await shot(client, 'board-client-phone');
    // What fits on the screen, from the top: the picture for the README.
    await client.evaluate(() => window.scrollTo(0, 0));
    await client.screenshot({ path: join(artifacts, 'board-client-phone-screen.png') });
    await shot(therapist, 'board-therapist-phone');
    await client.emulateMedia({ colorScheme: 'dark' });
    await client.waitForTimeout(300);
    await shot(client, 'board-client-phone-dark');
    expect(await accessibilityProblems(client)).toEqual([]);
    await openTab(client, 'Roadmap');
    await shot(client, 'roadmap-phone-dark');
    await client.emulateMedia({ colorScheme: 'light' });

    // It ends: the client is asked how it was.
    await therapist.getByRole('button', { name: 'End session' }).click();
    const confirmEnd = therapist.getByRole('group', { name: /^End this session\?/ });
    await confirmEnd.waitFor(WAIT);
    expect(await fitsWidth(therapist)).toBe(true);
    await shot(therapist, 'end-session-confirm-phone');
    await therapist.emulateMedia({ colorScheme: 'dark' });
    await therapist.setViewportSize({ width: 360, height: 740 });
    await therapist.waitForTimeout(300);
    expect(await fitsWidth(therapist)).toBe(true);
    await shot(therapist, 'end-session-confirm-360-dark');
    await therapist.setViewportSize(PHONE.viewport);
    await therapist.emulateMedia({ colorScheme: 'light' });
    await confirmEnd.getByRole('button', { name: 'End session' }).click();
    await therapist.getByText(/^Session 1 has ended\./).waitFor(WAIT);
    const question = client.getByRole('region', { name: 'How was today’s session?' });
    await question.waitFor({ timeout: 30_000 });
    expect(await fitsWidth(client)).toBe(true);
    await shot(client, 'after-session-phone');
    await question.getByRole('button', { name: 'Not now' }).click();
    expect(await question.count()).toBe(0);

    await openTab(client, 'How we work');
    await client.getByRole('radio', { name: 'We decide together' }).waitFor(WAIT);
    expect(await accessibilityProblems(client)).toEqual([]);
    await shot(client, 'how-we-work-phone');
    expect(problems).toEqual([]);
  }, 240_000);
});
