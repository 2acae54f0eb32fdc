import type { Page } from 'playwright-core';
import { describe, expect, it, onTestFailed } from 'vitest';
import { accessibilityProblems, fieldValue, shot } from './browser.js';
import { addGoal, openTab, twoPeopleTogether, WAIT } from './people.js';

const goalTitles = (page: Page) => page.locator('.history__roadmap').getByRole('textbox', { name: 'Goal title' });

async function titlesIn(page: Page): Promise<string[]> {
  return Promise.all((await goalTitles(page).all()).map(fieldValue));
}

describe('looking back on how the roadmap grew', () => {
  const together = twoPeopleTogether('Sam — looking back');

  it('replays the roadmap from the first session to now, marks the sessions, and restores an earlier state as a change that can be undone', async () => {
    const { run, therapist, client, problems } = together;
    const output = run.server.output;
    onTestFailed(() => console.error(`server output (last lines):\n${output().slice(-6_000)}`));
    await openTab(therapist, 'Roadmap');
    await openTab(client, 'Roadmap');
    await addGoal(client, 'Sleep better');
    await therapist.getByRole('button', { name: 'Start session' }).click();
    await therapist.getByText('In session').first().waitFor(WAIT);
    await addGoal(therapist, 'Walk after lunch');
    await therapist.getByRole('button', { name: 'End session' }).click();
    await therapist.getByRole('group', { name: /^End this session\?/ }).getByRole('button', { name: 'End session' }).click();
    await therapist.getByText(/^Session 1 has ended/).waitFor(WAIT);
    await addGoal(client, 'Call my sister');

    await openTab(client, 'History');
    const slider = client.getByRole('slider', { name: 'Point in the history' });
    await slider.waitFor(WAIT);
    await expect.poll(() => titlesIn(client), WAIT).toEqual(['Sleep better', 'Walk after lunch', 'Call my sister']);
    await client.getByRole('list', { name: 'Sessions' }).getByRole('button', { name: 'Session 1' }).waitFor(WAIT);

    // The beginning: nothing on the roadmap yet; the roadmap there is read only.
    await slider.fill('1');
    await expect.poll(() => titlesIn(client), WAIT).toEqual([]);
    await client.getByText(/^Change 1 of \d+/).waitFor(WAIT);

    // Playing goes from the first session to now.
    await client.getByRole('button', { name: 'Play on' }).click();
    await expect.poll(() => client.getByRole('button', { name: 'Pause' }).count(), WAIT).toBe(0);
    await expect.poll(() => titlesIn(client), WAIT).toEqual(['Sleep better', 'Walk after lunch', 'Call my sister']);
    await client.getByText(/^Now ·/).waitFor(WAIT);

    // At the start of the session: one goal. Restoring there is a new change both see, and it undoes.
    await client.getByRole('list', { name: 'Sessions' }).getByRole('button', { name: 'Session 1' }).click();
    await expect.poll(() => titlesIn(client), WAIT).toEqual(['Sleep better']);
    expect(await goalTitles(client).first().getAttribute('aria-readonly')).toBe('true');
    await shot(client, 'history-replay-phone');
    expect(await accessibilityProblems(client)).toEqual([]);
    await client.getByRole('button', { name: 'Restore the roadmap as it was here' }).click();
    await client.getByText(/^The roadmap reads again as it did at change/).waitFor(WAIT);
    await openTab(therapist, 'Roadmap');
    await expect.poll(async () => Promise.all((await therapist.getByRole('textbox', { name: 'Goal title' }).all()).map(fieldValue)), WAIT).toEqual(['Sleep better']);
    await client.getByRole('button', { name: 'Undo the restore' }).click();
    await expect.poll(async () => Promise.all((await therapist.getByRole('textbox', { name: 'Goal title' }).all()).map(fieldValue)), WAIT).toEqual(['Sleep better', 'Walk after lunch', 'Call my sister']);

    await openTab(therapist, 'History');
    await therapist.getByRole('slider', { name: 'Point in the history' }).waitFor(WAIT);
    await shot(therapist, 'history-replay-desktop');
    expect(problems).toEqual([]);
  }, 240_000);
});
