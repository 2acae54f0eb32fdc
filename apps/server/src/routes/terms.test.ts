import { TERMS_TEMPLATE } from '@alliance/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, type TestAccount } from '../test/accounts.js';
import { startTestServer, testBackends, type TestServer } from '../test/harness.js';

describe.each(testBackends())('how we work (terms) on %s', (kind) => {
  let server: TestServer;
  let therapist: TestAccount;
  let client: TestAccount;
  let stranger: TestAccount;
  let workspaceId: string;

  beforeAll(async () => {
    server = await startTestServer(kind);
    [therapist, client, stranger] = await Promise.all([signUp(server.url, 'Dana'), signUp(server.url, 'Sam'), signUp(server.url, 'Eve')]);
    workspaceId = (await therapist.client.post('/api/workspaces', { title: 'Sam' })).body.id;
    const invite = await therapist.client.post(`/api/workspaces/${workspaceId}/invites`);
    await client.client.post(`/api/invites/${invite.body.token}/accept`);
  });
  afterAll(async () => {
    await server.stop();
  });

  it('starts from the template, which nobody has acknowledged yet', async () => {
    const response = await client.client.get(`/api/workspaces/${workspaceId}/terms`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ body: TERMS_TEMPLATE, version: 1, acknowledgements: {}, decisionPreference: null });
  });

  it('lets only the therapist edit, and each edit is a new version the client must acknowledge again', async () => {
    const refused = await client.client.request('PUT', `/api/workspaces/${workspaceId}/terms`, { body: 'my rules' });
    expect(refused.status).toBe(403);

    const ack = await client.client.post(`/api/workspaces/${workspaceId}/terms/acknowledge`, { version: 1 });
    expect(ack.status).toBe(200);
    expect(ack.body.acknowledgements.client.version).toBe(1);

    const saved = await therapist.client.request('PUT', `/api/workspaces/${workspaceId}/terms`, { body: 'Sessions on Tuesdays at 10.' });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ body: 'Sessions on Tuesdays at 10.', version: 2 });
    expect(saved.body.acknowledgements.therapist.version).toBe(2);
    expect(saved.body.acknowledgements.client.version).toBe(1);

    const stale = await client.client.post(`/api/workspaces/${workspaceId}/terms/acknowledge`, { version: 1 });
    expect(stale.status).toBe(409);
    const fresh = await client.client.post(`/api/workspaces/${workspaceId}/terms/acknowledge`, { version: 2 });
    expect(fresh.body.acknowledgements.client.version).toBe(2);
  });

  it('records how the client would like decisions made, which only the client sets', async () => {
    const refused = await therapist.client.request('PUT', `/api/workspaces/${workspaceId}/terms/decision-preference`, { preference: 'therapist' });
    expect(refused.status).toBe(403);
    const invalid = await client.client.request('PUT', `/api/workspaces/${workspaceId}/terms/decision-preference`, { preference: 'nobody' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('VALIDATION_FAILED');
    const saved = await client.client.request('PUT', `/api/workspaces/${workspaceId}/terms/decision-preference`, { preference: 'together' });
    expect(saved.status).toBe(200);
    expect((await therapist.client.get(`/api/workspaces/${workspaceId}/terms`)).body.decisionPreference).toBe('together');
  });

  it('is invisible to non-members', async () => {
    expect((await stranger.client.get(`/api/workspaces/${workspaceId}/terms`)).status).toBe(404);
    expect((await stranger.client.post(`/api/workspaces/${workspaceId}/terms/acknowledge`, { version: 2 })).status).toBe(404);
  });

  it('writes reading and changing the terms to the access log', async () => {
    const audit = await client.client.get(`/api/workspaces/${workspaceId}/audit`);
    const actions = (audit.body as { action: string }[]).map((event) => event.action);
    expect(actions).toEqual(expect.arrayContaining(['terms.view', 'terms.update', 'terms.acknowledge', 'preference.update']));
  });
});
