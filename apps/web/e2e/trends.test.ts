import { join } from 'node:path';
import type { CheckinsDto } from '@alliance/shared';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it, onTestFailed } from 'vitest';
import { accessibilityProblems, artifacts, shot } from './browser.js';
import { api, DESKTOP, openTab, PHONE, twoPeopleTogether, WAIT } from './people.js';

const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);

/** Moves a 0–10 slider to `value` with the keyboard, from where it is. */
async function slide(slider: Locator, value: number): Promise<void> {
  await slider.focus();
  const from = Number(await slider.inputValue());
  for (let step = from; step !== value; step += value > from ? 1 : -1) await slider.press(value > from ? 'ArrowRight' : 'ArrowLeft');
  await expect.poll(() => slider.inputValue(), WAIT).toBe(String(value));
}

/** The chart with this title, on the Trends tab. */
const chart = (page: Page, title: string) => page.getByRole('figure', { name: title, exact: true });

describe('after-session check-ins and the trends', () => {
  const together = twoPeopleTogether('Sam — trends');

  it('the client answers the check-in after a session, both see the trend, the therapist without a trend-only note, and a life event goes beside it', async () => {
    const { run, therapist, client, workspaceId, problems } = together;
    const output = run.server.output;
    onTestFailed(() => console.error(`server output (last lines):\n${output().slice(-6_000)}`));

    await therapist.getByRole('button', { name: 'Start session' }).click();
    await therapist.getByText('In session').first().waitFor(WAIT);
    await therapist.getByRole('button', { name: 'End session' }).click();
    await therapist.getByRole('group', { name: /^End this session\?/ }).getByRole('button', { name: 'End session' }).click();
    await therapist.getByText(/^Session 1 has ended/).waitFor(WAIT);

    // The client is offered the check-in, on a phone, with keyboard-usable sliders and choices.
    const question = client.getByRole('region', { name: 'How was today’s session?' });
    await question.waitFor({ timeout: 30_000 });
    const form = question.getByRole('form', { name: 'Check-in for session 1' });
    await form.waitFor(WAIT);
    await slide(form.getByRole('slider', { name: 'I felt heard and respected' }), 8);
    await slide(form.getByRole('slider', { name: 'We worked on what I wanted' }), 6);
    await slide(form.getByRole('slider', { name: 'The way we work fits me' }), 7);
    await slide(form.getByRole('slider', { name: 'Overall, today was' }), 7);
    expect(await form.getByRole('slider', { name: 'Overall, today was' }).getAttribute('aria-valuetext')).toBe('7 of 10');
    await form.getByRole('group', { name: 'Who steered today?' }).getByRole('radio', { name: 'Mostly my therapist' }).check();
    await form.getByRole('group', { name: 'Was I offered choices?' }).getByRole('radio', { name: 'Some' }).check();
    await form.getByLabel(/^Anything you want to add\?/).fill('I felt rushed at the end');
    const visibility = form.getByRole('group', { name: 'When does your therapist see this?' });
    await visibility.getByText('Your therapist sees only the numbers, as part of the trend over sessions. Your note stays with you.').waitFor(WAIT);
    await visibility.getByRole('radio', { name: /^Only in the trend/ }).check();
    await form.getByText('With “Only in the trend”, your therapist never sees this note.').waitFor(WAIT);
    expect(await fitsWidth(client)).toBe(true);
    expect(await accessibilityProblems(client)).toEqual([]);
    await question.screenshot({ path: join(artifacts, 'checkin-phone.png') });
    await client.setViewportSize(DESKTOP.viewport);
    await question.screenshot({ path: join(artifacts, 'checkin-desktop.png') });
    await client.setViewportSize(PHONE.viewport);
    await form.getByRole('button', { name: 'Send my check-in' }).click();
    await question.getByText('Thank you. Your check-in for session 1 is saved.').waitFor(WAIT);
    await question.getByText('I felt rushed at the end').waitFor(WAIT);

    // Put aside, the check-in waits under Trends, where the answer can still be changed.
    await question.getByRole('button', { name: 'Close' }).click();
    expect(await question.count()).toBe(0);
    await openTab(client, 'Trends');
    await client.getByText('Process feedback — not a validated measure').first().waitFor(WAIT);
    await client.getByRole('button', { name: 'Change your answer for session 1' }).click();
    await client.getByRole('button', { name: 'Change my answer' }).click();
    const change = client.getByRole('form', { name: 'Your check-in for session 1' });
    await slide(change.getByRole('slider', { name: 'Overall, today was' }), 8);
    await change.getByRole('button', { name: 'Save my changes' }).click();
    await client.getByText('Thank you. Your check-in for session 1 is saved.').waitFor(WAIT);
    await chart(client, 'Overall').getByText('Overall: 8 of 10 at session 1, the only check-in so far.').waitFor(WAIT);
    await chart(client, 'All four together').getByText('All four together: 29 of 40 at session 1').waitFor(WAIT);
    await chart(client, 'Who steered, and who would like to').getByText(/“Mostly my therapist” at session 1, against the preferred “We decide together” \(Shared\): 1 step more led by your therapist than you would like\./).waitFor(WAIT);

    // The therapist sees the numbers of a trend-only check-in, never its note.
    await openTab(therapist, 'Trends');
    // Their first look at the check-ins: the one the client answered is new to them.
    await therapist.getByText('Since you last looked: the check-in for session 1.').waitFor(WAIT);
    const steering = chart(therapist, 'Who steered, and who would like to');
    await steering.getByText(/1 step more led by you than your client would like\./).waitFor(WAIT);
    await chart(therapist, 'Heard and respected').getByText('Heard and respected: 8 of 10 at session 1, the only check-in so far.').waitFor(WAIT);
    expect(await therapist.getByText('I felt rushed at the end').count()).toBe(0);
    const seen = await api<CheckinsDto>(therapist, 'GET', `/api/workspaces/${workspaceId}/checkins`);
    expect(seen.body.checkins.map((checkin) => [checkin.sessionNumber, checkin.note, checkin.items.overall])).toEqual([[1, null, 8]]);
    // Every chart has its numbers as a table too.
    await steering.getByRole('button', { name: 'Show as a table' }).click();
    const table = steering.getByRole('table', { name: 'Who steered, by session' });
    await table.getByRole('cell', { name: 'Mostly my therapist' }).waitFor(WAIT);
    await table.getByRole('cell', { name: '1 step more led by you than your client would like' }).waitFor(WAIT);

    // A life event beside the trend, written by the therapist, read by both.
    await therapist.getByLabel('Note', { exact: true }).fill('Exam week');
    await therapist.getByRole('button', { name: 'Add the note' }).click();
    const notes = (page: Page) => page.getByRole('region', { name: 'Life around the sessions' });
    await notes(therapist).getByText('Exam week', { exact: true }).waitFor(WAIT);
    await table.getByRole('cell', { name: 'Exam week' }).waitFor(WAIT);
    await notes(client).getByText('Exam week', { exact: true }).waitFor(WAIT);
    await notes(client).getByText('your therapist', { exact: true }).waitFor(WAIT);
    expect(await notes(client).getByRole('button', { name: /^Remove/ }).count()).toBe(0);
    await chart(client, 'Overall').getByRole('button', { name: 'Show as a table' }).click();
    await chart(client, 'Overall').getByRole('cell', { name: 'Exam week' }).waitFor(WAIT);

    // A few more sessions, answered straight away, draw the trend out.
    const later = [
      { items: { heard: 6, wanted: 5, fit: 6, overall: 5 }, steering: -2, choicesOffered: 'no' },
      { items: { heard: 8, wanted: 8, fit: 7, overall: 8 }, steering: 0, choicesOffered: 'some' },
      { items: { heard: 9, wanted: 8, fit: 9, overall: 9 }, steering: 1, choicesOffered: 'yes' },
    ];
    for (const answers of later) {
      const session = await api<{ id: string }>(therapist, 'POST', `/api/workspaces/${workspaceId}/sessions`);
      expect((await api(therapist, 'POST', `/api/workspaces/${workspaceId}/sessions/current/end`, {})).status).toBe(200);
      expect((await api(client, 'POST', `/api/workspaces/${workspaceId}/checkins`, { sessionId: session.body.id, ...answers, visibility: 'now' })).status).toBe(201);
    }
    for (const page of [therapist, client]) await chart(page, 'Overall').getByText('Overall: 9 of 10 at session 4, up from 8 at session 1; between 5 and 9 over 4 check-ins.').waitFor(WAIT);
    await steering.getByText(/“Mostly me” at session 4, against the preferred “We decide together” \(Shared\): 1 step more led by your client than they would like\./).waitFor(WAIT);

    for (const page of [therapist, client]) expect(await accessibilityProblems(page)).toEqual([]);
    expect(await fitsWidth(client)).toBe(true);
    await shot(therapist, 'trends-desktop');
    await shot(client, 'trends-phone');

    // The closing review looks back with the same charts.
    await openTab(therapist, 'Closing review');
    await therapist.getByRole('button', { name: 'Open the closing review' }).click();
    await chart(therapist, 'All four together').getByText('All four together: 35 of 40 at session 4, up from 29 at session 1; between 22 and 35 over 4 check-ins.').waitFor(WAIT);
    await therapist.locator('.closing__trend-notes').getByText('Exam week').waitFor(WAIT);
    expect(await accessibilityProblems(therapist)).toEqual([]);
    await shot(therapist, 'closing-trends-desktop');
    expect(problems).toEqual([]);
  }, 240_000);
});
