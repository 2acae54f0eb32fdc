import type { Page } from 'playwright-core';
import { describe, expect, it, onTestFailed } from 'vitest';
import { accessibilityProblems, shot } from './browser.js';
import { addGoal, openTab, twoPeopleTogether, WAIT } from './people.js';

describe('the roadmap’s changes, edit by edit', () => {
  const together = twoPeopleTogether('Sam — changes');

  const edits = (page: Page) => page.getByRole('region', { name: 'Changes' }).getByRole('listitem');

  it('lists each person’s edit with the goal they changed, and shows what one changed', async () => {
    const { run, therapist, client, problems } = together;
    const output = run.server.output;
    onTestFailed(() => console.error(`server output (last lines):\n${output().slice(-6_000)}`));
    await openTab(therapist, 'Roadmap');
    await openTab(client, 'Roadmap');
    await addGoal(client, 'Sleep better');
    await therapist.getByRole('textbox', { name: 'Goal title' }).first().waitFor(WAIT);
    await addGoal(therapist, 'Walk after lunch');

    // The client's list: the therapist's edit first (the newest), then their own.
    await openTab(client, 'History');
    await client.getByRole('button', { name: 'Changes' }).click();
    await expect.poll(async () => (await edits(client).allInnerTexts()).map((text) => text.split('\n')[0]), WAIT).toEqual([
      'Dana Whitfield changed the goal “Walk after lunch”',
      'You changed the goal “Sleep better”',
      'Dana Whitfield started the roadmap',
    ]);
    await expect.poll(() => edits(client).first().innerText(), WAIT).toMatch(/\d+ changes? · /);
    expect(await accessibilityProblems(client)).toEqual([]);
    await shot(client, 'changes-phone');

    // The therapist's list names the same edits from her side.
    await openTab(therapist, 'History');
    await therapist.getByRole('button', { name: 'Changes' }).click();
    await edits(therapist).first().getByText('You changed the goal “Walk after lunch”').waitFor(WAIT);
    await edits(therapist).nth(1).getByText('Sam Rivera changed the goal “Sleep better”').waitFor(WAIT);
    expect(await accessibilityProblems(therapist)).toEqual([]);
    await shot(therapist, 'changes-desktop');

    // "Show what changed" compares from just before the edit to its end: only that goal, added by her.
    await edits(client).first().getByRole('button', { name: 'Show what changed' }).click();
    await expect.poll(() => client.getByLabel('From', { exact: true }).locator('option:checked').innerText(), WAIT).toBe('Just before the edit');
    await client.getByRole('region', { name: /Walk after lunch/ }).getByText(/^Goal added by Dana Whitfield · /).waitFor(WAIT);
    expect(await client.getByRole('region', { name: /Sleep better/ }).count()).toBe(0);
    expect(await accessibilityProblems(client)).toEqual([]);

    // "See it here" moves the replay to the end of the edit: both goals there.
    await client.getByRole('button', { name: 'Changes' }).click();
    await edits(client).nth(1).getByRole('button', { name: 'See it here' }).click();
    await client.getByRole('slider', { name: 'Point in the history' }).waitFor(WAIT);
    await expect.poll(async () => client.locator('.history__roadmap').getByRole('textbox', { name: 'Goal title' }).count(), WAIT).toBe(1);
    expect(problems).toEqual([]);
  }, 240_000);
});
