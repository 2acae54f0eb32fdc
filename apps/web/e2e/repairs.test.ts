import type { Page } from 'playwright-core';
import { describe, expect, it, onTestFailed } from 'vitest';
import { accessibilityProblems, shot } from './browser.js';
import { api, twoPeopleTogether, WAIT } from './people.js';

const usual = { items: { heard: 8, wanted: 7, fit: 8, overall: 8 }, steering: 0, choicesOffered: 'yes', visibility: 'now' };
const low = { ...usual, items: { heard: 5, wanted: 7, fit: 7, overall: 7 }, note: 'I felt rushed' };

describe('rupture and repair', () => {
  const together = twoPeopleTogether('Sam — repair');

  /** The therapist holds a session (through the API) and the client answers its check-in. */
  async function sessionWithCheckin(answers: typeof usual): Promise<void> {
    const { therapist, client, workspaceId } = together;
    const started = await api<{ id: string }>(therapist, 'POST', `/api/workspaces/${workspaceId}/sessions`);
    expect(started.status).toBe(201);
    expect((await api(therapist, 'POST', `/api/workspaces/${workspaceId}/sessions/current/end`, {})).status).toBe(200);
    expect((await api(client, 'POST', `/api/workspaces/${workspaceId}/checkins`, { sessionId: started.body.id, ...answers })).status).toBe(201);
  }

  const pinned = (page: Page) => page.getByRole('region', { name: 'Let’s talk this through' });

  async function writeAndSave(page: Page, label: string, text: string): Promise<void> {
    const item = pinned(page).getByRole('article', { name: 'Check-in after session 4' });
    await item.getByLabel(label, { exact: true }).fill(text);
    await item.getByRole('button', { name: 'Save', exact: true }).click();
    await item.getByText('Saved. You both see it now.').waitFor(WAIT);
  }

  it('a check-in that drops opens a repair item: the therapist acknowledges, both write, the client closes it as repaired', async () => {
    const { run, therapist, client, workspaceId, problems } = together;
    onTestFailed(() => console.error(`server output (last lines):\n${run.server.output().slice(-6_000)}`));
    for (let index = 0; index < 3; index++) await sessionWithCheckin(usual);
    expect(await pinned(therapist).count()).toBe(0);

    // Session 4 felt off: 'felt heard' 3 points below Sam's usual. The therapist is told at once.
    await sessionWithCheckin(low);
    const alert = pinned(therapist).getByRole('article', { name: 'Check-in after session 4' });
    await alert.getByText('New: please acknowledge it').waitFor(WAIT);
    await alert.getByText('repair item since you last looked').waitFor({ ...WAIT, state: 'attached' });
    await expect.poll(() => alert.getByLabel('What happened', { exact: true }).inputValue(), WAIT).toBe('Check-in after session 4: ‘felt heard and respected’ was 3 points below usual.');
    expect(await alert.textContent()).not.toContain('rushed');
    // Outside a session it waits for the client in the calm Repair section.
    await client.getByText('Repair', { exact: true }).waitFor(WAIT);
    expect(await pinned(client).count()).toBe(0);
    expect(await accessibilityProblems(therapist)).toEqual([]);
    await shot(therapist, 'repair-alert-desktop');
    await client.getByText('Repair', { exact: true }).click();
    await client.getByRole('article', { name: 'Check-in after session 4' }).waitFor(WAIT);
    await shot(client, 'repair-calm-phone');

    // In the next session it is pinned for both, over every tab.
    expect((await api(therapist, 'POST', `/api/workspaces/${workspaceId}/sessions`)).status).toBe(201);
    await pinned(client).getByText('Waiting for Dana Whitfield to acknowledge it').waitFor(WAIT);
    await alert.getByRole('button', { name: 'Acknowledge' }).click();
    await alert.getByText('You acknowledged it').waitFor(WAIT);
    await pinned(client).getByText('Dana Whitfield acknowledged it').waitFor(WAIT);

    await writeAndSave(therapist, 'How I saw it', 'I moved us on to the plan before you had finished.');
    await writeAndSave(client, 'How I saw it', 'I wanted to say more about the week and did not feel I could.');
    await writeAndSave(client, 'What we will change', 'Ask me halfway whether the pace is right.');
    const clientItem = pinned(client).getByRole('article', { name: 'Check-in after session 4' });
    await clientItem.getByText('I moved us on to the plan before you had finished.').waitFor(WAIT);
    await alert.getByText('I wanted to say more about the week and did not feel I could.').waitFor(WAIT);
    await expect.poll(() => alert.getByLabel('What we will change', { exact: true }).inputValue(), WAIT).toBe('Ask me halfway whether the pace is right.');
    // The therapist cannot close it; only the client can.
    expect(await alert.getByRole('button', { name: 'Close as repaired' }).count()).toBe(0);

    expect(await accessibilityProblems(therapist)).toEqual([]);
    expect(await accessibilityProblems(client)).toEqual([]);
    await shot(therapist, 'repair-desktop');
    await clientItem.scrollIntoViewIfNeeded();
    await shot(client, 'repair-phone');

    // The therapist's workspace list counts it while it is open.
    const list = await therapist.context().newPage();
    await list.goto(`${run.server.url}/`);
    await list.getByRole('link', { name: /Sam — / }).getByText('1 repair item open').waitFor(WAIT);
    await list.close();

    await clientItem.getByRole('button', { name: 'Close as repaired' }).click();
    await expect.poll(() => pinned(client).count(), WAIT).toBe(0);
    await expect.poll(() => pinned(therapist).count(), WAIT).toBe(0);
    await therapist.getByText('1 repaired').waitFor(WAIT);
    const listed = await api<{ id: string; openRepairs: number }[]>(therapist, 'GET', '/api/workspaces');
    expect(listed.body.find((workspace) => workspace.id === workspaceId)?.openRepairs).toBe(0);
    expect(await accessibilityProblems(client)).toEqual([]);
    expect(problems).toEqual([]);
  }, 240_000);
});
