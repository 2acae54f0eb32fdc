import { type WorkspaceExport, workspaceExportSchema } from '@alliance/shared';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it, onTestFailed } from 'vitest';
import { accessibilityProblems, shot } from './browser.js';
import { download, openTab, saved, twoPeopleTogether, WAIT } from './people.js';

const column = (page: Page, label: string): Locator => page.getByRole('region', { name: new RegExp(`^${label}`) });

describe('taking a copy of the workspace', () => {
  const together = twoPeopleTogether('Sam — our roadmap');

  it('gives the client every part of the workspace as Markdown and as valid JSON, and the therapist the same without the client’s drafts', async () => {
    const { run, therapist, client, problems } = together;
    const output = run.server.output;
    onTestFailed(async () => {
      console.error(`server output (last lines):\n${output().slice(-6_000)}`);
      await shot(client, 'export-failed-client').catch(() => {});
    });

    // A goal, a session, a shared card and a private draft.
    await openTab(client, 'Roadmap');
    await client.getByRole('button', { name: 'Add goal', exact: true }).click();
    await client.keyboard.type('Sleep better', { delay: 10 });
    await saved(client);
    await therapist.getByRole('button', { name: 'Start session' }).click();
    await therapist.getByRole('status').filter({ hasText: 'In session' }).waitFor(WAIT);
    await therapist.getByRole('button', { name: 'End session' }).click();
    await therapist.getByRole('group', { name: /^End this session\?/ }).getByRole('button', { name: 'End session' }).click();
    await therapist.getByText(/^Session 1 has ended\./).waitFor(WAIT);
    await openTab(client, 'Feedback');
    await column(client, 'What is working').getByRole('button', { name: 'Add card' }).click();
    await client.keyboard.type('The breathing exercise helps', { delay: 10 });
    await column(client, 'What is working').getByRole('button', { name: 'Share now' }).click();
    await column(client, 'What I would change').getByRole('button', { name: 'Add card' }).click();
    await client.keyboard.type('A private worry about the cost', { delay: 10 });
    await column(client, 'What I would change').getByRole('button', { name: 'Keep as private draft' }).click();
    await client.getByText('Kept as a private draft. Only you can see it.').waitFor(WAIT);
    await saved(client);

    // The client's copy, on a phone.
    await openTab(client, 'Versions');
    const panel = client.getByRole('region', { name: 'Take a copy with you' });
    await panel.scrollIntoViewIfNeeded();
    await panel.getByText('your private drafts').waitFor(WAIT);
    expect(await accessibilityProblems(client)).toEqual([]);
    await shot(client, 'export-phone');

    const json = await download(client, 'Download JSON');
    expect(json.filename).toMatch(/^alliance-sam-our-roadmap-\d{4}-\d\d-\d\d\.json$/);
    const mine: WorkspaceExport = workspaceExportSchema.parse(JSON.parse(json.text));
    expect(mine.role).toBe('client');
    expect(mine.roadmap.goals.map((goal) => goal.title)).toEqual(['Sleep better']);
    expect(mine.board.cards.map((card) => card.text)).toEqual(['The breathing exercise helps']);
    expect(mine.drafts?.cards.map((card) => card.text)).toEqual(['A private worry about the cost']);
    expect(mine.versions.roadmap.some((version) => version.kind === 'session' && version.label?.startsWith('Session 1'))).toBe(true);
    expect(mine.history.roadmap.changes.some((change) => change.actor.kind === 'member' && change.actor.name === 'Sam Rivera')).toBe(true);
    expect(mine.sessions.map((session) => session.number)).toEqual([1]);
    expect(mine.decisionPreference?.preference).toBe('together');
    expect(mine.terms.acknowledgements.client).toBeDefined();
    expect(mine.accessLog.length).toBeGreaterThan(0);

    const markdown = await download(client, 'Download Markdown');
    expect(markdown.filename).toMatch(/\.md$/);
    for (const heading of ['# Sam — our roadmap', '## Roadmap', '### Sleep better', '## Feedback board', '## My private drafts', '## Versions', '## Changes', '## How we work', '## How decisions are made', '## Sessions', '## Access log']) {
      expect(markdown.text).toContain(`${heading}\n`);
    }
    expect(markdown.text).toContain('- The breathing exercise helps');
    expect(markdown.text).toContain('- A private worry about the cost');
    expect(markdown.text).toContain('We decide together');

    // The therapist's copy: everything they can see, nothing of the drafts.
    await openTab(therapist, 'Versions');
    const theirPanel = therapist.getByRole('region', { name: 'Take a copy with you' });
    await theirPanel.getByText('The client’s private drafts are never in your copy.').waitFor(WAIT);
    expect(await accessibilityProblems(therapist)).toEqual([]);
    await shot(therapist, 'export-desktop');
    const theirs = workspaceExportSchema.parse(JSON.parse((await download(therapist, 'Download JSON')).text));
    expect(theirs.role).toBe('therapist');
    expect(theirs.drafts).toBeNull();
    expect(theirs.roadmap.goals.map((goal) => goal.title)).toEqual(['Sleep better']);
    const theirMarkdown = (await download(therapist, 'Download Markdown')).text;
    expect(`${JSON.stringify(theirs)}${theirMarkdown}`).not.toContain('private worry');

    // Each download is in the access log, as the client reads it.
    await openTab(client, 'Access log');
    await client.getByText('exported the workspace as JSON').first().waitFor(WAIT);
    await client.getByText('exported the workspace as Markdown').first().waitFor(WAIT);
    expect(problems).toEqual([]);
  }, 240_000);
});
