import { randomUUID } from 'node:crypto';
import { listUpdatesAfter } from '@alliance/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { hashToken } from '../auth/crypto.js';
import { signUp, type TestAccount } from '../test/accounts.js';
import { startTestServer, testBackends, TestClient, type TestServer } from '../test/harness.js';

const errorShape = (code: string) => ({ error: { code, message: expect.any(String) } });

describe.each(testBackends())('workspaces on %s', (kind) => {
  let server: TestServer;
  let therapist: TestAccount;
  let client: TestAccount;
  let stranger: TestAccount;
  /** A workspace whose client has joined. */
  let shared: { id: string; title: string };
  const transcript: string[] = [];

  async function createWorkspace(owner: TestAccount, title: string) {
    const response = await owner.client.post('/api/workspaces', { title });
    expect(response.status).toBe(201);
    return response.body as { id: string; title: string };
  }

  beforeAll(async () => {
    server = await startTestServer(kind);
    therapist = await signUp(server.url, 'Therapist', transcript);
    client = await signUp(server.url, 'Client', transcript);
    stranger = await signUp(server.url, 'Stranger', transcript);
    shared = await createWorkspace(therapist, 'Sam — anxiety work');
    const invite = await therapist.client.post(`/api/workspaces/${shared.id}/invites`);
    expect((await client.client.post(`/api/invites/${invite.body.token}/accept`)).status).toBe(200);
  });
  afterAll(async () => {
    await server.stop();
  });

  it('creates a workspace and answers 201 with the caller as its therapist', async () => {
    const response = await therapist.client.post('/api/workspaces', { title: '  Robin  ' });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ id: expect.any(String), title: 'Robin', role: 'therapist', createdAt: expect.any(String), archivedAt: null });
    expect(Number.isNaN(Date.parse(response.body.createdAt))).toBe(false);
  });

  it('creates the roadmap with its seeded content as the first update, and empty feedback and drafts', async () => {
    const workspace = await createWorkspace(therapist, 'Seeded');
    const docs = await server.db.db.selectFrom('documents').select(['id', 'name']).where('workspace_id', '=', workspace.id).orderBy('name').execute();
    expect(docs.map((doc) => doc.name)).toEqual(['drafts', 'feedback', 'roadmap']);
    const byName = Object.fromEntries(docs.map((doc) => [doc.name, doc.id]));
    const roadmapUpdates = await listUpdatesAfter(server.db.db, byName.roadmap!, 0);
    expect(roadmapUpdates.map((update) => [update.seq, update.userId])).toEqual([[1, therapist.id]]);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, roadmapUpdates[0]!.update);
    expect(doc.getMap('meta').get('title')).toBe('Seeded');
    expect(typeof doc.getMap('meta').get('schemaVersion')).toBe('number');
    expect(await listUpdatesAfter(server.db.db, byName.feedback!, 0)).toEqual([]);
    expect(await listUpdatesAfter(server.db.db, byName.drafts!, 0)).toEqual([]);
    const membership = await server.db.db.selectFrom('memberships').select(['user_id', 'role']).where('workspace_id', '=', workspace.id).execute();
    expect(membership).toEqual([{ user_id: therapist.id, role: 'therapist' }]);
  });

  it('lists the caller’s workspaces with their role in each, and nobody else’s', async () => {
    const own = await createWorkspace(stranger, 'Stranger’s own');
    const therapistList = await therapist.client.get('/api/workspaces');
    expect(therapistList.status).toBe(200);
    expect(therapistList.body).toContainEqual(expect.objectContaining({ id: shared.id, role: 'therapist' }));
    expect(therapistList.body.map((w: { id: string }) => w.id)).not.toContain(own.id);
    const clientList = await client.client.get('/api/workspaces');
    expect(clientList.body).toEqual([{ id: shared.id, title: shared.title, role: 'client', createdAt: expect.any(String), archivedAt: null, inSession: false, news: { board: false, checkins: false }, openRepairs: 0 }]);
  });

  it('shows details, members and the documents each role may open', async () => {
    const asTherapist = await therapist.client.get(`/api/workspaces/${shared.id}`);
    expect(asTherapist.status).toBe(200);
    expect(asTherapist.body).toEqual({
      id: shared.id,
      title: shared.title,
      createdAt: expect.any(String),
      archivedAt: null,
      closingOpenedAt: null,
      role: 'therapist',
      members: [
        { userId: therapist.id, name: therapist.name, role: 'therapist', joinedAt: expect.any(String) },
        { userId: client.id, name: client.name, role: 'client', joinedAt: expect.any(String) },
      ],
      docs: ['roadmap', 'feedback'],
    });
    const asClient = await client.client.get(`/api/workspaces/${shared.id}`);
    expect(asClient.status).toBe(200);
    expect(asClient.body.role).toBe('client');
    expect(asClient.body.docs).toEqual(['roadmap', 'feedback', 'drafts']);
    expect(JSON.stringify(asClient.body)).not.toContain('@example.com');
  });

  it('answers 404 to a non-member on every workspace route, the same as for a workspace that does not exist', async () => {
    const missing = randomUUID();
    for (const id of [shared.id, missing]) {
      const responses = [
        await stranger.client.get(`/api/workspaces/${id}`),
        await stranger.client.post(`/api/workspaces/${id}/invites`),
        await stranger.client.get(`/api/workspaces/${id}/audit`),
      ];
      for (const response of responses) {
        expect(response.status).toBe(404);
        expect(response.body).toEqual(errorShape('NOT_FOUND'));
      }
    }
    const strangerViews = await server.db.db.selectFrom('audit_events').select('action').where('user_id', '=', stranger.id).where('workspace_id', '=', shared.id).execute();
    expect(strangerViews).toEqual([]);
  });

  it('answers 401 on every workspace route without a session', async () => {
    const anonymous = new TestClient(server.url);
    const responses = [
      await anonymous.get('/api/workspaces'),
      await anonymous.post('/api/workspaces', { title: 'X' }),
      await anonymous.get(`/api/workspaces/${shared.id}`),
      await anonymous.post(`/api/workspaces/${shared.id}/invites`),
      await anonymous.get(`/api/workspaces/${shared.id}/audit`),
    ];
    expect(responses.map((response) => response.status)).toEqual([401, 401, 401, 401, 401]);
    expect(responses[2]!.body).toEqual(errorShape('UNAUTHORIZED'));
  });

  it('refuses a non-uuid workspace id with 400 VALIDATION_FAILED rather than a 500', async () => {
    for (const path of ['/api/workspaces/not-a-uuid', '/api/workspaces/1%27%20or%201=1/audit']) {
      const response = await therapist.client.get(path);
      expect(response.status).toBe(400);
      expect(response.body).toEqual(errorShape('VALIDATION_FAILED'));
    }
    const invite = await therapist.client.post('/api/workspaces/42/invites');
    expect(invite.status).toBe(400);
    expect(invite.body).toEqual(errorShape('VALIDATION_FAILED'));
  });

  it('refuses a missing or blank title with 400 VALIDATION_FAILED and malformed JSON with 400 BAD_REQUEST', async () => {
    for (const body of [{}, { title: '   ' }, { title: 42 }]) {
      const response = await therapist.client.post('/api/workspaces', body);
      expect(response.status).toBe(400);
      expect(response.body).toEqual(errorShape('VALIDATION_FAILED'));
      expect(response.body.error.message).toMatch(/title/);
    }
    const malformed = await therapist.client.request('POST', '/api/workspaces', '{"title": ', { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual(errorShape('BAD_REQUEST'));
  });

  it('refuses a cross-site POST to create a workspace with 403 and creates nothing', async () => {
    const before = await server.db.db.selectFrom('workspaces').select('id').execute();
    const response = await therapist.client.request('POST', '/api/workspaces', { title: 'Forged' }, { origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect(response.body).toEqual(errorShape('FORBIDDEN'));
    const after = await server.db.db.selectFrom('workspaces').select('id').execute();
    expect(after).toHaveLength(before.length);
  });

  describe('invites', () => {
    it('lets the therapist create an invite: 201 with a token, a link on this server and the expiry', async () => {
      const workspace = await createWorkspace(therapist, 'Invitable');
      const before = Date.now();
      const response = await therapist.client.post(`/api/workspaces/${workspace.id}/invites`);
      expect(response.status).toBe(201);
      expect(response.body).toEqual({ token: expect.any(String), url: `${server.url}/invite/${response.body.token}`, expiresAt: expect.any(String) });
      expect(response.body.token.length).toBeGreaterThanOrEqual(40);
      const ttl = Date.parse(response.body.expiresAt) - before;
      expect(ttl).toBeGreaterThan(72 * 3_600_000 - 60_000);
      expect(ttl).toBeLessThan(72 * 3_600_000 + 60_000);
    });

    it('stores only the hash of the invite token', async () => {
      const workspace = await createWorkspace(therapist, 'Hashed invite');
      const { body } = await therapist.client.post(`/api/workspaces/${workspace.id}/invites`);
      const rows = await server.db.db.selectFrom('invites').select('token_hash').where('workspace_id', '=', workspace.id).execute();
      expect(rows.map((row) => row.token_hash)).toEqual([hashToken(body.token)]);
    });

    it('refuses a client who tries to create an invite with 403 FORBIDDEN', async () => {
      const response = await client.client.post(`/api/workspaces/${shared.id}/invites`);
      expect(response.status).toBe(403);
      expect(response.body).toEqual(errorShape('FORBIDDEN'));
    });

    it('refuses a new invite once the workspace has its client with 409 CONFLICT', async () => {
      const response = await therapist.client.post(`/api/workspaces/${shared.id}/invites`);
      expect(response.status).toBe(409);
      expect(response.body).toEqual(errorShape('CONFLICT'));
    });

    it('refuses an invite into an archived workspace with 409 READ_ONLY', async () => {
      const workspace = await createWorkspace(therapist, 'Ended');
      await server.db.db.updateTable('workspaces').set({ archived_at: new Date() }).where('id', '=', workspace.id).execute();
      const response = await therapist.client.post(`/api/workspaces/${workspace.id}/invites`);
      expect(response.status).toBe(409);
      expect(response.body).toEqual(errorShape('READ_ONLY'));
    });
  });

  describe('access log', () => {
    it('records who created, viewed, invited and joined, and shows it to both members newest first', async () => {
      const workspace = await createWorkspace(therapist, 'Logged — Quillon');
      await therapist.client.get(`/api/workspaces/${workspace.id}`);
      const invite = await therapist.client.post(`/api/workspaces/${workspace.id}/invites`);
      const joiner = await signUp(server.url, 'Joiner', transcript);
      expect((await joiner.client.post(`/api/invites/${invite.body.token}/accept`)).status).toBe(200);
      await joiner.client.get(`/api/workspaces/${workspace.id}`);

      const response = await joiner.client.get(`/api/workspaces/${workspace.id}/audit`);
      expect(response.status).toBe(200);
      expect(response.body.map((event: { action: string; userName: string }) => [event.action, event.userName])).toEqual([
        ['audit.view', 'Joiner'],
        ['workspace.view', 'Joiner'],
        ['invite.accept', 'Joiner'],
        ['invite.create', 'Therapist'],
        ['workspace.view', 'Therapist'],
        ['workspace.create', 'Therapist'],
      ]);
      for (const event of response.body) {
        expect(Object.keys(event).sort()).toEqual(['action', 'createdAt', 'id', 'target', 'userName']);
      }
      // The log names actions, never content.
      expect(JSON.stringify(response.body)).not.toContain('Quillon');

      const asTherapist = await therapist.client.get(`/api/workspaces/${workspace.id}/audit`);
      expect(asTherapist.status).toBe(200);
      expect(asTherapist.body[0]).toMatchObject({ action: 'audit.view', userName: 'Therapist' });
      expect(asTherapist.body).toHaveLength(response.body.length + 1);
    });

    it('does not show one workspace’s events in another’s log', async () => {
      const other = await createWorkspace(therapist, 'Other');
      const response = await therapist.client.get(`/api/workspaces/${other.id}/audit`);
      expect(response.body.map((event: { action: string }) => event.action)).toEqual(['audit.view', 'workspace.create']);
    });
  });

  it('never sends a password hash or a token hash in any response', async () => {
    const users = await server.db.db.selectFrom('users').select('password_hash').execute();
    const sessions = await server.db.db.selectFrom('auth_sessions').select('id').execute();
    const invites = await server.db.db.selectFrom('invites').select('token_hash').execute();
    expect(invites.length).toBeGreaterThan(2);
    const everything = transcript.join('\n');
    for (const secret of [...users.map((u) => u.password_hash), ...sessions.map((s) => s.id), ...invites.map((i) => i.token_hash)]) {
      expect(everything).not.toContain(secret);
    }
    expect(everything).not.toMatch(/password_hash|token_hash|passwordHash|tokenHash/);
  });
});

describe.each(testBackends())('invite links with PUBLIC_URL on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind, { PUBLIC_URL: 'https://alliance.example/', INVITE_TTL_HOURS: '2' });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('builds the link from PUBLIC_URL and expires it after INVITE_TTL_HOURS', async () => {
    const therapist = await signUp(server.url, 'Therapist');
    const workspace = await therapist.client.post('/api/workspaces', { title: 'Configured' });
    const before = Date.now();
    const response = await therapist.client.post(`/api/workspaces/${workspace.body.id}/invites`);
    expect(response.status).toBe(201);
    expect(response.body.url).toBe(`https://alliance.example/invite/${response.body.token}`);
    const ttl = Date.parse(response.body.expiresAt) - before;
    expect(ttl).toBeGreaterThan(2 * 3_600_000 - 60_000);
    expect(ttl).toBeLessThan(2 * 3_600_000 + 60_000);
  });
});
