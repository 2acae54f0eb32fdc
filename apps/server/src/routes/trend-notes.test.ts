import { listAudit } from '@alliance/db';
import type { TrendNoteDto } from '@alliance/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, type TestAccount } from '../test/accounts.js';
import { SocketClient, waitFor } from '../test/fixtures.js';
import { startTestServer, testBackends, type TestServer } from '../test/harness.js';

const errorShape = (code: string) => ({ error: { code, message: expect.any(String) } });

describe.each(testBackends())('notes beside the trend on %s', (kind) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(async () => {
    await server.stop();
  });

  /** A workspace with its therapist and client, one session held, and the notes address. */
  async function pair(): Promise<{ therapist: TestAccount; client: TestAccount; id: string; sessionId: string; base: string }> {
    const [therapist, client] = await Promise.all([signUp(server.url, 'Dana'), signUp(server.url, 'Sam')]);
    const id = (await therapist.client.post('/api/workspaces', { title: 'Sam' })).body.id as string;
    const invite = await therapist.client.post(`/api/workspaces/${id}/invites`);
    await client.client.post(`/api/invites/${invite.body.token}/accept`);
    const sessionId = (await therapist.client.post(`/api/workspaces/${id}/sessions`)).body.id as string;
    await therapist.client.post(`/api/workspaces/${id}/sessions/current/end`, {});
    return { therapist, client, id, sessionId, base: `/api/workspaces/${id}/trend-notes` };
  }

  it('lets either member add a note on a session or a day, and shows both members every note', async () => {
    const members = await pair();
    const onSession = await members.client.client.post(members.base, { sessionId: members.sessionId, text: '  Moved house  ' });
    expect(onSession.status).toBe(201);
    expect(onSession.body).toEqual({
      id: expect.any(String),
      sessionId: members.sessionId,
      sessionNumber: 1,
      date: null,
      text: 'Moved house',
      authorId: members.client.id,
      authorRole: 'client',
      createdAt: expect.any(String),
    } satisfies Record<keyof TrendNoteDto, unknown>);
    const onDay = await members.therapist.client.post(members.base, { date: '2026-11-30', text: 'I was away for a week' });
    expect(onDay.status).toBe(201);
    expect(onDay.body).toMatchObject({ sessionId: null, sessionNumber: null, date: '2026-11-30', authorRole: 'therapist', authorId: members.therapist.id });

    for (const reader of [members.client, members.therapist]) {
      const listed = await reader.client.get(members.base);
      expect(listed.status).toBe(200);
      expect(listed.body.notes).toEqual([onSession.body, onDay.body]);
    }
    const actions = (await listAudit(server.db.db, members.id)).filter((event) => event.action.startsWith('trend'));
    expect(actions.map((event) => [event.action, event.user_id, event.target])).toEqual(
      expect.arrayContaining([
        ['trend-note.create', members.client.id, '1'],
        ['trend-note.create', members.therapist.id, null],
        ['trends.view', members.client.id, null],
        ['trends.view', members.therapist.id, null],
      ]),
    );
    // The audit trail says a note was added, never what it says.
    expect(JSON.stringify(await listAudit(server.db.db, members.id))).not.toContain('Moved house');
  });

  it('lets only its author remove a note', async () => {
    const members = await pair();
    const note = (await members.client.client.post(members.base, { sessionId: members.sessionId, text: 'Exam week' })).body as TrendNoteDto;
    const refused = await members.therapist.client.request('DELETE', `${members.base}/${note.id}`);
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual(errorShape('FORBIDDEN'));
    expect((await members.therapist.client.get(members.base)).body.notes).toEqual([note]);

    const removed = await members.client.client.request('DELETE', `${members.base}/${note.id}`);
    expect(removed.status).toBe(204);
    expect((await members.therapist.client.get(members.base)).body.notes).toEqual([]);
    const again = await members.client.client.request('DELETE', `${members.base}/${note.id}`);
    expect(again.status).toBe(404);
    expect(again.body).toEqual(errorShape('NOT_FOUND'));
    const actions = (await listAudit(server.db.db, members.id)).map((event) => event.action);
    expect(actions).toContain('trend-note.delete');
  });

  it('refuses an empty or long note, one tied to both or neither, and a session of another workspace', async () => {
    const members = await pair();
    const other = await pair();
    const cases = [
      { text: '   ', sessionId: members.sessionId },
      { text: 'x'.repeat(281), sessionId: members.sessionId },
      { text: 'Both', sessionId: members.sessionId, date: '2026-11-30' },
      { text: 'Neither' },
      { text: 'Bad day', date: 'last tuesday' },
    ];
    for (const body of cases) {
      const response = await members.client.client.post(members.base, body);
      expect(response.status).toBe(400);
      expect(response.body).toEqual(errorShape('VALIDATION_FAILED'));
    }
    expect((await members.client.client.post(members.base, { text: 'x'.repeat(280), sessionId: members.sessionId })).status).toBe(201);
    const foreign = await members.client.client.post(members.base, { text: 'Elsewhere', sessionId: other.sessionId });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(errorShape('NOT_FOUND'));
  });

  it('is for members only', async () => {
    const members = await pair();
    const note = (await members.client.client.post(members.base, { sessionId: members.sessionId, text: 'Exam week' })).body as TrendNoteDto;
    const stranger = await signUp(server.url, 'Eve');
    expect((await stranger.client.get(members.base)).status).toBe(404);
    expect((await stranger.client.post(members.base, { sessionId: members.sessionId, text: 'Hello' })).status).toBe(404);
    expect((await stranger.client.request('DELETE', `${members.base}/${note.id}`)).status).toBe(404);
    const other = await pair();
    // A member of another workspace cannot reach this note through their own.
    expect((await other.client.client.request('DELETE', `${other.base}/${note.id}`)).status).toBe(404);
    expect((await members.client.client.get(members.base)).body.notes).toEqual([note]);
  });

  it('tells both members when a note is added', async () => {
    const members = await pair();
    const sockets = await Promise.all([members.client, members.therapist].map((who) => SocketClient.connect(server.url, who.client.cookie)));
    const heard = sockets.map(() => [] as string[]);
    sockets.forEach((socket, index) => socket.socket.on('workspace:changed', (id, change) => heard[index]!.push(`${id}:${change}`)));
    try {
      expect((await members.therapist.client.post(members.base, { sessionId: members.sessionId, text: 'Holiday' })).status).toBe(201);
      await waitFor(() => heard.every((changes) => changes.includes(`${members.id}:trends`)), 'both members hear of it');
    } finally {
      for (const socket of sockets) socket.close();
    }
  });

  it('refuses new and removed notes once the workspace is archived, and still shows them', async () => {
    const members = await pair();
    const note = (await members.client.client.post(members.base, { sessionId: members.sessionId, text: 'Exam week' })).body as TrendNoteDto;
    const closing = `/api/workspaces/${members.id}/closing`;
    await members.therapist.client.post(closing);
    await members.therapist.client.post(`${closing}/confirm`);
    expect((await members.client.client.post(`${closing}/confirm`)).body.archivedAt).toEqual(expect.any(String));

    const posted = await members.client.client.post(members.base, { sessionId: members.sessionId, text: 'Later' });
    expect(posted.status).toBe(409);
    expect(posted.body).toEqual(errorShape('READ_ONLY'));
    const removed = await members.client.client.request('DELETE', `${members.base}/${note.id}`);
    expect(removed.status).toBe(409);
    expect(removed.body).toEqual(errorShape('READ_ONLY'));
    expect((await members.therapist.client.get(members.base)).body.notes).toEqual([note]);
  });
});
