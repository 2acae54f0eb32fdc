import { describe, expect, it, onTestFailed } from 'vitest';
import { accessibilityProblems, shot } from './browser.js';
import { acceptInvite, api, createWorkspace, DANA, DESKTOP, inviteLink, openTab, passOnboarding, SAM, signUp, WAIT } from './people.js';
import { twoPeopleForBlock } from './two-people.js';

describe('how we work comes first for the client', () => {
  const people = twoPeopleForBlock(DESKTOP);

  it('shows the client How we work before the roadmap, and again when the therapist changes it', async () => {
    const { server, therapist, client, problems } = people();
    const url = server.url;
    onTestFailed(() => console.error(`server output (last lines):\n${server.output().slice(-6_000)}`));

    await signUp(therapist, url, DANA);
    expect(await accessibilityProblems(therapist)).toEqual([]); // the workspace list, empty
    const title = 'Sam — our work';
    const workspaceId = await createWorkspace(therapist, url, title);

    // The therapist fills in the template before inviting.
    await openTab(therapist, 'How we work');
    const editor = therapist.getByRole('textbox', { name: 'How we work', exact: true });
    expect(await editor.inputValue()).toContain('## Confidentiality and its limits');
    await editor.fill((await editor.inputValue()).replace('[Day and time of our sessions, how long they last, and how we meet.]', 'Tuesdays at 10:00, fifty minutes, by video.'));
    await therapist.getByRole('button', { name: 'Save', exact: true }).click();
    // Three parts of the template are still in brackets: saving asks first, and still saves.
    await therapist.getByRole('button', { name: 'Save anyway' }).click();
    await therapist.getByText('Saved as version 2.').waitFor(WAIT);
    await therapist.getByText('Not joined yet', { exact: true }).waitFor(WAIT);
    expect(await accessibilityProblems(therapist)).toEqual([]);
    await shot(therapist, 'how-we-work-therapist-desktop');

    const link = await inviteLink(therapist);
    await signUp(client, url, SAM);
    await acceptInvite(client, link, title);

    // The gate: How we work, readable, and no way into the workspace yet.
    await client.getByRole('heading', { name: 'Before we start: how we work' }).waitFor(WAIT);
    await client.getByRole('heading', { name: 'Sessions', exact: true }).waitFor(WAIT);
    await client.getByText('Tuesdays at 10:00, fifty minutes, by video.').waitFor(WAIT);
    expect(await client.getByRole('listitem').filter({ hasText: 'Only the two of us can open this workspace.' }).count()).toBe(1);
    expect(await client.getByRole('tab').count()).toBe(0);
    expect(await client.getByRole('button', { name: 'Add goal' }).count()).toBe(0);
    expect(await accessibilityProblems(client)).toEqual([]);
    await shot(client, 'onboarding-client-desktop');

    // Opening too early explains what is missing; so does a missing choice.
    await client.getByRole('button', { name: 'Open the workspace' }).click();
    await client.getByText('Please read How we work and press “I have read this” first.').waitFor(WAIT);
    await client.getByRole('button', { name: 'I have read this' }).click();
    await client.getByText('You have read this.').waitFor(WAIT);
    await client.getByRole('button', { name: 'Open the workspace' }).click();
    await client.getByText('Choose one of the three. You can change it later.').waitFor(WAIT);
    expect(await client.getByRole('tab').count()).toBe(0);
    // The server holds the same line: the client's reload still shows the gate.
    await client.reload();
    await client.getByRole('heading', { name: 'Before we start: how we work' }).waitFor(WAIT);

    await passOnboarding(client, 'We decide together');
    await client.getByText('Decisions, as you would like them:').waitFor(WAIT);
    await client.getByRole('button', { name: 'Add goal' }).waitFor(WAIT);

    // The therapist sees it read, and the choice.
    await therapist.getByText('With Sam Rivera, your client').waitFor(WAIT);
    await openTab(therapist, 'How we work');
    await therapist.getByText(/^Read version 2/).waitFor(WAIT);
    await therapist.getByText('We decide together').first().waitFor(WAIT);

    // The client can change their mind later.
    await openTab(client, 'How we work');
    await client.getByRole('radio', { name: 'I decide' }).check();
    await client.getByRole('button', { name: 'Save my choice' }).click();
    await client.getByText('Saved. Dana Whitfield can see your choice.').waitFor(WAIT);
    expect(await accessibilityProblems(client)).toEqual([]);
    const terms = await api<{ decisionPreference: string }>(client, 'GET', `/api/workspaces/${workspaceId}/terms`);
    expect(terms.body.decisionPreference).toBe('client');

    // The therapist changes How we work: the client reads it again the next time they open the workspace.
    const therapistEditor = therapist.getByRole('textbox', { name: 'How we work', exact: true });
    await therapistEditor.fill(`${await therapistEditor.inputValue()}\n## Holidays\nI will tell you about breaks a month ahead.`);
    await therapist.getByRole('button', { name: 'Save', exact: true }).click();
    await therapist.getByRole('button', { name: 'Save anyway' }).click();
    await therapist.getByText('Saved as version 3.').waitFor(WAIT);
    await therapist.getByText('Not yet read this version', { exact: true }).waitFor(WAIT);

    // (The client's open page carries on; the next time they open the workspace, here a reload, asks.)
    await client.reload();
    await client.getByRole('heading', { name: 'How we work has changed' }).waitFor(WAIT);
    await client.getByText('I will tell you about breaks a month ahead.').waitFor(WAIT);
    expect(await client.getByRole('tab').count()).toBe(0);
    await shot(client, 'onboarding-changed-desktop');
    await client.getByRole('button', { name: 'I have read this' }).click();
    // The choice was made already, so reading is all it takes.
    await client.getByRole('tab', { name: 'Roadmap' }).waitFor(WAIT);
    await therapist.getByText(/^Read version 3/).waitFor(WAIT);
    expect(problems).toEqual([]);
  }, 240_000);
});
