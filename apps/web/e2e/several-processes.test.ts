import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { buildForProduction, launchChromium, shot, watchPage } from './browser.js';
import { acceptInvite, addGoal, createWorkspace, DANA, DESKTOP, inviteLink, newContext, passOnboarding, SAM, saved, signUp, WAIT } from './people.js';
import { sharedPostgres, startServerProcess, type ServerProcess, type SharedDatabase } from './server-process.js';

const goal = (page: Page, title: string) => page.locator('.goal-card').filter({ hasText: title });

/**
 * Two server processes on one Postgres and one Redis, as behind a load balancer: the therapist's
 * browser talks to one, the client's to the other (each by its own address, so nothing decides
 * for them), and they work on one roadmap together.
 */
describe('therapist and client on two server processes', () => {
  const webDist = mkdtempSync(join(tmpdir(), 'alliance-web-'));
  let database: SharedDatabase;
  let first: ServerProcess;
  let second: ServerProcess;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await buildForProduction(webDist);
    database = await sharedPostgres();
    const redis = { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: `alliance-e2e-${randomBytes(4).toString('hex')}` };
    // One after the other: the first migrates the new database.
    first = await startServerProcess(webDist, { shared: database, redis });
    second = await startServerProcess(webDist, { shared: database, redis });
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await first?.stop();
    await second?.stop();
    await database?.drop();
    rmSync(webDist, { recursive: true, force: true });
  }, 60_000);

  it('co-edit the roadmap live, see each other, and every edit is saved by the process that owns it', async () => {
    onTestFailed(() => console.error(`first server:\n${first.output().slice(-4_000)}\nsecond server:\n${second.output().slice(-4_000)}`));
    const problems: string[] = [];
    // The therapist on one address, the client on another: their cookies and sockets stay apart.
    const therapistUrl = first.url;
    const clientUrl = second.url.replace('127.0.0.1', 'localhost');
    const open = async (url: string, size: typeof DESKTOP, who: string) => {
      const context = await newContext(browser, url, size);
      contexts.push(context);
      const page = await context.newPage();
      watchPage(page, problems, who);
      return page;
    };
    const therapist = await open(therapistUrl, DESKTOP, 'therapist');
    const client = await open(clientUrl, DESKTOP, 'client');

    await signUp(therapist, therapistUrl, DANA);
    const title = 'Sam — on two servers';
    await createWorkspace(therapist, therapistUrl, title);
    const link = new URL(await inviteLink(therapist));
    await signUp(client, clientUrl, SAM);
    await acceptInvite(client, `${clientUrl}${link.pathname}`, title);
    await passOnboarding(client);
    await therapist.getByText('With Sam Rivera, your client').waitFor(WAIT);

    // Each sees the other here, across the processes.
    await therapist.locator('.presence__name', { hasText: 'Sam Rivera' }).waitFor(WAIT);
    await client.locator('.presence__name', { hasText: 'Dana Whitfield' }).waitFor(WAIT);

    // The therapist's goal reaches the client's page on the other process, and back.
    await addGoal(therapist, 'Walk every evening');
    await goal(client, 'Walk every evening').waitFor(WAIT);
    await addGoal(client, 'Sleep before midnight');
    await goal(therapist, 'Sleep before midnight').waitFor(WAIT);
    await saved(client);
    await saved(therapist);
    await shot(therapist, 'two-processes-therapist-desktop');
    await shot(client, 'two-processes-client-desktop');

    // Both read the same roadmap back from either process after a reload.
    await client.reload();
    await goal(client, 'Walk every evening').waitFor(WAIT);
    await goal(client, 'Sleep before midnight').waitFor(WAIT);
    const titles = (page: Page) => page.locator('.goal-card').evaluateAll((goals) => goals.length);
    expect(await titles(client)).toBe(await titles(therapist));
    expect(problems).toEqual([]);
  }, 180_000);
});
