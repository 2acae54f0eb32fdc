import { workspaceExportSchema } from '@alliance/shared';
import type { Page } from 'playwright-core';
import { describe, expect, it, onTestFailed } from 'vitest';
import { accessibilityProblems, shot } from './browser.js';
import { api, download, openTab, saved, twoPeopleTogether, WAIT } from './people.js';

describe('the closing review and the archive', () => {
  const together = twoPeopleTogether('Sam — closing');

  /** Writes the three answers of a closing reflection and shares them. */
  async function reflect(page: Page, answers: { helped: string; keep: string; ifHard: string }): Promise<void> {
    await page.getByLabel('What helped').fill(answers.helped);
    await page.getByLabel('What I’ll keep doing').fill(answers.keep);
    await page.getByLabel('What to do if things get hard again').fill(answers.ifHard);
    await page.getByRole('button', { name: 'Save and share' }).click();
    await page.getByText('Saved. It is shared with the other person.').waitFor(WAIT);
  }

  /** Confirms the archive, through its "are you sure?" step. */
  async function confirm(page: Page): Promise<void> {
    await page.getByRole('button', { name: 'Confirm and archive' }).click();
    const question = page.getByRole('group', { name: /^Close the workspace\?/ });
    await question.getByText(/read-only archive for both of you/).waitFor(WAIT);
    await question.getByRole('button', { name: 'Yes, confirm' }).click();
  }

  it('the therapist opens the review, both reflect and confirm, and the workspace becomes a read-only archive', async () => {
    const { run, therapist, client, workspaceId, problems } = together;
    const output = run.server.output;
    onTestFailed(() => console.error(`server output (last lines):\n${output().slice(-6_000)}`));

    // A goal that started below expectations and ended above them, across one session.
    await openTab(therapist, 'Roadmap');
    await therapist.getByRole('button', { name: 'Add goal', exact: true }).click();
    await therapist.keyboard.type('Sleep better', { delay: 10 });
    const goal = therapist.locator('.goal-card').first();
    await goal.getByRole('radio', { name: '−1 Somewhat less than expected' }).check();
    await saved(therapist);
    await therapist.getByRole('button', { name: 'Start session' }).click();
    await therapist.getByText('In session').first().waitFor(WAIT);
    await therapist.getByRole('button', { name: 'End session' }).click();
    await therapist.getByRole('group', { name: /^End this session\?/ }).getByRole('button', { name: 'End session' }).click();
    await therapist.getByText(/^Session 1 has ended/).waitFor(WAIT);
    await goal.getByRole('radio', { name: '+1 Somewhat more than expected' }).check();
    await goal.getByLabel(/^How hard you expect it to be/).selectOption('2');
    await saved(therapist);
    // Each says their half of the goal's weight; each sees the other's.
    await openTab(client, 'Roadmap');
    const clientGoal = client.locator('.goal-card').first();
    await clientGoal.getByLabel('How much it matters to you').selectOption('3');
    await saved(client);
    await expect.poll(() => goal.getByLabel('How much it matters to Sam Rivera').textContent(), WAIT).toBe('Very');
    await expect.poll(() => clientGoal.getByLabel('How hard Dana Whitfield expects it to be').textContent(), WAIT).toBe('Moderately');
    await shot(therapist, 'closing-goal-weights-desktop');

    // The client has no closing review until the therapist opens it.
    expect(await client.getByRole('tab', { name: 'Closing review' }).count()).toBe(0);
    await openTab(therapist, 'Closing review');
    await therapist.getByRole('button', { name: 'Open the closing review' }).click();
    await therapist.getByRole('heading', { name: 'Looking back together' }).waitFor(WAIT);
    await therapist.getByText('Progress went from somewhat less than expected to somewhat more than expected.').waitFor(WAIT);
    await therapist.getByText(/^60 means that, taken together, the goals went better than you both expected/).waitFor(WAIT);
    await therapist.getByText(/goals weighted by how much they matter and how hard they are/).waitFor(WAIT);

    // The client is invited.
    await client.getByText(/Dana Whitfield has opened the closing review/).waitFor(WAIT);
    await client.getByRole('button', { name: 'Open the closing review' }).click();
    await client.getByRole('heading', { name: 'Looking back together' }).waitFor(WAIT);
    await client.getByText('Dana Whitfield has not shared theirs yet.').waitFor(WAIT);

    await reflect(client, { helped: 'Being listened to without hurry', keep: 'A walk after lunch', ifHard: 'Read my roadmap, then call' });
    await therapist.getByText('Being listened to without hurry').waitFor(WAIT);
    await shot(client, 'closing-reflection-phone');
    await reflect(therapist, { helped: 'Your honesty about what did not fit', keep: 'Asking what you would like', ifHard: 'Get in touch; the door stays open' });
    await client.getByText('Your honesty about what did not fit').waitFor(WAIT);

    await confirm(client);
    await client.getByText('You confirmed on', { exact: false }).waitFor(WAIT);
    await therapist.getByText(/^Sam Rivera confirmed on/).waitFor(WAIT);
    expect((await api<{ archivedAt: string | null }>(therapist, 'GET', `/api/workspaces/${workspaceId}`)).body.archivedAt).toBeNull();
    await confirm(therapist);

    // Archived, for both at once: a banner everywhere, the roadmap read only, and edits refused.
    for (const page of [therapist, client]) await page.getByText('This workspace is an archive.').waitFor(WAIT);
    await client.getByRole('heading', { name: 'Archived' }).waitFor(WAIT);
    await shot(therapist, 'closing-review-desktop');
    await shot(client, 'closing-review-phone');
    expect(await accessibilityProblems(therapist)).toEqual([]);
    expect(await accessibilityProblems(client)).toEqual([]);

    // Printed (the browser's "Save as PDF"): the review alone, without the app around it or its buttons.
    await therapist.emulateMedia({ media: 'print' });
    expect(await therapist.getByRole('button', { name: 'Print or save as PDF' }).isVisible()).toBe(false);
    expect(await therapist.getByRole('tablist').isVisible()).toBe(false);
    expect(await therapist.getByRole('heading', { name: 'Looking back together' }).isVisible()).toBe(true);
    expect(await therapist.getByText('Your honesty about what did not fit').isVisible()).toBe(true);
    await shot(therapist, 'closing-review-print');
    await therapist.emulateMedia({ media: 'screen' });

    await openTab(client, 'Roadmap');
    const title = client.getByRole('textbox', { name: 'Goal title' }).first();
    await title.waitFor(WAIT);
    expect(await title.getAttribute('aria-readonly')).toBe('true');
    expect(await client.getByRole('button', { name: 'Add goal', exact: true }).count()).toBe(0);
    const refused = await api<{ error: { code: string } }>(client, 'POST', `/api/workspaces/${workspaceId}/docs/roadmap/versions`, { label: 'After the end' });
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'READ_ONLY' } } });

    // The client's copy holds the review as they saw it: both reflections, both confirmations, the scores.
    await openTab(client, 'Versions');
    const copy = workspaceExportSchema.parse(JSON.parse((await download(client, 'Download JSON')).text));
    expect(copy.closingReview).toMatchObject({
      reflections: { client: { helped: 'Being listened to without hurry' }, therapist: { ifHard: 'Get in touch; the door stays open' } },
      confirmations: { client: expect.any(String), therapist: expect.any(String) },
      archivedAt: copy.workspace.archivedAt,
      gas: { now: { score: expect.closeTo(60, 6), weighted: true } },
    });
    expect(problems).toEqual([]);
  }, 240_000);
});
