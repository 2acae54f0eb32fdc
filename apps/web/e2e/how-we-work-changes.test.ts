import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it, onTestFailed } from 'vitest';
import { accessibilityProblems, artifacts, shot } from './browser.js';
import { acceptInvite, addGoal, createWorkspace, DANA, inviteLink, openTab, passOnboarding, SAM, saved, signUp, WAIT } from './people.js';
import { twoPeopleForBlock } from './two-people.js';

const PHONE_SIZE = { width: 390, height: 844 };
const DESKTOP_SIZE = { width: 1280, height: 860 };

/** How far down the screen the workspace's header (app bar, title, status, session, tabs) reaches, at the top of the page. */
async function headerBottom(page: Page): Promise<number> {
  await page.evaluate(() => window.scrollTo(0, 0));
  return page.evaluate(() => document.querySelector('.workspace-tabs')!.getBoundingClientRect().bottom);
}

/** The header's parts sit side by side without covering one another: the save state and faces, then the session. */
async function headerPartsApart(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const status = document.querySelector('.workspace-head__status')!.getBoundingClientRect();
    const session = document.querySelector('.workspace-head__session > *');
    const title = document.querySelector('.workspace-head__text')!.getBoundingClientRect();
    const pinned = document.querySelector('.workspace-head__pinned')!.getBoundingClientRect();
    const apart = (a: DOMRect, b: DOMRect) => a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
    const inside = (a: DOMRect) => a.left >= 0 && a.right <= window.innerWidth;
    const sessionBox = session?.getBoundingClientRect();
    return apart(title, pinned) && inside(pinned) && inside(status) && (!sessionBox || (apart(status, sessionBox) && inside(document.querySelector('.workspace-head__session')!.getBoundingClientRect())));
  });
}

/** Every tab of the workspace can be reached and opened, by pointer and by keyboard, and shows in full when open. */
async function everyTabReachable(page: Page): Promise<string[]> {
  const tabs = page.getByRole('tab');
  const names = await tabs.allInnerTexts();
  const width = page.viewportSize()!.width;
  for (const name of names) {
    await openTab(page, name);
    const box = (await page.getByRole('tab', { name, exact: true }).boundingBox())!;
    expect(box.x, `${name} starts on screen`).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width, `${name} ends on screen`).toBeLessThanOrEqual(width);
  }
  // By keyboard: from the first tab, the arrow keys reach every one, each with a visible focus ring.
  await openTab(page, names[0]!);
  await page.getByRole('tab', { name: names[0]!, exact: true }).focus();
  for (const name of names.slice(1)) {
    await page.keyboard.press('ArrowRight');
    const tab = page.getByRole('tab', { name, exact: true });
    await expect.poll(() => tab.getAttribute('aria-selected'), WAIT).toBe('true');
    const ring = await tab.evaluate((element) => element.matches(':focus-visible') && getComputedStyle(element).outlineStyle !== 'none');
    expect(ring, `${name} shows its focus`).toBe(true);
    const box = (await tab.boundingBox())!;
    expect(box.x + box.width, `${name} ends on screen`).toBeLessThanOrEqual(width);
  }
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
  return names;
}

