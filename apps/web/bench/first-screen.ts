/**
 * `npm run bench` (in apps/web, or turbo's at the root): how fast the first screen becomes
 * usable on a throttled phone.
 *
 * Builds the web app for production (or takes BENCH_WEB_DIST, e.g. an older build to compare),
 * starts the compiled server on a fresh database, and has one person add a goal. Then, in a new
 * browser context each time (nothing cached, no service worker), opens the workspace in Chromium
 * with the CPU slowed 4× and DevTools' "Slow 4G" network (562.5 ms latency, 1.44 Mbit/s down,
 * 675 kbit/s up) until the roadmap is usable: the goal's title shows in a field that takes input
 * and "Add goal" can be pressed. Prints the first screen's gzipped JavaScript, the bytes that
 * crossed the network until then, and the time, as a table and a `BENCH_JSON {…}` line.
 *
 * BENCH_RUNS: openings measured (default 3; the median is reported).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildForProduction, launchChromium } from '../e2e/browser.js';
import { firstScreenScripts } from '../e2e/first-screen.js';
import { createWorkspace, DANA, DESKTOP, PHONE, signUp } from '../e2e/people.js';
import { startServerProcess, type ServerProcess } from '../e2e/server-process.js';

const GOAL = 'Sleep before midnight on weeknights';
/** DevTools' "Slow 4G" (as Lighthouse's mobile throttling). */
const SLOW_4G = { offline: false, latency: 562.5, downloadThroughput: (1_474.56 * 1024) / 8, uploadThroughput: (675 * 1024) / 8 };
const CPU_SLOWDOWN = 4;

const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 3) || 3);
const givenDist = process.env.BENCH_WEB_DIST ? resolve(process.env.BENCH_WEB_DIST) : null;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** When each request of one opening started and finished (DevTools timestamps, seconds). */
class RequestChain {
  private readonly requests = new Map<string, { url: string; start: number | null; end: number | null; bytes: number }>();

  started(id: string, url: string | null, at: number | null): void {
    const request = this.requests.get(id) ?? { url: '', start: null, end: null, bytes: 0 };
    if (url) request.url = url;
    request.start ??= at;
    this.requests.set(id, request);
  }

  finished(id: string, at: number, bytes: number): void {
    const request = this.requests.get(id);
    if (!request) return;
    request.end = at;
    request.bytes = bytes;
  }

  /** One line per request, in the order they started: start → end, kB, path. */
  lines(): string[] {
    const requests = [...this.requests.values()].filter((request) => request.start !== null).sort((a, b) => a.start! - b.start!);
    const origin = requests[0]?.start ?? 0;
    const at = (time: number | null) => (time === null ? '   …  ' : (time - origin).toFixed(2).padStart(6));
    return requests.map((request) => {
      const { pathname, search } = new URL(request.url);
      return `${at(request.start)} → ${at(request.end)}  ${(request.bytes / 1000).toFixed(1).padStart(6)} kB  ${pathname}${search.length > 40 ? `${search.slice(0, 40)}…` : search}`;
    });
  }
}

async function main(): Promise<void> {
  const dist = givenDist ?? mkdtempSync(join(tmpdir(), 'alliance-bench-web-'));
  let server: ServerProcess | null = null;
  const browser = await launchChromium();
  try {
    if (!givenDist) await buildForProduction(dist);
    const firstScreen = firstScreenScripts(dist);
    server = await startServerProcess(dist);
    const url = server.url;

    const setup = await browser.newContext({ ...DESKTOP, serviceWorkers: 'block' });
    const page = await setup.newPage();
    await signUp(page, url, DANA);
    const workspaceUrl = `${url}/w/${await createWorkspace(page, url, 'Sam — bench')}`;
    await page.getByRole('button', { name: 'Add goal', exact: true }).click();
    await page.keyboard.type(GOAL, { delay: 5 });
    await page.locator('.save-indicator[data-status="saved"]').waitFor({ timeout: 20_000 });
    const session = await setup.storageState();
    await setup.close();

    const times: number[] = [];
    const transfers: number[] = [];
    const chains: RequestChain[] = [];
    for (let index = 0; index < runs; index++) {
      const context = await browser.newContext({ ...PHONE, serviceWorkers: 'block', storageState: session });
      const phone = await context.newPage();
      const cdp = await context.newCDPSession(phone);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
      let transferred = 0;
      let counting = true;
      const chain = new RequestChain();
      cdp.on('Network.requestWillBeSent', (event) => chain.started(event.requestId, event.request.url, event.timestamp));
      cdp.on('Network.webSocketCreated', (event) => chain.started(event.requestId, event.url, null));
      cdp.on('Network.webSocketWillSendHandshakeRequest', (event) => chain.started(event.requestId, null, event.timestamp));
      cdp.on('Network.webSocketHandshakeResponseReceived', (event) => chain.finished(event.requestId, event.timestamp, 0));
      cdp.on('Network.loadingFinished', (event) => {
        chain.finished(event.requestId, event.timestamp, event.encodedDataLength);
        if (counting) transferred += event.encodedDataLength;
      });
      cdp.on('Network.webSocketFrameReceived', (event) => {
        if (counting) transferred += event.response.payloadData.length;
      });
      const started = performance.now();
      await phone.goto(workspaceUrl, { waitUntil: 'commit' });
      await phone.waitForFunction(
        (goal) => {
          const addGoal = [...document.querySelectorAll('button')].some((button) => button.textContent?.trim() === 'Add goal' && !button.disabled);
          const fields = [...document.querySelectorAll<HTMLElement>('[role="textbox"], input, textarea')];
          const shown = fields.some((field) => (field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement ? field.value : field.textContent)?.includes(goal) && !field.matches('[aria-readonly="true"], [readonly]'));
          return addGoal && shown;
        },
        GOAL,
        { polling: 50, timeout: 120_000 },
      );
      times.push(performance.now() - started);
      counting = false;
      transfers.push(transferred);
      chains.push(chain);
      await context.close();
    }

    const results = {
      build: givenDist ?? 'this source',
      firstScreenJsKbGz: Math.round(firstScreen.gzipBytes / 100) / 10,
      firstScreenFiles: firstScreen.files.length,
      transferredKb: Math.round(median(transfers) / 100) / 10,
      timeToUsableRoadmapS: Math.round(median(times) / 10) / 100,
      runs,
      timesS: times.map((time) => Math.round(time / 10) / 100),
      throttling: { cpu: CPU_SLOWDOWN, network: 'Slow 4G' },
    };
    console.log('first screen on a throttled phone (CPU 4x, Slow 4G, cold cache)');
    const rows: [string, string][] = [
      ['first-screen JS, gzipped', `${results.firstScreenJsKbGz} kB`],
      ['transferred until usable (median)', `${results.transferredKb} kB`],
      ['time to usable roadmap (median)', `${results.timeToUsableRoadmapS} s  (${results.timesS.join(', ')})`],
    ];
    for (const [label, value] of rows) console.log(`  ${label.padEnd(36)} ${value}`);
    const medianRun = times.indexOf(median(times));
    console.log(`requests of the median opening (s from the first request; each round trip costs ${SLOW_4G.latency} ms here):`);
    for (const line of chains[medianRun]?.lines() ?? []) console.log(`  ${line}`);
    console.log(`BENCH_JSON ${JSON.stringify(results)}`);
  } finally {
    await browser.close();
    await server?.stop();
    if (!givenDist) rmSync(dist, { recursive: true, force: true });
  }
}

await main();
