import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { accessibilityProblems, shot, startBrowserRun, watchPage, type BrowserRun } from './browser.js';
import { createWorkspace, DANA, DESKTOP, newContext, PHONE, signUp, WAIT } from './people.js';

/** The narrowest phone the app is made for. */
const NARROW_PHONE = { width: 360, height: 740 };

async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
}

async function logIn(page: Page, password: string): Promise<void> {
  await page.getByLabel('Email', { exact: true }).fill(DANA.email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
}

describe('the account page', () => {
  let run: BrowserRun;
  let phone: Page;
  let laptop: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    run = await startBrowserRun();
    phone = await (await newContext(run.browser, run.server.url, PHONE)).newPage();
    await phone.setViewportSize(NARROW_PHONE);
    laptop = await (await newContext(run.browser, run.server.url, DESKTOP)).newPage();
    watchPage(phone, problems, 'phone');
    watchPage(laptop, problems, 'laptop');
  }, 240_000);
  afterAll(async () => {
    await run?.stop();
  }, 60_000);

  it('changes the password and logs out everywhere; the other browser is told its session ended and gets back to where it was', async () => {
    onTestFailed(() => console.error(`server output (last lines):\n${run.server.output().slice(-6_000)}`));
    const url = run.server.url;
    await signUp(phone, url, DANA);

    // The laptop: the same person, a workspace open.
    await laptop.goto(`${url}/login`);
    await logIn(laptop, DANA.password);
    await laptop.getByRole('heading', { name: `Hello, ${DANA.name}` }).waitFor(WAIT);
    const title = 'Sam — our roadmap';
    const workspaceId = await createWorkspace(laptop, url, title);
    await laptop.getByRole('tab', { name: 'Roadmap' }).waitFor(WAIT);

    // The phone: from the header to the account page.
    await phone.getByRole('link', { name: `${DANA.name}, your account` }).click();
    await phone.getByRole('heading', { name: 'Your account', level: 1 }).waitFor(WAIT);
    expect(await fitsWidth(phone)).toBe(true);
    expect(await accessibilityProblems(phone)).toEqual([]);
    await shot(phone, 'account-phone-360');

    // A wrong current password is refused, next to the field.
    const current = phone.getByLabel('Current password', { exact: true });
    const next = phone.getByLabel('New password', { exact: true });
    await current.fill('not my password');
    await next.fill('a new calm long password');
    await phone.getByRole('button', { name: 'Change password' }).click();
    await phone.getByText('That is not your current password.').waitFor(WAIT);
    expect(await current.getAttribute('aria-invalid')).toBe('true');
    expect(await current.evaluate((element) => element === document.activeElement)).toBe(true);
    expect(await fitsWidth(phone)).toBe(true);
    await shot(phone, 'account-wrong-password-phone-360');

    // The right one: this phone stays logged in, the laptop's session ends.
    await current.fill(DANA.password);
    await next.fill('a new calm long password');
    await phone.getByRole('button', { name: 'Change password' }).click();
    await phone.getByRole('status').filter({ hasText: 'Your password is changed.' }).waitFor(WAIT);
    expect(await accessibilityProblems(phone)).toEqual([]);
    await shot(phone, 'account-password-changed-phone-360');

    const ended = laptop.getByText('Your session has ended. Log in again to keep working.');
    await ended.waitFor({ timeout: 30_000 });
    await expect.poll(() => new URL(laptop.url()).pathname, WAIT).toBe(`/w/${workspaceId}`);
    await shot(laptop, 'session-ended-desktop');
    await logIn(laptop, DANA.password);
    await laptop.getByText('Wrong email or password.').waitFor(WAIT);
    await logIn(laptop, 'a new calm long password');
    // Back where it was.
    await laptop.getByRole('heading', { name: title, level: 1 }).waitFor(WAIT);
    await laptop.getByRole('tab', { name: 'Roadmap' }).waitFor(WAIT);

    // Log out everywhere, from the phone, after a confirmation.
    await phone.getByRole('button', { name: 'Log out everywhere' }).click();
    const question = phone.getByRole('group', { name: /^Log out everywhere\?/ });
    await question.waitFor(WAIT);
    expect(await fitsWidth(phone)).toBe(true);
    await phone.emulateMedia({ colorScheme: 'dark' });
    await phone.waitForTimeout(300);
    expect(await accessibilityProblems(phone)).toEqual([]);
    await shot(phone, 'account-log-out-everywhere-phone-360-dark');
    await phone.emulateMedia({ colorScheme: 'light' });
    await question.getByRole('button', { name: 'Log out everywhere' }).click();
    await phone.getByText('You are logged out on every device, this one included.').waitFor(WAIT);
    // The login page shows first; its address follows a moment later.
    await expect.poll(() => new URL(phone.url()).pathname, WAIT).toBe('/login');
    await shot(phone, 'logged-out-everywhere-phone-360');
    await ended.waitFor({ timeout: 30_000 });

    // The person's own refused attempt is the only error either page printed.
    expect(problems.filter((problem) => !/status of 403/.test(problem))).toEqual([]);
  }, 240_000);
});
