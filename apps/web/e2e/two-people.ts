import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startBrowserRun, watchPage } from './browser.js';
import { DESKTOP, newContext, type PHONE } from './people.js';
import type { ServerProcess } from './server-process.js';

/** A test file's two people: the app built and served, one Chromium page each. */
export interface TwoPeople {
  server: ServerProcess;
  browser: Browser;
  therapist: Page;
  client: Page;
  /** Console errors and failed requests seen on either page. */
  problems: string[];
  /** Closes the pages, the browser and the server. */
  stop(): Promise<void>;
}

/** Starts the app and opens a page for the therapist and one for the client (for `beforeAll`). */
export async function startTwoPeople(size: typeof DESKTOP | typeof PHONE = DESKTOP): Promise<TwoPeople> {
  const run = await startBrowserRun();
  const problems: string[] = [];
  try {
    const pages: Page[] = [];
    for (const who of ['therapist', 'client'] as const) {
      const context = await newContext(run.browser, run.server.url, size);
      const page = await context.newPage();
      watchPage(page, problems, who);
      pages.push(page);
    }
    return {
      server: run.server,
      browser: run.browser,
      therapist: pages[0]!,
      client: pages[1]!,
      problems,
      stop: async () => {
        for (const page of pages) await page.context().close().catch(() => {});
        await run.stop();
      },
    };
  } catch (error) {
    await run.stop();
    throw error;
  }
}

/**
 * The two people for a `describe` block: started before its tests, stopped after them. The
 * returned function gives them to a test (or to a later `beforeAll`).
 */
export function twoPeopleForBlock(size: typeof DESKTOP | typeof PHONE = DESKTOP): () => TwoPeople {
  let people: TwoPeople | undefined;
  beforeAll(async () => {
    people = await startTwoPeople(size);
  }, 240_000);
  afterAll(async () => {
    await people?.stop();
  }, 60_000);
  return () => {
    if (!people) throw new Error('the app and the browser did not start');
    return people;
  };
}
