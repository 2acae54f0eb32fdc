import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { PRODUCTION_NODE_FLAGS } from '@alliance/server';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { startBrowserRun, watchPage, type BrowserRun } from './browser.js';
import { DANA, DESKTOP, SAM, signUp, WAIT, type Person } from './people.js';
import { serverEntry } from './server-process.js';

describe('the app as npm start serves it: compiled, production, over http on loopback', () => {
  let run: BrowserRun;
  beforeAll(async () => {
    run = await startBrowserRun();
  }, 240_000);
  afterAll(async () => {
    await run?.stop();
  }, 60_000);

  it('runs the compiled server under plain node', () => {
    const commandLine = readFileSync(`/proc/${run.server.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    expect(commandLine).toEqual([process.execPath, ...PRODUCTION_NODE_FLAGS, serverEntry]);
  });

  it('sends each built asset compressed as the browser asks, the same bytes once decompressed', async () => {
    const page = await (await fetch(run.server.url, { headers: { 'Accept-Encoding': 'identity' } })).text();
    const script = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/.exec(page)?.[1];
    expect(script).toBeDefined();
    const url = new URL(script ?? '', run.server.url);
    const plain = await fetch(url, { headers: { 'Accept-Encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    const original = Buffer.from(await plain.arrayBuffer());
    expect(original.byteLength).toBeGreaterThan(10_000);

    // Node's fetch would decompress the body itself: ask over http, to see what is sent.
    const raw = (encoding: string) =>
      new Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }>((done, fail) => {
        request(url, { headers: { 'Accept-Encoding': encoding } }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => done({ headers: response.headers, body: Buffer.concat(chunks) }));
          response.on('error', fail);
        })
          .on('error', fail)
          .end();
      });
    const br = await raw('br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(String(br.headers.vary)).toMatch(/accept-encoding/i);
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.body.byteLength).toBeLessThan(original.byteLength / 2);
    expect(brotliDecompressSync(br.body).equals(original)).toBe(true);

    const gz = await raw('gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(original)).toBe(true);
    // The browser's own header: brotli wins.
    expect((await raw('gzip, deflate, br, zstd')).headers['content-encoding']).toBe('br');
  });

  // The quick start's address is localhost; the server logs (and the other tests use) 127.0.0.1.
  const visits: [string, Person][] = [
    ['localhost', DANA],
    ['127.0.0.1', SAM],
  ];
  it.each(visits)('keeps a Secure __Host- session cookie over http://%s, through sign-up, reload, log out and log in', async (host, person) => {
    onTestFailed(() => console.error(`server output (last lines):\n${run.server.output().slice(-6_000)}`));
    const base = `http://${host}:${new URL(run.server.url).port}`;
    const context = await run.browser.newContext(DESKTOP);
    const problems: string[] = [];
    try {
      const page = await context.newPage();
      watchPage(page, problems, host);

      const first = await page.goto(`${base}/signup`);
      const policy = first?.headers()['permissions-policy'] ?? '';
      for (const off of ['camera=()', 'microphone=()', 'geolocation=()', 'payment=()', 'usb=()']) expect(policy).toContain(off);

      await signUp(page, base, person);
      const cookies = await context.cookies(base);
      expect(cookies.map((cookie) => cookie.name)).toEqual([run.server.sessionCookieName]);
      expect(cookies[0]).toMatchObject({ name: '__Host-alliance_session', domain: host, path: '/', secure: true, httpOnly: true, sameSite: 'Lax' });

      await page.reload();
      await page.getByRole('heading', { name: `Hello, ${person.name}` }).waitFor(WAIT);

      await page.getByRole('button', { name: 'Log out', exact: true }).click();
      await page.getByRole('button', { name: 'Log in', exact: true }).waitFor(WAIT);
      expect(await context.cookies(base)).toEqual([]);
      await page.getByLabel('Email', { exact: true }).fill(person.email);
      await page.getByLabel('Password', { exact: true }).fill(person.password);
      await page.getByRole('button', { name: 'Log in', exact: true }).click();
      await page.getByRole('heading', { name: `Hello, ${person.name}` }).waitFor(WAIT);
      expect((await context.cookies(base)).map((cookie) => cookie.name)).toEqual(['__Host-alliance_session']);
      await page.reload();
      await page.getByRole('heading', { name: `Hello, ${person.name}` }).waitFor(WAIT);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
