import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { accessibilityProblems, fieldValue, shot, startBrowserRun, watchPage, type BrowserRun } from './browser.js';
import { acceptInvite, createWorkspace, DANA, DESKTOP, inviteLink, newContext, openTab, passOnboarding, PHONE, SAM, saved, signUp, WAIT } from './people.js';

function goal(page: Page, number: number): Locator {
  return page.getByRole('article', { name: `Goal ${number}`, exact: true });
}

async function typeInto(page: Page, field: Locator, text: string, where: 'start' | 'end' = 'end'): Promise<void> {
  await field.click();
  await page.keyboard.press(where === 'start' ? 'Control+Home' : 'Control+End');
  await page.keyboard.type(text, { delay: 15 });
}

describe('the roadmap, therapist and client side by side', () => {
  let run: BrowserRun | undefined;
  let therapistContext: BrowserContext;
  let clientContext: BrowserContext;
  let therapist: Page;
  let client: Page;
  const problems: string[] = [];

  /** A new workspace with both people in it, its roadmap open on both screens. */
  async function newWorkspace(title: string): Promise<void> {
    await createWorkspace(therapist, run!.server.url, title);
    await acceptInvite(client, await inviteLink(therapist), title);
    await passOnboarding(client);
    await therapist.getByText('With Sam Rivera, your client').waitFor(WAIT);
    for (const page of [therapist, client]) await openTab(page, 'Roadmap');
  }

  beforeAll(async () => {
    run = await startBrowserRun();
    const { browser, server } = run;
    therapistContext = await newContext(browser, server.url, DESKTOP);
    therapist = await therapistContext.newPage();
    watchPage(therapist, problems, 'therapist');
    clientContext = await newContext(browser, server.url, PHONE);
    client = await clientContext.newPage();
    watchPage(client, problems, 'client');
    await signUp(therapist, server.url, DANA);
    await signUp(client, server.url, SAM);
  }, 240_000);

  afterAll(async () => {
    await therapistContext?.close().catch(() => {});
    await clientContext?.close().catch(() => {});
    await run?.stop();
  }, 60_000);

  it('co-creates a goal and agrees on it: both marks, each showing who, make it agreed', async () => {
    const output = run!.server.output;
    onTestFailed(() => console.error(`server output (last lines):\n${output().slice(-6_000)}`));
    await newWorkspace('Sam — agreeing');

    // The empty roadmap invites the first goal.
    await client.getByRole('heading', { name: 'Add your first goal' }).waitFor(WAIT);
    await shot(therapist, 'roadmap-empty-desktop');
    await shot(client, 'roadmap-empty-phone');

    await therapist.getByRole('button', { name: 'Add goal', exact: true }).click();
    const therapistGoal = goal(therapist, 1);
    const clientGoal = goal(client, 1);
    const therapistTitle = therapistGoal.getByRole('textbox', { name: 'Goal title' });
    await expect.poll(() => therapistTitle.evaluate((field) => field === document.activeElement), WAIT).toBe(true);
    await therapist.keyboard.type('Sleep better', { delay: 15 });
    await expect.poll(() => fieldValue(clientGoal.getByRole('textbox', { name: 'Goal title' })), WAIT).toBe('Sleep better');
    await therapistGoal.getByText('Proposed by you').waitFor(WAIT);
    await clientGoal.getByText('Proposed by Dana Whitfield').waitFor(WAIT);

    // The client writes why it matters, in their own words; the therapist sees them at it.
    const clientWhy = clientGoal.getByRole('textbox', { name: 'Why this matters to me' });
    await typeInto(client, clientWhy, 'Mornings feel calmer when I have slept');
    await therapistGoal.getByText('Sam Rivera is editing').waitFor(WAIT);
    await expect.poll(() => fieldValue(therapistGoal.getByRole('textbox', { name: 'Why this matters to me' })), WAIT).toBe('Mornings feel calmer when I have slept');
    await expect.poll(() => therapistGoal.getAttribute('class'), WAIT).toContain('goal-card--shared');

    // One mark: still proposed.
    const therapistAgree = therapistGoal.getByRole('button', { name: 'I agree' });
    await therapistAgree.click();
    await expect.poll(() => therapistAgree.getAttribute('aria-pressed'), WAIT).toBe('true');
    await clientGoal.getByText(/^Dana Whitfield agreed · /).waitFor(WAIT);
    await clientGoal.getByText('You have not agreed yet').waitFor(WAIT);
    expect(await clientGoal.locator('.goal-pill').innerText()).toBe('Proposed');

    // The second mark makes it agreed, on both screens.
    await clientGoal.getByRole('button', { name: 'I agree' }).click();
    for (const card of [therapistGoal, clientGoal]) {
      await expect.poll(() => card.locator('.goal-pill').innerText(), WAIT).toBe('Agreed');
      await expect.poll(() => card.getByRole('combobox', { name: 'Status' }).inputValue(), WAIT).toBe('agreed');
    }
    await therapistGoal.getByText(/^You agreed · /).waitFor(WAIT);
    await therapistGoal.getByText(/^Sam Rivera agreed · /).waitFor(WAIT);
    await clientGoal.getByText(/^You agreed · /).waitFor(WAIT);
    await clientGoal.getByText(/^Dana Whitfield agreed · /).waitFor(WAIT);
    await clientGoal.getByText('You both agree on this goal.').waitFor(WAIT);

    // Withdrawing a mark returns it to proposed; marking again agrees again.
    await clientGoal.getByRole('button', { name: 'I agree' }).click();
    await expect.poll(() => therapistGoal.locator('.goal-pill').innerText(), WAIT).toBe('Proposed');
    await therapistGoal.getByText('Waiting for Sam Rivera').waitFor(WAIT);
    await clientGoal.getByRole('button', { name: 'I agree' }).click();
    await expect.poll(() => therapistGoal.locator('.goal-pill').innerText(), WAIT).toBe('Agreed');

    // Target date and progress are shared too.
    await therapistGoal.getByLabel('Target date').fill('2026-03-01');
    await expect.poll(() => clientGoal.getByLabel('Target date').inputValue(), WAIT).toBe('2026-03-01');
    await clientGoal.getByRole('radio', { name: '+1 Somewhat more than expected' }).check();
    await expect.poll(() => therapistGoal.getByRole('radio', { name: '+1 Somewhat more than expected' }).isChecked(), WAIT).toBe(true);

    await saved(therapist);
    await saved(client);
    await therapist.locator('body').click({ position: { x: 5, y: 5 } });
    await shot(therapist, 'roadmap-agreed-desktop');
    await shot(client, 'roadmap-agreed-phone');

    // All of it was stored: a reload shows it from the server.
    await client.reload();
    await expect.poll(() => goal(client, 1).locator('.goal-pill').innerText(), WAIT).toBe('Agreed');
    await goal(client, 1).getByText(/^Dana Whitfield agreed · /).waitFor(WAIT);
    expect(await fieldValue(goal(client, 1).getByRole('textbox', { name: 'Why this matters to me' }))).toBe('Mornings feel calmer when I have slept');
    expect(problems).toEqual([]);
  }, 240_000);

  it('asks both to confirm again when the words of an agreed goal change, and shows the change', async () => {
    const output = run!.server.output;
    onTestFailed(() => console.error(`server output (last lines):\n${output().slice(-6_000)}`));
    await newWorkspace('Sam — the words agreed to');
    await client.getByRole('button', { name: 'Add goal', exact: true }).click();
    await client.keyboard.type('Walk every day', { delay: 15 });
    const therapistGoal = goal(therapist, 1);
    const clientGoal = goal(client, 1);
    await expect.poll(() => fieldValue(therapistGoal.getByRole('textbox', { name: 'Goal title' })), WAIT).toBe('Walk every day');
    await therapistGoal.getByRole('button', { name: 'I agree' }).click();
    await clientGoal.getByRole('button', { name: 'I agree' }).click();
    await clientGoal.getByText('You both agree on this goal.').waitFor(WAIT);

    // The client changes the title after both agreed: both see the change and are asked again.
    await typeInto(client, clientGoal.getByRole('textbox', { name: 'Goal title' }), ' after lunch');
    for (const card of [therapistGoal, clientGoal]) {
      const note = card.getByRole('note', { name: 'Changed since agreed' });
      await note.getByText('Changed since you both agreed').waitFor(WAIT);
      await expect.poll(() => note.locator('ins').innerText(), WAIT).toContain('after lunch');
      await card.locator('.goal-pill--changed').waitFor(WAIT);
    }
    await saved(client);
    await client.locator('body').click({ position: { x: 5, y: 5 } });
    await clientGoal.getByRole('note', { name: 'Changed since agreed' }).scrollIntoViewIfNeeded();
    await shot(client, 'roadmap-changed-since-agreed-phone');
    await shot(therapist, 'roadmap-changed-since-agreed-desktop');
    expect(await accessibilityProblems(client)).toEqual([]);

    // Each confirms the new words; until both have, the other is told who is still asked.
    await therapistGoal.getByRole('button', { name: 'I agree to the new words' }).click();
    await therapistGoal.getByText('Sam Rivera will be asked to confirm the new words.').waitFor(WAIT);
    await clientGoal.getByText('Changed since you agreed').waitFor(WAIT);
    await clientGoal.getByRole('button', { name: 'I agree to the new words' }).click();
    for (const card of [therapistGoal, clientGoal]) {
      await card.getByText('You both agree on this goal.').waitFor(WAIT);
      await expect.poll(() => card.locator('.goal-pill--changed').count(), WAIT).toBe(0);
    }
    expect(problems).toEqual([]);
  }, 240_000);

  it('keeps both people’s typing in the same field at the same time, on both screens and after a reload', async () => {
    const output = run!.server.output;
    onTestFailed(() => console.error(`server output (last lines):\n${output().slice(-6_000)}`));
    await newWorkspace('Sam — typing together');
    await client.getByRole('button', { name: 'Add goal', exact: true }).click();
    await client.keyboard.type('Walk more', { delay: 15 });
    const therapistWhy = goal(therapist, 1).getByRole('textbox', { name: 'Why this matters to me' });
    const clientWhy = goal(client, 1).getByRole('textbox', { name: 'Why this matters to me' });
    await typeInto(client, clientWhy, 'fresh air');
    await expect.poll(() => fieldValue(therapistWhy), WAIT).toBe('fresh air');

    // Both at once: the therapist at the start, the client at the end.
    await therapistWhy.click();
    await therapist.keyboard.press('Control+Home');
    await clientWhy.click();
    await client.keyboard.press('Control+End');
    await Promise.all([therapist.keyboard.type('More time in ', { delay: 40 }), client.keyboard.type(' clears my head', { delay: 35 })]);

    const combined = 'More time in fresh air clears my head';
    await expect.poll(() => fieldValue(therapistWhy), WAIT).toBe(combined);
    await expect.poll(() => fieldValue(clientWhy), WAIT).toBe(combined);
    await saved(therapist);
    await saved(client);

    await Promise.all([therapist.reload(), client.reload()]);
    for (const page of [therapist, client]) {
      await expect.poll(() => fieldValue(goal(page, 1).getByRole('textbox', { name: 'Why this matters to me' })), WAIT).toBe(combined);
    }
    expect(problems).toEqual([]);
  }, 240_000);

  it('ticks steps done and undone, reorders steps and goals, and lets the client choose homework from options', async () => {
    const output = run!.server.output;
    onTestFailed(() => console.error(`server output (last lines):\n${output().slice(-6_000)}`));
    await newWorkspace('Sam — our roadmap');

    // ---- two goals ----
    await therapist.getByRole('button', { name: 'Add goal', exact: true }).click();
    await therapist.keyboard.type('Sleep better', { delay: 10 });
    await typeInto(therapist, goal(therapist, 1).getByRole('textbox', { name: 'Why this matters to me' }), 'Mornings feel calmer');
    await therapist.getByRole('button', { name: 'Add goal', exact: true }).click();
    await therapist.keyboard.type('Call my sister every week', { delay: 10 });
    await expect.poll(() => fieldValue(goal(client, 2).getByRole('textbox', { name: 'Goal title' })), WAIT).toBe('Call my sister every week');

    // ---- steps: add, tick, untick, reorder ----
    const therapistSleep = goal(therapist, 1);
    await therapistSleep.getByRole('button', { name: 'Add step' }).click();
    await therapist.keyboard.type('Lights out by 23:00', { delay: 10 });
    await therapist.keyboard.press('Enter'); // the next step
    await therapist.keyboard.type('No phone in bed', { delay: 10 });
    const clientSleep = goal(client, 1);
    const clientSteps = clientSleep.getByRole('textbox', { name: 'Step', exact: true });
    await expect.poll(async () => Promise.all((await clientSteps.all()).map(fieldValue)), WAIT).toEqual(['Lights out by 23:00', 'No phone in bed']);

    await clientSleep.getByRole('checkbox', { name: 'Done: Lights out by 23:00' }).check();
    const therapistTick = therapistSleep.getByRole('checkbox', { name: 'Done: Lights out by 23:00' });
    await expect.poll(() => therapistTick.isChecked(), WAIT).toBe(true);
    await therapistSleep.getByText(/^Done by Sam Rivera · /).waitFor(WAIT);
    await clientSleep.getByText('1 of 2 done').waitFor(WAIT);
    await therapistTick.uncheck();
    await expect.poll(() => clientSleep.getByRole('checkbox', { name: 'Done: Lights out by 23:00' }).isChecked(), WAIT).toBe(false);
    await therapistTick.check();
    await expect.poll(() => clientSleep.getByRole('checkbox', { name: 'Done: Lights out by 23:00' }).isChecked(), WAIT).toBe(true);

    // By keyboard: the second step's handle, arrow up.
    await therapistSleep.getByRole('button', { name: 'Move step 2' }).focus();
    await therapist.keyboard.press('ArrowUp');
    await expect.poll(async () => Promise.all((await clientSteps.all()).map(fieldValue)), WAIT).toEqual(['No phone in bed', 'Lights out by 23:00']);
    await therapist.getByText('Step moved to position 1 of 2.').waitFor({ ...WAIT, state: 'attached' });

    // ---- goals: move by button, by mouse drag, by touch drag ----
    const titles = async (page: Page) => Promise.all((await page.getByRole('textbox', { name: 'Goal title' }).all()).map(fieldValue));
    await goal(therapist, 2).getByRole('button', { name: 'Move up' }).click();
    await expect.poll(() => titles(client), WAIT).toEqual(['Call my sister every week', 'Sleep better']);
    await therapist.getByText('“Call my sister every week” moved to position 1 of 2.').waitFor({ ...WAIT, state: 'attached' });

    // The therapist drags "Sleep better" back above with the mouse (both folded, so both fit the screen).
    await therapist.getByRole('button', { name: 'Details of goal 1' }).click();
    await therapist.getByRole('button', { name: 'Details of goal 2' }).click();
    const handle = goal(therapist, 2).getByRole('button', { name: 'Move goal 2' });
    const from = (await handle.boundingBox())!;
    const to = (await goal(therapist, 1).boundingBox())!;
    await therapist.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await therapist.mouse.down();
    await therapist.mouse.move(from.x + from.width / 2, to.y + 10, { steps: 12 });
    await therapist.mouse.up();
    await expect.poll(() => titles(client), WAIT).toEqual(['Sleep better', 'Call my sister every week']);
    await therapist.getByRole('button', { name: 'Details of goal 1' }).click();
    await therapist.getByRole('button', { name: 'Details of goal 2' }).click();

    // The client drags it down again with a finger.
    await client.getByRole('button', { name: 'Details of goal 1' }).click(); // fold it, so both cards fit the phone's screen
    await client.getByRole('button', { name: 'Details of goal 2' }).click();
    const touchHandle = goal(client, 1).getByRole('button', { name: 'Move goal 1' });
    await touchHandle.scrollIntoViewIfNeeded();
    const start = (await touchHandle.boundingBox())!;
    const below = (await goal(client, 2).boundingBox())!;
    const cdp = await clientContext.newCDPSession(client);
    const x = start.x + start.width / 2;
    let y = start.y + start.height / 2;
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y }] });
    const endY = below.y + below.height - 8;
    for (let step = 1; step <= 12; step++) {
      y = start.y + start.height / 2 + ((endY - start.y - start.height / 2) * step) / 12;
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x, y }] });
    }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await expect.poll(() => titles(therapist), WAIT).toEqual(['Call my sister every week', 'Sleep better']);
    await cdp.detach();

    // By keyboard: Alt+arrow on a goal's handle; focus stays with the goal as it moves.
    const keyHandle = goal(therapist, 1).getByRole('button', { name: 'Move goal 1' });
    await keyHandle.focus();
    await therapist.keyboard.press('Alt+ArrowDown');
    await expect.poll(() => titles(client), WAIT).toEqual(['Sleep better', 'Call my sister every week']);
    await therapist.getByText('“Call my sister every week” moved to position 2 of 2.').waitFor({ ...WAIT, state: 'attached' });
    await expect.poll(() => therapist.evaluate(() => document.activeElement?.getAttribute('aria-label')), WAIT).toBe('Move goal 2');
    await therapist.keyboard.press('Alt+ArrowUp');
    await expect.poll(() => titles(client), WAIT).toEqual(['Call my sister every week', 'Sleep better']);

    // Folding is this browser's own: the therapist still sees the details.
    await goal(therapist, 2).getByRole('button', { name: 'Add step' }).waitFor(WAIT);
    await client.getByRole('button', { name: 'Details of goal 1' }).click();
    await client.getByRole('button', { name: 'Details of goal 2' }).click();

    // The client keeps typing while the therapist moves the goal they are typing in (React
    // moves that goal's element, and gives the focus and caret back after the move).
    const clientCallWhy = goal(client, 1).getByRole('textbox', { name: 'Why this matters to me' });
    await typeInto(client, clientCallWhy, 'She makes me laugh');
    await goal(therapist, 2).getByRole('button', { name: 'Move up' }).click();
    await expect.poll(() => titles(client), WAIT).toEqual(['Sleep better', 'Call my sister every week']);
    await client.keyboard.type(' and I miss her', { delay: 15 });
    await expect.poll(() => fieldValue(goal(therapist, 2).getByRole('textbox', { name: 'Why this matters to me' })), WAIT).toBe('She makes me laugh and I miss her');
    await goal(therapist, 1).getByRole('button', { name: 'Move down' }).click();
    await expect.poll(() => titles(client), WAIT).toEqual(['Call my sister every week', 'Sleep better']);

    // ---- homework as a choice ----
    const therapistCall = goal(therapist, 1);
    const clientCall = goal(client, 1);
    await therapistCall.getByRole('button', { name: 'Offer options' }).click();
    await expect.poll(() => therapistCall.getByRole('textbox', { name: 'Homework option 1' }).evaluate((field) => field === document.activeElement), WAIT).toBe(true);
    await therapist.keyboard.type('Text her on Sunday', { delay: 10 });
    await typeInto(therapist, therapistCall.getByRole('textbox', { name: 'Homework option 2' }), 'Call for ten minutes');
    await therapistCall.getByRole('button', { name: 'Add another option' }).click();
    await therapist.keyboard.type('Write a letter', { delay: 10 });
    await therapistCall.getByText('Sam Rivera picks the one that suits them best.').waitFor(WAIT);

    await clientCall.getByText('Dana Whitfield offered a choice of homework').waitFor(WAIT);
    await expect.poll(() => fieldValue(clientCall.getByRole('textbox', { name: 'Homework option 3' })), WAIT).toBe('Write a letter');
    const choices = clientCall.getByRole('button', { name: 'Choose this one' });
    await expect.poll(() => choices.count(), WAIT).toBe(3);
    await shot(client, 'roadmap-offer-phone');
    await choices.nth(1).click();

    // Chosen; the client plans it.
    await clientCall.getByText('Chosen by you from 3 options').waitFor(WAIT);
    const due = clientCall.getByLabel('Due date');
    await expect.poll(() => due.evaluate((field) => field === document.activeElement), WAIT).toBe(true);
    await due.fill('2026-01-18');
    await therapistCall.getByText('Chosen by Sam Rivera from 3 options').waitFor(WAIT);
    await expect.poll(() => therapistCall.getByLabel('Due date').inputValue(), WAIT).toBe('2026-01-18');
    expect(await fieldValue(therapistCall.getByRole('textbox', { name: 'Homework', exact: true }))).toBe('Call for ten minutes');
    await therapistCall.getByText('Other options offered (2)').waitFor(WAIT);

    // It did not happen this time, and that can be said.
    await clientCall.getByRole('button', { name: 'It didn’t happen this time' }).click();
    const reason = clientCall.getByRole('textbox', { name: "Didn't do it because…" });
    await expect.poll(() => reason.evaluate((field) => field === document.activeElement), WAIT).toBe(true);
    await client.keyboard.type('A busy week at work', { delay: 10 });
    await expect.poll(() => fieldValue(therapistCall.getByRole('textbox', { name: "Didn't do it because…" })), WAIT).toBe('A busy week at work');

    // A strategy, and a plain piece of homework on the other goal, done with a reflection.
    await therapistCall.getByRole('button', { name: 'Add strategy' }).click();
    await therapist.keyboard.type('Keep her number on the home screen', { delay: 10 });
    const clientSleepAgain = goal(client, 2);
    await clientSleepAgain.getByRole('button', { name: 'Add homework' }).click();
    await client.keyboard.type('Sleep diary each morning', { delay: 10 });
    await clientSleepAgain.getByRole('checkbox', { name: 'Done: Sleep diary each morning' }).check();
    await typeInto(client, clientSleepAgain.getByRole('textbox', { name: 'Reflection' }), 'Writing it down helped me notice the late coffee.');
    await expect.poll(() => fieldValue(goal(therapist, 2).getByRole('textbox', { name: 'Reflection' })), WAIT).toBe('Writing it down helped me notice the late coffee.');

    await saved(therapist);
    await saved(client);
    await therapist.locator('body').click({ position: { x: 5, y: 5 } });
    await client.locator('body').click({ position: { x: 5, y: 5 } });
    await shot(therapist, 'roadmap-goals-desktop');
    await shot(client, 'roadmap-goals-phone');
    await therapist.emulateMedia({ colorScheme: 'dark' });
    await client.emulateMedia({ colorScheme: 'dark' });
    await therapist.waitForTimeout(400); // colour transitions
    await shot(therapist, 'roadmap-goals-desktop-dark');
    await shot(client, 'roadmap-goals-phone-dark');
    await therapist.emulateMedia({ colorScheme: 'light' });
    await client.emulateMedia({ colorScheme: 'light' });

    // The narrowest phone: nothing sticks out sideways.
    await client.setViewportSize({ width: 360, height: 780 });
    await expect.poll(() => client.evaluate(() => document.documentElement.scrollWidth), WAIT).toBeLessThanOrEqual(360);
    await shot(client, 'roadmap-goals-phone-360');
    await client.setViewportSize(PHONE.viewport);

    expect(await accessibilityProblems(therapist)).toEqual([]);
    expect(await accessibilityProblems(client)).toEqual([]);

    // ---- archive, fold, reload ----
    await goal(therapist, 2).getByRole('button', { name: 'Archive goal' }).click();
    await client.getByText('Archived goals (1)').waitFor(WAIT);
    await expect.poll(() => client.getByRole('article').count(), WAIT).toBe(1);
    await client.getByText('Archived goals (1)').click();
    await client.getByRole('button', { name: 'Unarchive “Sleep better”' }).click();
    await expect.poll(() => therapist.getByRole('article').count(), WAIT).toBe(2);

    await client.getByRole('button', { name: 'Details of goal 1' }).click();
    await saved(client);
    await client.reload();
    await expect.poll(() => client.getByRole('button', { name: 'Details of goal 1' }).getAttribute('aria-expanded'), WAIT).toBe('false');
    await expect.poll(() => titles(client), WAIT).toEqual(['Call my sister every week', 'Sleep better']);
    await client.getByRole('button', { name: 'Details of goal 1' }).click();
    await expect.poll(() => goal(client, 1).getByLabel('Due date').inputValue(), WAIT).toBe('2026-01-18');
    expect(problems).toEqual([]);
  }, 300_000);
});
