import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { accessibilityProblems, fieldValue, shot } from './browser.js';
import { acceptInvite, api, createWorkspace, DANA, DESKTOP, inviteLink, openTab, passOnboarding, SAM, saved, signUp, WAIT } from './people.js';
import { twoPeopleForBlock } from './two-people.js';

/** The board column with this heading. */
const column = (page: Page, label: string): Locator => page.getByRole('region', { name: new RegExp(`^${label}`) });
/** The shared cards on a page whose text contains `text`. */
const card = (page: Page, text: string): Locator => page.locator('.feedback-card').filter({ hasText: text });

async function typeInto(page: Page, field: Locator, text: string): Promise<void> {
  await field.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(text, { delay: 12 });
}

describe('the feedback board, private drafts and live sessions', () => {
  const people = twoPeopleForBlock(DESKTOP);
  let workspaceId = '';

  beforeAll(async () => {
    const { server, therapist, client } = people();
    const url = server.url;
    await signUp(therapist, url, DANA);
    const title = 'Sam — our roadmap';
    workspaceId = await createWorkspace(therapist, url, title);
    const link = await inviteLink(therapist);
    await signUp(client, url, SAM);
    expect(await accessibilityProblems(client)).toEqual([]); // the client's (empty) workspace list
    await acceptInvite(client, link, title);
    await passOnboarding(client, 'We decide together');
    await therapist.getByText('With Sam Rivera, your client').waitFor(WAIT);
  }, 120_000);

  it("shows the client's card live; the therapist replies and asks to talk, but cannot change or delete it", async () => {
    const { server, therapist, client, problems } = people();
    onTestFailed(() => console.error(`server output (last lines):\n${server.output().slice(-6_000)}`));
    expect(await accessibilityProblems(therapist)).toEqual([]); // the roadmap, both roles
    expect(await accessibilityProblems(client)).toEqual([]);
    await openTab(therapist, 'Feedback');
    await openTab(client, 'Feedback');
    for (const label of ['What is working', 'What I would change', 'How power feels here', 'The process']) await column(therapist, label).waitFor(WAIT);
    expect(await therapist.getByRole('button', { name: 'Add card' }).count()).toBe(0);

    // The client writes a card (private while written) and shares it now.
    await column(client, 'How power feels here').getByRole('button', { name: 'Add card' }).click();
    const draftField = column(client, 'How power feels here').getByRole('textbox', { name: 'Feedback' });
    await expect.poll(() => draftField.evaluate((field) => field.contains(document.activeElement)), WAIT).toBe(true);
    await client.keyboard.type('I felt rushed when we set the homework', { delay: 12 });
    await client.getByText('Private draft · Only you can see this').waitFor(WAIT);
    await client.getByRole('button', { name: 'Share now' }).click();
    const clientCard = card(client, 'I felt rushed');
    await clientCard.waitFor(WAIT);

    // It appears for the therapist, and what the client adds shows up live.
    const therapistCard = card(therapist, 'I felt rushed when we set the homework');
    await therapistCard.waitFor(WAIT);
    await typeInto(client, clientCard.getByRole('textbox', { name: 'Feedback' }), ', and I did not say so.');
    await expect.poll(() => fieldValue(therapistCard.getByRole('textbox', { name: 'Feedback' })), WAIT).toBe('I felt rushed when we set the homework, and I did not say so.');

    // No way to change or delete the client's words on the therapist's side.
    const words = therapistCard.getByRole('textbox', { name: 'Feedback' });
    expect(await words.getAttribute('contenteditable')).toBe('false');
    expect(await words.getAttribute('aria-readonly')).toBe('true');
    expect(await therapistCard.locator('[contenteditable="true"], textarea, input').count()).toBe(0);
    expect(await therapistCard.getByRole('button', { name: /delete|remove|edit/i }).count()).toBe(0);
    await words.click();
    await therapist.keyboard.type('changed', { delay: 10 });
    expect(await fieldValue(words)).toBe('I felt rushed when we set the homework, and I did not say so.');

    // The therapist replies and asks to talk about it.
    await therapistCard.getByRole('button', { name: 'Reply' }).click();
    const reply = therapistCard.getByRole('textbox', { name: 'Reply' });
    await expect.poll(() => reply.evaluate((field) => field === document.activeElement), WAIT).toBe(true);
    await therapist.keyboard.type('Thank you for telling me. Let us slow down next time.', { delay: 10 });
    await therapistCard.getByRole('button', { name: 'Send reply' }).click();
    await therapistCard.getByRole('button', { name: "Let's talk about this" }).click();
    await therapistCard.locator('.flag--talk').waitFor(WAIT);
    await saved(therapist);

    await clientCard.locator('.reply__text').filter({ hasText: 'Thank you for telling me. Let us slow down next time.' }).waitFor(WAIT);
    await clientCard.getByText("Let's talk about this", { exact: true }).waitFor(WAIT);
    // The reply is the therapist's: the client can neither change nor delete it.
    expect(await clientCard.locator('.replies').getByRole('button').count()).toBe(0);
    expect(await clientCard.locator('.replies textarea, .replies [contenteditable="true"]').count()).toBe(0);
    await saved(client);
    expect(await accessibilityProblems(therapist)).toEqual([]);
    expect(await accessibilityProblems(client)).toEqual([]);
    await therapist.locator('body').click({ position: { x: 5, y: 5 } });
    await shot(therapist, 'board-therapist-desktop');
    await therapist.emulateMedia({ colorScheme: 'dark' });
    await therapist.waitForTimeout(300);
    await shot(therapist, 'board-therapist-desktop-dark');
    expect(await accessibilityProblems(therapist)).toEqual([]);
    await therapist.emulateMedia({ colorScheme: 'light' });

    // Talked through: only the client marks it.
    expect(await therapistCard.getByRole('button', { name: 'Talked through' }).count()).toBe(0);
    await clientCard.getByRole('button', { name: 'Talked through' }).click();
    await therapistCard.locator('.flag--repaired').waitFor(WAIT);
    await therapistCard.getByText('Talked through', { exact: true }).waitFor(WAIT);
    expect(problems).toEqual([]);
  }, 180_000);

  it('keeps a private draft from the therapist until it is shared, and shares next-session drafts when the session starts', async () => {
    const { server, therapist, client, problems } = people();
    onTestFailed(() => console.error(`server output (last lines):\n${server.output().slice(-6_000)}`));
    const working = column(client, 'What is working');
    await working.getByRole('button', { name: 'Add card' }).click();
    await client.keyboard.type('The breathing exercise helps at night', { delay: 12 });
    await working.getByRole('button', { name: 'Keep as private draft' }).click();
    await client.getByText('Kept as a private draft. Only you can see it.').waitFor(WAIT);

    const change = column(client, 'What I would change');
    await change.getByRole('button', { name: 'Add card' }).click();
    await client.keyboard.type('Could we meet a little later in the day?', { delay: 12 });
    await change.getByRole('button', { name: 'Share at the start of our next session' }).click();
    await change.getByText(/^Shared when your next session starts/).waitFor(WAIT);
    await saved(client);
    await shot(client, 'board-client-drafts-desktop');
    expect(await accessibilityProblems(client)).toEqual([]);

    // The therapist's board has neither, even after a fresh load.
    await therapist.reload();
    await column(therapist, 'What is working').waitFor(WAIT);
    await card(therapist, 'I felt rushed').waitFor(WAIT);
    expect(await card(therapist, 'breathing exercise').count()).toBe(0);
    expect(await card(therapist, 'a little later').count()).toBe(0);
    expect(await therapist.getByText('breathing exercise').count()).toBe(0);

    // Share now: it reaches the board.
    await working.getByRole('button', { name: 'Share now' }).click();
    await card(therapist, 'The breathing exercise helps at night').waitFor(WAIT);
    expect(await client.locator('.draft-card').filter({ hasText: 'breathing' }).count()).toBe(0);
    expect(await card(therapist, 'a little later').count()).toBe(0);

    // The next-session draft arrives when the therapist starts the session.
    await therapist.getByRole('button', { name: 'Start session' }).click();
    await card(therapist, 'Could we meet a little later in the day?').waitFor(WAIT);
    await card(client, 'Could we meet a little later in the day?').waitFor(WAIT);
    await expect.poll(() => client.locator('.draft-card').count(), WAIT).toBe(0);
    const banner = therapist.getByRole('status').filter({ hasText: 'In session' });
    await banner.waitFor(WAIT);
    expect(await banner.getByRole('timer').locator('[aria-hidden="true"]').innerText()).toMatch(/^\d\d:\d\d$/);
    // The client's page notices within its polling interval.
    await client.getByRole('status').filter({ hasText: 'In session' }).waitFor({ timeout: 30_000 });
    expect(problems).toEqual([]);
  }, 180_000);

  it('ending the session saves labelled versions and asks the client how it was', async () => {
    const { server, therapist, client, problems } = people();
    onTestFailed(() => console.error(`server output (last lines):\n${server.output().slice(-6_000)}`));
    await openTab(therapist, 'Roadmap');
    await openTab(client, 'Roadmap');
    await shot(therapist, 'roadmap-in-session-desktop');

    // Ending asks first, saying what will happen; "Keep going" and Escape leave the session running.
    const endSession = therapist.getByRole('button', { name: 'End session' });
    const confirmEnd = therapist.getByRole('group', { name: /^End this session\? A version of the roadmap and the board is saved as “Session 1 — / });
    const keepGoing = confirmEnd.getByRole('button', { name: 'Keep going' });
    const focused = (locator: Locator) => locator.evaluate((element) => element === document.activeElement);
    await endSession.click();
    await confirmEnd.waitFor(WAIT);
    expect(await focused(keepGoing)).toBe(true);
    expect(await accessibilityProblems(therapist)).toEqual([]);
    await keepGoing.click();
    expect(await confirmEnd.count()).toBe(0);
    await expect.poll(() => focused(endSession), WAIT).toBe(true);
    // From the keyboard: Enter asks, Escape keeps going.
    await therapist.keyboard.press('Enter');
    await confirmEnd.waitFor(WAIT);
    expect(await focused(keepGoing)).toBe(true);
    await shot(therapist, 'end-session-confirm-desktop');
    await therapist.emulateMedia({ colorScheme: 'dark' });
    await therapist.waitForTimeout(300);
    await shot(therapist, 'end-session-confirm-desktop-dark');
    await therapist.emulateMedia({ colorScheme: 'light' });
    await therapist.keyboard.press('Escape');
    await expect.poll(() => focused(endSession), WAIT).toBe(true);
    expect(await confirmEnd.count()).toBe(0);
    expect(await therapist.getByRole('status').filter({ hasText: 'In session' }).count()).toBe(1);

    await endSession.click();
    await confirmEnd.getByRole('button', { name: 'End session' }).click();
    const notice = therapist.getByText(/^Session 1 has ended\. The roadmap and the feedback board were saved as “Session 1 — /);
    await notice.waitFor(WAIT);
    expect(await therapist.getByRole('status').filter({ hasText: 'In session' }).count()).toBe(0);

    for (const doc of ['roadmap', 'feedback']) {
      const versions = await api<{ label: string | null; kind: string }[]>(therapist, 'GET', `/api/workspaces/${workspaceId}/docs/${doc}/versions`);
      expect(versions.status).toBe(200);
      expect(versions.body.filter((version) => version.kind === 'session').map((version) => version.label)).toEqual([expect.stringMatching(/^Session 1 — \d{1,2} [A-Z][a-z]{2} \d{4}$/)]);
    }

    // The client is asked, without being pushed.
    const question = client.getByRole('region', { name: 'How was today’s session?' });
    await question.waitFor({ timeout: 30_000 });
    expect(await client.getByRole('status').filter({ hasText: 'In session' }).count()).toBe(0);
    expect(await accessibilityProblems(client)).toEqual([]);
    await question.getByText('Write a card for your feedback board too').click();
    await question.getByRole('textbox', { name: 'A card about today’s session' }).click();
    await client.keyboard.type('Calmer than last week. I liked choosing the homework.', { delay: 10 });
    await shot(client, 'after-session-desktop');
    await question.getByRole('button', { name: 'Add to the board' }).click();
    await client.getByText('Thank you. It is on your feedback board, under “The process”.').waitFor(WAIT);
    // The check-in itself can wait: put aside, it is offered again under Trends.
    await question.getByRole('button', { name: 'Not now' }).click();
    expect(await question.count()).toBe(0);

    await openTab(therapist, 'Feedback');
    await column(therapist, 'The process').locator('.feedback-card').filter({ hasText: 'Calmer than last week.' }).waitFor(WAIT);

    // The access log says it all in plain words, for both.
    for (const page of [therapist, client]) {
      await openTab(page, 'Access log');
      await page.getByText('ended session 1').first().waitFor(WAIT);
      await page.getByText(/opened the roadmap, the feedback board/).first().waitFor(WAIT);
      await page.getByText(/edited the feedback board — \d+ changes?/).first().waitFor(WAIT);
      expect(await accessibilityProblems(page)).toEqual([]);
    }
    await shot(client, 'access-log-desktop');
    expect(problems).toEqual([]);
  }, 180_000);
});
