import type { Page, Request } from 'playwright-core';
import { describe, expect, it, onTestFailed } from 'vitest';
import { accessibilityProblems, shot } from './browser.js';
import { api, newContext, openTab, SAM, saved, startWorkspaceTogether, WAIT } from './people.js';
import { twoPeopleForBlock } from './two-people.js';

/** The lines of the access log on the page, as read. */
const logLines = (page: Page): Promise<string[]> => page.locator('.access-log__line').evaluateAll((lines) => lines.map((line) => (line.textContent ?? '').replace(/\s+/g, ' ').trim()));

/** A phone narrower than the one of the other browser tests: 360 px is the common small Android. */
const SMALL_PHONE = { viewport: { width: 360, height: 780 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } as const;

describe('the access log', () => {
  const people = twoPeopleForBlock();

  it('shows what each person did, grouped, keeps the client’s drafts from the therapist, and refreshes without writing a look', async () => {
    const { server, therapist, client, problems, browser } = people();
    onTestFailed(() => console.error(`server output (last lines):\n${server.output().slice(-6_000)}`));
    const url = server.url;
    const workspaceId = await startWorkspaceTogether(therapist, client, url, 'Sam — our roadmap');

    // Both write in the roadmap; the client keeps a private draft on the board.
    await therapist.getByRole('button', { name: 'Add goal', exact: true }).click();
    await therapist.keyboard.type('Sleep better', { delay: 12 });
    const clientGoal = client.getByRole('article', { name: 'Goal 1', exact: true });
    await clientGoal.getByRole('textbox', { name: 'Why this matters to me' }).click();
    await client.keyboard.type('Calmer mornings', { delay: 12 });
    await openTab(client, 'Feedback');
    const change = client.getByRole('region', { name: /^What I would change/ });
    await change.getByRole('button', { name: 'Add card' }).click();
    await client.keyboard.type('Not ready to say this yet', { delay: 12 });
    await change.getByRole('button', { name: 'Keep as private draft' }).click();
    await client.getByText('Kept as a private draft. Only you can see it.').waitFor(WAIT);
    await saved(client);
    await saved(therapist);

    // The therapist starts a session: the client's page hears of it and refreshes what it
    // shows, telling the server so.
    const refreshes: string[] = [];
    const onRequest = (request: Request) => {
      if (request.headers()['alliance-read'] === 'refresh') refreshes.push(new URL(request.url()).pathname);
    };
    client.on('request', onRequest);
    await therapist.getByRole('button', { name: 'Start session' }).click();
    await client.getByRole('status').filter({ hasText: 'In session' }).waitFor(WAIT);
    await expect.poll(() => refreshes, WAIT).toEqual(expect.arrayContaining([`/api/workspaces/${workspaceId}`, `/api/workspaces/${workspaceId}/terms`]));
    client.off('request', onRequest);
    const recorded = await api<{ action: string; userName: string }[]>(therapist, 'GET', `/api/workspaces/${workspaceId}/audit`);
    const clientLooks = recorded.body.filter((event) => event.userName === SAM.name && ['workspace.view', 'terms.view'].includes(event.action));
    expect(clientLooks.map((event) => event.action).sort()).toEqual(['terms.view', 'workspace.view']);

    // The therapist exports the workspace, then reads the log.
    expect((await therapist.request.get(`${url}/api/workspaces/${workspaceId}/export?format=md`)).status()).toBe(200);
    await openTab(therapist, 'Access log');
    await therapist.locator('.access-log__line').first().waitFor(WAIT);
    const therapistLines = await logLines(therapist);
    expect(therapistLines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^You exported the workspace as Markdown/),
        expect.stringMatching(/^You started session 1/),
        expect.stringMatching(/^Sam Rivera edited the roadmap — \d+ changes/),
        expect.stringMatching(/^You edited the roadmap — \d+ changes/),
        expect.stringMatching(/^Sam Rivera opened the roadmap, the feedback board and How we work/),
        expect.stringMatching(/^Sam Rivera joined the workspace/),
      ]),
    );
    expect(therapistLines.join('\n')).not.toMatch(/draft/i);
    expect(await accessibilityProblems(therapist)).toEqual([]);
    await shot(therapist, 'access-log-therapist-desktop');

    await openTab(client, 'Access log');
    await client.locator('.access-log__line').first().waitFor(WAIT);
    expect(await logLines(client)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Dana Whitfield exported the workspace as Markdown/),
        expect.stringMatching(/^You edited your private drafts — \d+ changes?/),
        expect.stringMatching(/^You opened the roadmap, the feedback board, your private drafts, How we work and this access log/),
      ]),
    );

    // The client's log on a small phone.
    const phone = await newContext(browser, url, SMALL_PHONE);
    try {
      await phone.addCookies(await client.context().cookies());
      const page = await phone.newPage();
      await page.goto(`${url}/w/${workspaceId}?view=access`);
      await page.locator('.access-log__line').first().waitFor(WAIT);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
      expect(await accessibilityProblems(page)).toEqual([]);
      await shot(page, 'access-log-client-phone-360');
    } finally {
      await phone.close();
    }

    // A long log comes a page at a time, the oldest entries behind "Show older".
    for (let i = 0; i < 50; i += 1) expect((await therapist.request.get(`${url}/api/workspaces/${workspaceId}/export?format=json`)).status()).toBe(200);
    await therapist.getByRole('button', { name: 'Refresh' }).click();
    const older = therapist.getByRole('button', { name: 'Show older' });
    await older.waitFor(WAIT);
    const created = therapist.locator('.access-log__line').filter({ hasText: 'You created the workspace' });
    expect(await created.count()).toBe(0);
    await older.click();
    await created.waitFor(WAIT);
    expect(await older.count()).toBe(0);
    const lines = await logLines(therapist);
    expect(lines.filter((line) => line.startsWith('You exported the workspace as JSON'))).toHaveLength(50);
    expect(lines.length).toBeGreaterThan(55);
    expect(problems).toEqual([]);
  }, 240_000);
});