describe('How we work, calmer', () => {
  const people = twoPeopleForBlock();

  it('flags the template’s gaps before saving and inviting, changes mid-session without locking the client out, and marks the changes at their next open', async () => {
    const { server, therapist, client, problems } = people();
    const url = server.url;
    onTestFailed(() => console.error(`server output (last lines):\n${server.output().slice(-6_000)}`));

    await signUp(therapist, url, DANA);
    const title = 'Sam — our work';
    await createWorkspace(therapist, url, title);

    // Before inviting: the invite panel says clearly which parts of the template are still to fill in.
    const invite = therapist.locator('.invite-panel');
    await invite.getByText('Before you invite: How we work still has 4 parts of the template to fill in.').waitFor(WAIT);
    await invite.getByText('[local crisis line]').waitFor(WAIT);
    expect(await accessibilityProblems(therapist)).toEqual([]);
    await shot(therapist, 'invite-placeholders-desktop');

    // "Fill them in" opens How we work, which lists them too, in plain words, while editing.
    await invite.getByRole('button', { name: 'Fill them in' }).click();
    await expect.poll(() => therapist.getByRole('tab', { name: 'How we work', exact: true }).getAttribute('aria-selected'), WAIT).toBe('true');
    const editor = therapist.getByRole('textbox', { name: 'How we work', exact: true });
    await therapist.getByText('Still to fill in: 4 parts of the template.').waitFor(WAIT);
    await editor.fill((await editor.inputValue()).replace('[Day and time of our sessions, how long they last, and how we meet.]', 'Tuesdays at 10:00, fifty minutes, by video.'));
    await therapist.getByText('Still to fill in: 3 parts of the template.').waitFor(WAIT);

    // Saving with gaps asks gently; keeping on editing saves nothing, saving anyway saves.
    await therapist.getByRole('button', { name: 'Save', exact: true }).click();
    const ask = therapist.getByRole('group', { name: /^Save with parts still to fill in\?/ });
    await ask.waitFor(WAIT);
    expect(await accessibilityProblems(therapist)).toEqual([]);
    await shot(therapist, 'save-placeholders-desktop');
    await ask.getByRole('button', { name: 'Keep editing' }).click();
    await therapist.getByText('changes not saved yet', { exact: false }).waitFor(WAIT);
    await therapist.getByRole('button', { name: 'Save', exact: true }).click();
    await therapist.getByRole('button', { name: 'Save anyway' }).click();
    await therapist.getByText('Saved as version 2.').waitFor(WAIT);
    await invite.getByText('Before you invite: How we work still has 3 parts of the template to fill in.').waitFor(WAIT);

    // Everything filled in: saving no longer asks, and the invite panel no longer warns.
    await editor.fill(
      (await editor.inputValue())
        .replace(/\[How to reach me[^\]]*\]/, 'Message me here; I read messages on weekdays and reply within two working days.')
        .replace(/\[How much notice[^\]]*\]/, 'A day’s notice, from either of us.')
        .replace('[local crisis line]', 'Samaritans on 116 123'),
    );
    await therapist.getByRole('button', { name: 'Save', exact: true }).click();
    await therapist.getByText('Saved as version 3.').waitFor(WAIT);
    expect(await therapist.getByText('Still to fill in', { exact: false }).count()).toBe(0);
    expect(await invite.getByText('Before you invite', { exact: false }).count()).toBe(0);

    const link = await inviteLink(therapist);
    await signUp(client, url, SAM);
    await acceptInvite(client, link, title);
    // The first reading marks nothing: there is no earlier version to compare with.
    await client.getByRole('heading', { name: 'Before we start: how we work' }).waitFor(WAIT);
    expect(await client.locator('.terms-text ins, .terms-text del').count()).toBe(0);
    await passOnboarding(client, 'We decide together');
    await therapist.getByText('With Sam Rivera, your client').waitFor(WAIT);

    // A session: the client works on the roadmap.
    await therapist.getByRole('button', { name: 'Start session' }).click();
    await client.getByRole('status').filter({ hasText: 'In session' }).waitFor({ timeout: 30_000 });
    await addGoal(client, 'Sleep through the night');

    // Mid-session, the therapist changes How we work.
    await therapist.getByText(/^Read version 3/).waitFor(WAIT);
    const text = await editor.inputValue();
    await editor.fill(
      text
        .replace('Tuesdays at 10:00, fifty minutes, by video.', 'Wednesdays at 10:00, fifty minutes, by video.')
        .replace('- Your private drafts are visible to you alone until you choose to share them.\n', '')
        .replace('## Cancellations', '## Holidays\nI will tell you about breaks a month ahead.\n\n## Cancellations'),
    );
    await therapist.getByRole('button', { name: 'Save', exact: true }).click();
    await therapist
      .getByText('Saved as version 4. Sam Rivera can go on working for now; the next time they open the workspace, they are asked to read it first, with what changed marked.')
      .waitFor(WAIT);
    await therapist.getByText('Not yet read this version', { exact: true }).waitFor(WAIT);

    // The client is not locked out: told calmly, they keep working in the open workspace.
    await client.getByText('Dana Whitfield has updated How we work.').waitFor(WAIT);
    expect(await client.getByRole('heading', { name: 'How we work has changed' }).count()).toBe(0);
    await addGoal(client, 'Walk after lunch');
    await client.getByText('Walk after lunch').first().waitFor(WAIT);
    expect(await accessibilityProblems(client)).toEqual([]);
    await openTab(therapist, 'Roadmap');
    await therapist.locator('.goal-card').filter({ hasText: 'Walk after lunch' }).first().waitFor(WAIT);

    // The short summary, pinned in the header, from another tab: the new session times, the crisis line.
    await openTab(client, 'Feedback');
    const pin = client.getByRole('button', { name: /^How we work/ });
    await pin.click();
    const sheet = client.getByRole('dialog', { name: 'How we work, in short' });
    await sheet.waitFor(WAIT);
    await sheet.getByRole('heading', { name: 'Sessions', exact: true }).waitFor(WAIT);
    await sheet.getByText('Wednesdays at 10:00, fifty minutes, by video.').waitFor(WAIT);
    await sheet.getByRole('heading', { name: 'Contact between sessions' }).waitFor(WAIT);
    await sheet.getByText('Samaritans on 116 123', { exact: false }).waitFor(WAIT);
    await sheet.getByText('Updated since you last read it.', { exact: false }).waitFor(WAIT);
    expect(await sheet.getByRole('heading', { name: 'Confidentiality and its limits' }).count()).toBe(0);
    expect(await accessibilityProblems(client)).toEqual([]);
    await shot(client, 'terms-summary-desktop');
    await client.keyboard.press('Escape');
    await sheet.waitFor({ state: 'hidden', ...WAIT });
    await expect.poll(() => pin.evaluate((element) => element === document.activeElement), WAIT).toBe(true);
    expect(await client.getByRole('tab', { name: 'Feedback' }).getAttribute('aria-selected')).toBe('true');
    // The therapist has the same summary, from the Roadmap.
    await therapist.getByRole('button', { name: /^How we work/ }).click();
    await therapist.getByRole('dialog', { name: 'How we work, in short' }).getByText('Samaritans on 116 123', { exact: false }).waitFor(WAIT);
    await therapist.getByRole('dialog').getByRole('button', { name: 'Read all of How we work' }).click();
    await expect.poll(() => therapist.getByRole('tab', { name: 'How we work', exact: true }).getAttribute('aria-selected'), WAIT).toBe('true');
    expect(await therapist.getByRole('dialog').count()).toBe(0);

    // The client's next open: the new version first, with what changed marked.
    await client.reload();
    await client.getByRole('heading', { name: 'How we work has changed' }).waitFor(WAIT);
    const terms = client.locator('.terms-card');
    await terms.getByText('4 parts have changed since the version you read (version 3).', { exact: false }).waitFor(WAIT);
    expect(await terms.locator('del', { hasText: 'Tuesdays' }).count()).toBe(1);
    expect(await terms.locator('ins', { hasText: 'Wednesdays' }).count()).toBe(1);
    expect(await terms.locator('ins', { hasText: 'Holidays' }).count()).toBe(1);
    expect(await terms.locator('ins', { hasText: 'I will tell you about breaks a month ahead.' }).count()).toBe(1);
    expect(await terms.locator('li del', { hasText: 'Your private drafts are visible to you alone' }).count()).toBe(1);
    // Not by colour alone: screen readers are told what was added and removed.
    const read = await terms.locator('.terms-text').evaluate((element) => element.textContent ?? '');
    expect(read).toContain('[removed: Tuesdays]');
    expect(read).toContain('[added: Wednesdays]');
    expect(await terms.getByRole('heading', { name: 'Holidays' }).count()).toBe(1);
    expect(await client.getByRole('tab').count()).toBe(0);
    expect(await accessibilityProblems(client)).toEqual([]);
    await shot(client, 'terms-changes-desktop');
    await client.setViewportSize(PHONE_SIZE);
    await shot(client, 'terms-changes-phone');

    await client.getByRole('button', { name: 'I have read this' }).click();
    await client.getByRole('tab', { name: 'Roadmap' }).waitFor(WAIT);
    await therapist.getByText(/^Read version 4/).waitFor(WAIT);
    await saved(client);

    // Another change while the client works: they may read it there and then, changes marked.
    await editor.fill((await editor.inputValue()).replace('Samaritans on 116 123', 'Samaritans on 116 123, day or night'));
    await therapist.getByRole('button', { name: 'Save', exact: true }).click();
    await therapist.getByText('Saved as version 5.', { exact: false }).waitFor(WAIT);
    await client.getByRole('button', { name: 'Read what changed' }).click();
    await expect.poll(() => client.getByRole('tab', { name: 'How we work', exact: true }).getAttribute('aria-selected'), WAIT).toBe('true');
    const tab = client.locator('.terms-card');
    await tab.getByText('One part has changed since the version you read (version 4).', { exact: false }).waitFor(WAIT);
    expect(await tab.locator('ins', { hasText: ', day or night' }).count()).toBe(1);
    expect(await accessibilityProblems(client)).toEqual([]);
    await tab.getByRole('button', { name: 'I have read this' }).click();
    await tab.getByText('You read this version on', { exact: false }).waitFor(WAIT);
    expect(await tab.locator('ins, del').count()).toBe(0);
    expect(await client.getByText('Dana Whitfield has updated How we work.').count()).toBe(0);
    await therapist.getByText(/^Read version 5/).waitFor(WAIT);

    // On a phone, in session: the header stays in the top quarter and every tab can be reached.
    const clientHeader = await headerBottom(client);
    console.info(`the client's header on a phone, in session: ${clientHeader.toFixed(0)} of ${PHONE_SIZE.height} px`);
    expect(clientHeader).toBeLessThanOrEqual(PHONE_SIZE.height / 4);
    expect(await headerPartsApart(client)).toBe(true);
    await client.screenshot({ path: join(artifacts, 'header-client-phone.png') });
    // (More tabs may come: every one there is checked, these at least.)
    expect(await everyTabReachable(client)).toEqual(expect.arrayContaining(['Roadmap', 'Feedback', 'Versions', 'History', 'How we work', 'Access log']));
    expect(await accessibilityProblems(client)).toEqual([]);

    await therapist.setViewportSize(PHONE_SIZE);
    await openTab(therapist, 'Roadmap');
    await therapist.getByRole('button', { name: 'End session' }).waitFor(WAIT);
    const therapistHeader = await headerBottom(therapist);
    console.info(`the therapist's header on a phone, in session: ${therapistHeader.toFixed(0)} of ${PHONE_SIZE.height} px`);
    expect(therapistHeader).toBeLessThanOrEqual(PHONE_SIZE.height / 4);
    expect(await headerPartsApart(therapist)).toBe(true);
    await therapist.screenshot({ path: join(artifacts, 'header-therapist-phone.png') });
    expect(await everyTabReachable(therapist)).toEqual(expect.arrayContaining(['Roadmap', 'Feedback', 'Versions', 'History', 'Closing review', 'How we work', 'Access log']));
    expect(await accessibilityProblems(therapist)).toEqual([]);
    // The summary is a sheet on the phone too.
    await therapist.getByRole('button', { name: /^How we work/ }).click();
    await therapist.getByRole('dialog', { name: 'How we work, in short' }).waitFor(WAIT);
    expect(await accessibilityProblems(therapist)).toEqual([]);
    await therapist.screenshot({ path: join(artifacts, 'terms-summary-phone.png') });
    await therapist.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await therapist.setViewportSize(DESKTOP_SIZE);
    expect(problems).toEqual([]);
  }, 300_000);
});
