import type { HistoryPageDto } from '@alliance/shared';
import type { Page } from 'playwright-core';
import { describe, expect, it, onTestFailed } from 'vitest';
import { accessibilityProblems, fieldValue, shot } from './browser.js';
import { addGoal, api, openTab, saved, twoPeopleTogether, WAIT } from './people.js';

async function roadmapTitles(page: Page): Promise<string[]> {
  return Promise.all((await page.getByRole('textbox', { name: 'Goal title' }).all()).map(fieldValue));
}

describe('comparing two points of the roadmap’s history', () => {
  const together = twoPeopleTogether('Sam — what changed');

  const lastSeq = async (page: Page) => (await api<HistoryPageDto>(page, 'GET', `/api/workspaces/${together.workspaceId}/docs/roadmap/history?limit=1`)).body.lastSeq;

  it('shows each person the goal the therapist renamed and the goal removed, with who and when, and restores the removed goal for both', async () => {
    const { run, therapist, client, workspaceId, problems } = together;
    const output = run.server.output;
    onTestFailed(() => console.error(`server output (last lines):\n${output().slice(-6_000)}`));
    await openTab(therapist, 'Roadmap');
    await openTab(client, 'Roadmap');
    await addGoal(client, 'Sleep better');
    const oneGoal = await lastSeq(client);
    await addGoal(client, 'Call my sister');
    await therapist.getByRole('button', { name: 'Start session' }).click();
    await therapist.getByText('In session').first().waitFor(WAIT);
    await therapist.getByRole('button', { name: 'End session' }).click();
    await therapist.getByRole('group', { name: /^End this session\?/ }).getByRole('button', { name: 'End session' }).click();
    // The session's version is saved as it ends: the restore below must come after it.
    await therapist.getByText(/^Session 1 has ended/).waitFor(WAIT);
    await expect.poll(() => roadmapTitles(therapist), WAIT).toEqual(['Sleep better', 'Call my sister']);

    // After the session, the client takes the roadmap back to one goal (a restore), and the
    // therapist rewords the goal the client wrote.
    expect((await api(client, 'POST', `/api/workspaces/${workspaceId}/docs/roadmap/restore`, { versionId: `seq:${oneGoal}` })).status).toBe(201);
    await expect.poll(() => roadmapTitles(therapist), WAIT).toEqual(['Sleep better']);
    const title = therapist.getByRole('textbox', { name: 'Goal title' }).first();
    await title.click();
    await therapist.keyboard.press('Control+End');
    for (let index = 0; index < 'better'.length; index++) await therapist.keyboard.press('Backspace');
    await therapist.keyboard.type('well at night', { delay: 10 });
    await saved(therapist);
    await expect.poll(() => roadmapTitles(client), WAIT).toEqual(['Sleep well at night']);

    // The client compares: by default, the last session's version against now.
    await openTab(client, 'History');
    await client.getByRole('button', { name: 'Compare two points' }).click();
    await expect.poll(() => client.getByLabel('From', { exact: true }).locator('option:checked').innerText(), WAIT).toMatch(/Session 1$/);
    await expect.poll(() => client.getByLabel('To', { exact: true }).locator('option:checked').innerText(), WAIT).toBe('Now');
    const renamed = client.getByRole('region', { name: /Sleep well at night/ });
    await renamed.getByText(/^Goal renamed by Dana Whitfield · /).waitFor(WAIT);
    expect(await renamed.locator('del').innerText()).toContain('better');
    expect(await renamed.locator('ins').innerText()).toContain('well at night');
    const removed = client.getByRole('region', { name: /Call my sister/ });
    await removed.getByText(/^Goal removed by you \(a restore\) · /).waitFor(WAIT);
    expect(await accessibilityProblems(client)).toEqual([]);
    await shot(client, 'compare-phone');

    // The therapist sees the same comparison, the rename as her own and the removal as Sam's.
    await openTab(therapist, 'History');
    await therapist.getByRole('button', { name: 'Compare two points' }).click();
    await therapist.getByRole('region', { name: /Sleep well at night/ }).getByText(/^Goal renamed by you · /).waitFor(WAIT);
    await therapist.getByRole('region', { name: /Call my sister/ }).getByText(/^Goal removed by Sam Rivera \(a restore\) · /).waitFor(WAIT);
    expect(await accessibilityProblems(therapist)).toEqual([]);
    await shot(therapist, 'compare-desktop');

    // Restoring the removed goal from the comparison brings it back for both.
    await removed.getByRole('button', { name: 'Restore the goal' }).click();
    await client.getByText('The goal is back, as it was at the earlier point: a new change, which you both see.').waitFor(WAIT);
    await openTab(therapist, 'Roadmap');
    await expect.poll(() => roadmapTitles(therapist), WAIT).toEqual(['Sleep well at night', 'Call my sister']);
    await expect.poll(() => client.getByRole('region', { name: /Call my sister/ }).count(), WAIT).toBe(0);
    await openTab(client, 'Roadmap');
    await expect.poll(() => roadmapTitles(client), WAIT).toEqual(['Sleep well at night', 'Call my sister']);

    expect(problems).toEqual([]);
  }, 240_000);
});
