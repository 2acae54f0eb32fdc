import { addGoal, getGoals, TERMS_TEMPLATE } from '@alliance/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, type TestAccount } from '../test/accounts.js';
import { SocketClient, waitFor } from '../test/fixtures.js';
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

  /** A new workspace of its own, with its therapist and client. */
  async function pair(): Promise<{ therapist: TestAccount; client: TestAccount; id: string }> {
    const [dana, sam] = await Promise.all([signUp(server.url, 'Dana'), signUp(server.url, 'Sam')]);
    const id = (await dana.client.post('/api/workspaces', { title: 'Sam' })).body.id as string;
    const invite = await dana.client.post(`/api/workspaces/${id}/invites`);
    await sam.client.post(`/api/invites/${invite.body.token}/accept`);
    return { therapist: dana, client: sam, id };
  }

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

  it('gives the text of the version the client last read while a newer one waits, so the changes can be shown', async () => {
    const members = await pair();
    const terms = `/api/workspaces/${members.id}/terms`;
    expect((await members.client.client.get(terms)).body.clientLastRead).toBeNull();
    await members.client.client.post(`${terms}/acknowledge`, { version: 1 });
    expect((await members.client.client.get(terms)).body.clientLastRead).toBeNull();

    await members.therapist.client.request('PUT', terms, { body: 'Sessions on Tuesdays.' });
    await members.therapist.client.request('PUT', terms, { body: 'Sessions on Wednesdays.' });
    for (const who of [members.client, members.therapist]) {
      expect((await who.client.get(terms)).body).toMatchObject({ version: 3, body: 'Sessions on Wednesdays.', clientLastRead: { version: 1, body: TERMS_TEMPLATE } });
    }
    const read = await members.client.client.post(`${terms}/acknowledge`, { version: 3 });
    expect(read.body.clientLastRead).toBeNull();
  });

  it('never cuts off a client who read an earlier version: their open room keeps taking edits, and they can open it again', async () => {
    const members = await pair();
    const terms = `/api/workspaces/${members.id}/terms`;
    await members.client.client.post(`${terms}/acknowledge`, { version: 1 });
    const socket = await SocketClient.connect(server.url, members.client.client.cookie);
    const heard: string[] = [];
    socket.socket.on('workspace:changed', (id, change) => heard.push(`${id}:${change}`));
    try {
      const { doc } = await socket.join(members.id, 'roadmap');
      addGoal(doc, { title: 'Sleep', proposedBy: 'client' });
      expect(await socket.lastAck()).toMatchObject({ ok: true });

      expect((await members.therapist.client.request('PUT', terms, { body: 'Sessions on Tuesdays.' })).status).toBe(200);
      await waitFor(() => heard.includes(`${members.id}:terms`), 'the client hears that the terms changed');

      // The room stays open and keeps taking the client's edits…
      addGoal(doc, { title: 'Walk', proposedBy: 'client' });
      expect(await socket.lastAck()).toMatchObject({ ok: true });
      expect(socket.errors).toEqual([]);
      // …the client's other calls are answered…
      expect((await members.client.client.get(`/api/workspaces/${members.id}/docs/roadmap/versions`)).status).toBe(200);
      expect((await members.client.client.post(`/api/workspaces/${members.id}/docs/roadmap/versions`, { label: 'Before the break' })).status).toBe(201);
      // …and joining again (a reconnect, or the next open) is not refused: asking them to
      // read the new version is the web app's first screen, not a lock on their workspace.
      const again = await SocketClient.connect(server.url, members.client.client.cookie);
      try {
        const reopened = await again.join(members.id, 'roadmap');
        expect(getGoals(reopened.doc).length).toBe(2);
      } finally {
        again.close();
      }
      expect((await members.client.client.get(terms)).body).toMatchObject({ version: 2, acknowledgements: { client: { version: 1 } } });
    } finally {
      socket.close();
    }
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
