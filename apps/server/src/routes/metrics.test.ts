import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/harness.js';
import { createRuntimeSampler } from './metrics.js';

const TOKEN = 'metrics-token-for-the-tests-0123456789';
const errorShape = (code: string) => ({ error: { code, message: expect.any(String) } });

/**
 * An address of this machine that is not loopback: a request sent to it arrives from it, so the
 * server sees a caller that is not on loopback, as it would see one from elsewhere.
 */
function externalAddress(): string {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry && entry.family === 'IPv4' && !entry.internal)?.address;
  if (!address) throw new Error('these tests need a network interface other than loopback');
  return address;
}

/** The server on every interface, reached over loopback and over the external address. */
function urls(server: TestServer) {
  return { loopback: `http://127.0.0.1:${server.port}`, external: `http://${externalAddress()}:${server.port}` };
}

async function call(url: string, method = 'GET', headers: Record<string, string> = {}) {
  const response = await fetch(url, { method, headers });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
}

describe('metrics without a token', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('pglite', { HOST: '0.0.0.0', EXPOSE_METRICS: 'true', TRUST_PROXY: '1' });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('answers a caller on loopback, as the bench is', async () => {
    const { loopback } = urls(server);
    const metrics = await call(`${loopback}/api/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatchObject({ eventLoopDelayMs: expect.any(Object), openRooms: expect.any(Number) });
    expect((await call(`${loopback}/api/metrics/reset`, 'POST')).status).toBe(204);
    expect((await call(`${loopback}/api/metrics/gc`, 'POST')).status).toBe(200);
  });

  it('refuses a caller that is not on loopback, whatever X-Forwarded-For claims', async () => {
    const { external } = urls(server);
    // The address is reachable: the rest of the API answers there.
    expect((await call(`${external}/api/health`)).status).toBe(200);
    for (const [method, path] of [['GET', '/api/metrics'], ['POST', '/api/metrics/reset'], ['POST', '/api/metrics/gc']] as const) {
      const refused = await call(`${external}${path}`, method, { 'x-forwarded-for': '127.0.0.1' });
      expect(refused, `${method} ${path}`).toEqual({ status: 403, body: errorShape('FORBIDDEN') });
    }
  });
});

describe('metrics with a token', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('pglite', { HOST: '0.0.0.0', EXPOSE_METRICS: 'true', METRICS_TOKEN: TOKEN });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('refuses a missing or wrong token, even on loopback', async () => {
    const { loopback } = urls(server);
    const refusals: Record<string, string>[] = [{}, { authorization: 'Bearer not-the-token-at-all-0123456789' }, { authorization: `Bearer ${TOKEN}x` }, { authorization: `Basic ${TOKEN}` }, { authorization: TOKEN }];
    for (const headers of refusals) {
      expect(await call(`${loopback}/api/metrics`, 'GET', headers), JSON.stringify(headers)).toEqual({ status: 401, body: errorShape('UNAUTHORIZED') });
    }
    expect((await call(`${loopback}/api/metrics/gc`, 'POST')).status).toBe(401);
  });

  it('answers the right bearer token from any address', async () => {
    const { loopback, external } = urls(server);
    for (const base of [loopback, external]) {
      const metrics = await call(`${base}/api/metrics`, 'GET', { authorization: `Bearer ${TOKEN}` });
      expect(metrics.status, base).toBe(200);
      expect(metrics.body).toMatchObject({ memory: expect.any(Object) });
      expect((await call(`${base}/api/metrics/reset`, 'POST', { authorization: `bearer ${TOKEN}` })).status).toBe(204);
    }
  });
});

describe('metrics when not exposed', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('pglite', { METRICS_TOKEN: TOKEN });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('are not there at all, token or not', async () => {
    const response = await call(`${server.url}/api/metrics`, 'GET', { authorization: `Bearer ${TOKEN}` });
    expect(response).toEqual({ status: 404, body: errorShape('NOT_FOUND') });
  });
});

describe('the runtime sampler', () => {
  it('counts garbage-collection pauses since the last reset', async () => {
    const sampler = createRuntimeSampler();
    sampler.reset();
    // Short-lived garbage: young-generation collections (scavenges) follow.
    let kept = 0;
    for (let round = 0; round < 200; round++) kept += Array.from({ length: 20_000 }, (_, index) => ({ index })).length;
    expect(kept).toBe(4_000_000);
    // The observer hears of collections after the fact, on a later turn of the loop.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const { minor, major } = sampler.sample().gcPauseMs;
    expect(minor.count).toBeGreaterThan(0);
    expect(minor.totalMs).toBeGreaterThan(0);
    expect(minor.maxMs).toBeGreaterThan(0);
    expect(minor.maxMs).toBeLessThanOrEqual(minor.totalMs);
    expect(major.count).toBeGreaterThanOrEqual(0);
    sampler.reset();
    expect(sampler.sample().gcPauseMs.minor).toEqual({ count: 0, totalMs: 0, maxMs: 0 });
  });
});
