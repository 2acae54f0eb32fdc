import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { startBrowserRun, watchPage, type BrowserRun } from './browser.js';

/** Helpers for browser tests that need a therapist and a client in one workspace. */

export const WAIT = { timeout: 20_000 } as const;

export interface Person {
  name: string;
  email: string;
  password: string;
}

export const DANA: Person = { name: 'Dana Whitfield', email: 'dana@example.com', password: 'a calm long password' };
export const SAM: Person = { name: 'Sam Rivera', email: 'sam@example.com', password: 'another long password' };

export const DESKTOP = { viewport: { width: 1280, height: 860 } } as const;
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } as const;

/** A screen to open pages on: its size, and for a phone its touch and pixel density. */
export interface ScreenSize {
  viewport: { width: number; height: number };
  deviceScaleFactor?: number;
  isMobile?: boolean;
  hasTouch?: boolean;
}

/** A browser context of one size and colour scheme, with clipboard access to the app. */
export async function newContext(browser: Browser, url: string, size: ScreenSize, colorScheme: 'light' | 'dark' = 'light'): Promise<BrowserContext> {
  // Reduced motion: no colour is caught half-way through a transition when axe measures contrast.
  const context = await browser.newContext({ ...size, colorScheme, reducedMotion: 'reduce' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
  return context;
}

export async function signUp(page: Page, url: string, person: Person): Promise<void> {
  await page.goto(`${url}/signup`);
  await page.getByLabel('Name', { exact: true }).fill(person.name);
  await page.getByLabel('Email', { exact: true }).fill(person.email);
  await page.getByLabel('Password', { exact: true }).fill(person.password);
  await page.getByRole('button', { name: 'Sign up', exact: true }).click();
  await page.getByRole('heading', { name: `Hello, ${person.name}` }).waitFor(WAIT);
}

/** The therapist creates a workspace; returns its id. */
export async function createWorkspace(therapist: Page, url: string, title: string): Promise<string> {
  await therapist.goto(`${url}/`);
  await therapist.getByLabel('Workspace title', { exact: true }).fill(title);
  await therapist.getByRole('button', { name: 'Create workspace' }).click();
  await therapist.getByRole('heading', { name: title, level: 1 }).waitFor(WAIT);
  const id = new URL(therapist.url()).pathname.split('/').pop();
  if (!id) throw new Error('no workspace id in the address');
  return id;
}

/** The therapist's invite link for the open workspace. */
export async function inviteLink(therapist: Page): Promise<string> {
  await therapist.getByRole('button', { name: 'Copy invite link' }).click();
  const field = therapist.getByLabel('Invite link', { exact: true });
  await field.waitFor(WAIT);
  return field.inputValue();
}

/** The (signed-in) client accepts the invite and lands on the workspace's first page. */
export async function acceptInvite(client: Page, link: string, title: string): Promise<void> {
  await client.goto(link);
  await client.getByRole('button', { name: 'Accept invitation' }).click();
  await client.getByRole('heading', { name: title, level: 1 }).waitFor(WAIT);
}

/**
 * Dana signs up and makes a workspace; Sam signs up, accepts her invite and passes How we
 * work, until Dana's page shows him. Returns the workspace's id.
 */
export async function startWorkspaceTogether(therapist: Page, client: Page, url: string, title: string): Promise<string> {
  await signUp(therapist, url, DANA);
  const workspaceId = await createWorkspace(therapist, url, title);
  const link = await inviteLink(therapist);
  await signUp(client, url, SAM);
  await acceptInvite(client, link, title);
  await passOnboarding(client, 'We decide together');
  await therapist.getByText('With Sam Rivera, your client').waitFor(WAIT);
  return workspaceId;
}

/** The app, and the therapist and the client of one workspace in it, once the hooks of `twoPeopleTogether` have run. */
export interface Together {
  run: BrowserRun;
  /** The therapist's page, on a laptop. */
  therapist: Page;
  /** The client's page, on a phone. */
  client: Page;
  workspaceId: string;
  /** Uncaught errors and unexpected console errors of either page. */
  problems: string[];
}

/**
 * Registers the hooks of a browser test file where a therapist (on a laptop) and a client (on a
 * phone) share a new workspace named `title`: the app and Chromium start before its tests and
 * stop after them. The fields are there once the tests run.
 */
export function twoPeopleTogether(title: string): Together {
  const together = { problems: [] as string[] } as Together;
  const contexts: BrowserContext[] = [];
  const open = async (who: string, size: ScreenSize): Promise<Page> => {
    const context = await newContext(together.run.browser, together.run.server.url, size);
    contexts.push(context);
    const page = await context.newPage();
    watchPage(page, together.problems, who);
    return page;
  };
  beforeAll(async () => {
    together.run = await startBrowserRun();
    together.therapist = await open('therapist', DESKTOP);
    together.client = await open('client', PHONE);
    together.workspaceId = await startWorkspaceTogether(together.therapist, together.client, together.run.server.url, title);
  }, 240_000);
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await together.run?.stop();
  }, 60_000);
  return together;
}

/** Adds a goal with this title on the roadmap and waits until it is saved. */
export async function addGoal(page: Page, title: string): Promise<void> {
  await page.getByRole('button', { name: 'Add goal', exact: true }).click();
  await page.keyboard.type(title, { delay: 10 });
  await saved(page);
}

/**
 * The client reads "How we work", says they have, chooses how decisions are made, and opens
 * the workspace (the onboarding gate every client passes first).
 */
export async function passOnboarding(client: Page, preference = 'We decide together'): Promise<void> {
  const read = client.getByText('You have read this.');
  const readButton = client.getByRole('button', { name: 'I have read this' });
  await readButton.or(read).first().waitFor(WAIT);
  if (await readButton.isVisible()) await readButton.click();
  await read.waitFor(WAIT);
  const choice = client.getByRole('radio', { name: preference });
  if (!(await choice.isChecked())) await choice.check();
  await client.getByRole('button', { name: 'Open the workspace' }).click();
  await client.getByRole('tab', { name: 'Roadmap' }).waitFor(WAIT);
}

/** Opens a tab of the workspace (Roadmap, Feedback, How we work, Access log). */
export async function openTab(page: Page, name: string): Promise<void> {
  const tab = page.getByRole('tab', { name, exact: true });
  await tab.click();
  await expect.poll(() => tab.getAttribute('aria-selected'), WAIT).toBe('true');
}

/** Waits until every edit on the page is confirmed as stored. */
export async function saved(page: Page): Promise<void> {
  await expect.poll(() => page.locator('.save-indicator').getAttribute('data-status'), WAIT).toBe('saved');
}

/** A JSON API call with the page's session cookie. */
export async function api<T>(page: Page, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await page.request.fetch(new URL(path, page.url()).toString(), { method, ...(body === undefined ? {} : { data: body }) });
  return { status: response.status(), body: (await response.json().catch(() => null)) as T };
}

/** Clicks a download link and reads the file the browser saved, with the name it suggested. */
export async function download(page: Page, name: string): Promise<{ filename: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download', WAIT), page.getByRole('link', { name }).click()]);
  const path = await file.path();
  return { filename: file.suggestedFilename(), text: await readFile(path, 'utf8') };
}
