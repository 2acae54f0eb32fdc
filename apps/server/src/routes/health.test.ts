import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testBackends, TestClient, type TestServer } from '../test/harness.js';

describe.each(testBackends())('health on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(async () => {
    await server.stop();
  });

  it('reports ok and which database it runs on', async () => {
    const response = await new TestClient(server.url).get('/api/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ok: true, db: kind });
  });

  it('answers unknown API paths with a JSON 404 in the error shape', async () => {
    const response = await new TestClient(server.url).get('/api/nope');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
  });
});
