import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newToken } from '../auth/crypto.js';
import { signUp, type TestAccount } from '../test/accounts.js';
import { startTestServer, testBackends, TestClient, type TestServer } from '../test/harness.js';

const errorShape = (code: string) => ({ error: { code, message: expect.any(String) } });

describe.each(testBackends())('invites on %s', (kind) => {
  let server: TestServer;
  let therapist: TestAccount;

  /** A fresh workspace of `therapist` and an open invite to it. */
  async function openInvite(title = 'Alex — panic') {
    const workspace = await therapist.client.post('/api/workspaces', { title });
    const invite = await therapist.client.post(`/api/workspaces/${workspace.body.id}/invites`);
    expect(invite.status).toBe(201);
    return { workspaceId: workspace.body.id as string, token: invite.body.token as string };
  }

  async function clientsOf(workspaceId: string) {
    return server.db.db.selectFrom('memberships').select('user_id').where('workspace_id', '=', workspaceId).where('role', '=', 'client').execute();
  }

  beforeAll(async () => {
    server = await startTestServer(kind);
    therapist = await signUp(server.url, 'Dr Rivera');
  });
  afterAll(async () => {
    await server.stop();
  });

  describe('preview', () => {
    it('shows the therapist’s name and the expiry to anyone with the link, and nothing else', async () => {
      const { token } = await openInvite('Alex — panic attacks');
      const response = await new TestClient(server.url).get(`/api/invites/${token}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ therapistName: 'Dr Rivera', expiresAt: expect.any(String) });
      expect(JSON.stringify(response.body)).not.toContain('Alex');
    });

    it('answers an unknown or malformed token with 404 INVITE_INVALID', async () => {
      for (const token of [newToken(), 'short', 'x'.repeat(500)]) {
        const response = await new TestClient(server.url).get(`/api/invites/${token}`);
        expect(response.status).toBe(404);
        expect(response.body).toEqual(errorShape('INVITE_INVALID'));
      }
    });

    it('answers a used invite with 410 INVITE_INVALID', async () => {
      const { token } = await openInvite();
      const client = await signUp(server.url, 'Used');
      await client.client.post(`/api/invites/${token}/accept`);
      const response = await new TestClient(server.url).get(`/api/invites/${token}`);
      expect(response.status).toBe(410);
      expect(response.body).toEqual(errorShape('INVITE_INVALID'));
    });
  });

  describe('accept', () => {
    it('makes the caller the workspace’s client and answers 200 with the workspace id', async () => {
      const { workspaceId, token } = await openInvite();
      const client = await signUp(server.url, 'Alex');
      const response = await client.client.post(`/api/invites/${token}/accept`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ workspaceId });
      const details = await client.client.get(`/api/workspaces/${workspaceId}`);
      expect(details.status).toBe(200);
      expect(details.body.role).toBe('client');
      const audit = await server.db.db.selectFrom('audit_events').select(['action', 'user_id']).where('workspace_id', '=', workspaceId).where('action', '=', 'invite.accept').execute();
      expect(audit).toEqual([{ action: 'invite.accept', user_id: client.id }]);
    });

    it('requires a logged-in caller (401) and leaves the invite usable', async () => {
      const { token } = await openInvite();
      const response = await new TestClient(server.url).post(`/api/invites/${token}/accept`);
      expect(response.status).toBe(401);
      expect(response.body).toEqual(errorShape('UNAUTHORIZED'));
      expect((await new TestClient(server.url).get(`/api/invites/${token}`)).status).toBe(200);
    });

    it('works once: a second accept, by anyone, gets 410 INVITE_INVALID', async () => {
      const { workspaceId, token } = await openInvite();
      const first = await signUp(server.url, 'First');
      const second = await signUp(server.url, 'Second');
      expect((await first.client.post(`/api/invites/${token}/accept`)).status).toBe(200);
      for (const account of [second, first]) {
        const again = await account.client.post(`/api/invites/${token}/accept`);
        expect(again.status).toBe(410);
        expect(again.body).toEqual(errorShape('INVITE_INVALID'));
        expect(again.body.error.message).toMatch(/already been used/);
      }
      expect(await clientsOf(workspaceId)).toEqual([{ user_id: first.id }]);
      expect((await second.client.get(`/api/workspaces/${workspaceId}`)).status).toBe(404);
    });

    it('lets exactly one of two concurrent accepts win', async () => {
      const { workspaceId, token } = await openInvite();
      const racers = await Promise.all([signUp(server.url, 'Racer A'), signUp(server.url, 'Racer B')]);
      const responses = await Promise.all(racers.map((racer) => racer.client.post(`/api/invites/${token}/accept`)));
      expect(responses.map((response) => response.status).sort()).toEqual([200, 410]);
      const winner = racers[responses.findIndex((response) => response.status === 200)]!;
      expect(await clientsOf(workspaceId)).toEqual([{ user_id: winner.id }]);
    });

    it('answers an expired invite with 410 INVITE_INVALID and a message saying so', async () => {
      const { workspaceId, token } = await openInvite();
      await server.db.db.updateTable('invites').set({ expires_at: new Date(Date.now() - 60_000) }).where('workspace_id', '=', workspaceId).execute();
      const preview = await new TestClient(server.url).get(`/api/invites/${token}`);
      expect(preview.status).toBe(410);
      const client = await signUp(server.url, 'Late');
      const response = await client.client.post(`/api/invites/${token}/accept`);
      expect(response.status).toBe(410);
      expect(response.body).toEqual(errorShape('INVITE_INVALID'));
      expect(response.body.error.message).toMatch(/expired/);
      expect(await clientsOf(workspaceId)).toEqual([]);
    });

    it('answers an unknown or malformed token with 404 INVITE_INVALID', async () => {
      const client = await signUp(server.url, 'Lost');
      for (const token of [newToken(), 'short']) {
        const response = await client.client.post(`/api/invites/${token}/accept`);
        expect(response.status).toBe(404);
        expect(response.body).toEqual(errorShape('INVITE_INVALID'));
      }
    });

    it('refuses the therapist accepting their own invite with 409 CONFLICT', async () => {
      const { workspaceId, token } = await openInvite();
      const response = await therapist.client.post(`/api/invites/${token}/accept`);
      expect(response.status).toBe(409);
      expect(response.body).toEqual(errorShape('CONFLICT'));
      expect(await clientsOf(workspaceId)).toEqual([]);
    });

    it('refuses an invite to a workspace that already has a client with 409 CONFLICT', async () => {
      const { workspaceId, token } = await openInvite();
      // A client joined some other way in the meantime (e.g. an older invite).
      const other = await signUp(server.url, 'Earlier');
      await server.db.db.insertInto('memberships').values({ workspace_id: workspaceId, user_id: other.id, role: 'client' }).execute();
      const client = await signUp(server.url, 'Later');
      const response = await client.client.post(`/api/invites/${token}/accept`);
      expect(response.status).toBe(409);
      expect(response.body).toEqual(errorShape('CONFLICT'));
      expect(await clientsOf(workspaceId)).toEqual([{ user_id: other.id }]);
    });

    it('retires an earlier open invite when the therapist creates a new one', async () => {
      const { workspaceId, token: oldToken } = await openInvite();
      const fresh = await therapist.client.post(`/api/workspaces/${workspaceId}/invites`);
      const client = await signUp(server.url, 'Retired');
      expect((await client.client.post(`/api/invites/${oldToken}/accept`)).status).toBe(410);
      expect((await client.client.post(`/api/invites/${fresh.body.token}/accept`)).status).toBe(200);
    });

    it('refuses a cross-site accept with 403', async () => {
      const { workspaceId, token } = await openInvite();
      const client = await signUp(server.url, 'Tricked');
      const response = await client.client.request('POST', `/api/invites/${token}/accept`, {}, { origin: 'https://evil.example' });
      expect(response.status).toBe(403);
      expect(await clientsOf(workspaceId)).toEqual([]);
    });
  });
});
