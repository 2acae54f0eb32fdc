import { listAudit } from '@alliance/db';
import type { CheckinDto } from '@alliance/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, type TestAccount } from '../test/accounts.js';
import { SocketClient, waitFor } from '../test/fixtures.js';
import { startTestServer, testBackends, type TestServer } from '../test/harness.js';

const errorShape = (code: string) => ({ error: { code, message: expect.any(String) } });
const answers = { items: { heard: 8, wanted: 6, fit: 7, overall: 7 }, steering: -1, choicesOffered: 'some', note: 'I felt rushed when we talked about my mother', visibility: 'now' };

describe.each(testBackends())('after-session check-ins on %s', (kind) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(async () => {
    await server.stop();
  });

  /** A workspace with its therapist and client, and the check-ins address. */
  async function pair(): Promise<{ therapist: TestAccount; client: TestAccount; id: string; base: string }> {
    const [therapist, client] = await Promise.all([signUp(server.url, 'Dana'), signUp(server.url, 'Sam')]);
    const id = (await therapist.client.post('/api/workspaces', { title: 'Sam' })).body.id as string;
    const invite = await therapist.client.post(`/api/workspaces/${id}/invites`);
    await client.client.post(`/api/invites/${invite.body.token}/accept`);
    return { therapist, client, id, base: `/api/workspaces/${id}/checkins` };
  }

  /** The therapist starts a session and returns its id. */
  async function startSession(members: Awaited<ReturnType<typeof pair>>): Promise<string> {
    const started = await members.therapist.client.post(`/api/workspaces/${members.id}/sessions`);
    expect(started.status).toBe(201);
    return started.body.id as string;
  }

  /** The therapist holds a whole session and returns its id. */
  async function holdSession(members: Awaited<ReturnType<typeof pair>>): Promise<string> {
    const sessionId = await startSession(members);
    expect((await members.therapist.client.post(`/api/workspaces/${members.id}/sessions/current/end`, {})).status).toBe(200);
    return sessionId;
  }

  it('takes one of two check-ins sent at once for the same session and tells the other it exists, never failing', async () => {
    const members = await pair();
    const sessionId = await holdSession(members);
    const sent = await Promise.all([
      members.client.client.post(members.base, { sessionId, ...answers }),
      members.client.client.post(members.base, { sessionId, ...answers, visibility: 'trend' }),
      members.client.client.post(members.base, { sessionId, ...answers, note: null }),
    ]);
    expect(sent.map((response) => response.status).sort()).toEqual([201, 409, 409]);
    for (const refused of sent.filter((response) => response.status === 409)) expect(refused.body).toEqual(errorShape('CHECKIN_EXISTS'));
    const kept = (await members.client.client.get(members.base)).body.checkins as CheckinDto[];
    expect(kept).toEqual([sent.find((response) => response.status === 201)!.body]);
  });

  it('takes the client’s check-in on an ended session, once, and never the therapist’s', async () => {
    const members = await pair();
    const inProgress = await startSession(members);
    const early = await members.client.client.post(members.base, { sessionId: inProgress, ...answers });
    expect(early.status).toBe(409);
    expect(early.body).toEqual(errorShape('CONFLICT'));
    await members.therapist.client.post(`/api/workspaces/${members.id}/sessions/current/end`, {});

    const refused = await members.therapist.client.post(members.base, { sessionId: inProgress, ...answers });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual(errorShape('FORBIDDEN'));

    const created = await members.client.client.post(members.base, { sessionId: inProgress, ...answers });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      sessionId: inProgress,
      sessionNumber: 1,
      ...answers,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      open: true,
    } satisfies Record<keyof CheckinDto, unknown>);

    const twice = await members.client.client.post(members.base, { sessionId: inProgress, ...answers, visibility: 'trend' });
    expect(twice.status).toBe(409);
    expect(twice.body).toEqual(errorShape('CHECKIN_EXISTS'));

    const mine = await members.client.client.get(members.base);
    expect(mine.body.checkins).toEqual([created.body]);
    const theirs = await members.therapist.client.get(members.base);
    expect(theirs.body.checkins).toEqual([created.body]);

    const actions = (await listAudit(server.db.db, members.id)).filter((event) => event.action.startsWith('checkin'));
    expect(actions.map((event) => [event.action, event.user_id, event.target])).toEqual([
      ['checkins.view', members.therapist.id, null],
      ['checkins.view', members.client.id, null],
      ['checkin.create', members.client.id, '1'],
    ]);
    const log = await members.client.client.get(`/api/workspaces/${members.id}/access-log`);
    expect(JSON.stringify(log.body)).toContain('checkins.view');
    expect(JSON.stringify(log.body)).not.toContain('rushed');
  });

  it('shows the therapist a next-session check-in only once the next session has started', async () => {
    const members = await pair();
    const sessionId = await holdSession(members);
    const created = await members.client.client.post(members.base, { sessionId, ...answers, visibility: 'next_session' });
    expect(created.status).toBe(201);

    const before = await members.therapist.client.get(members.base);
    expect(before.status).toBe(200);
    expect(before.body.checkins).toEqual([]);
    expect(JSON.stringify(before.body)).not.toContain(answers.note);
    expect((await members.client.client.get(members.base)).body.checkins).toEqual([created.body]);

    await startSession(members);
    const after = await members.therapist.client.get(members.base);
    expect(after.body.checkins).toEqual([expect.objectContaining({ id: created.body.id, note: answers.note, visibility: 'next_session', open: false })]);
  });

  it('never sends the therapist the note of a trend-only check-in, only its scores', async () => {
    const members = await pair();
    const sessionId = await holdSession(members);
    const created = await members.client.client.post(members.base, { sessionId, ...answers, visibility: 'trend' });
    expect(created.status).toBe(201);
    await startSession(members);

    for (const _ of [1, 2]) {
      const seen = await members.therapist.client.get(members.base);
      expect(seen.body.checkins).toEqual([{ ...created.body, note: null, open: false }]);
      expect(JSON.stringify(seen.body)).not.toContain('rushed');
      await members.therapist.client.post(`/api/workspaces/${members.id}/sessions/current/end`, {});
    }
    expect((await members.client.client.get(members.base)).body.checkins[0].note).toBe(answers.note);
  });

  it('lets the client change their answer until the next session starts, then refuses', async () => {
    const members = await pair();
    const sessionId = await holdSession(members);
    const created = (await members.client.client.post(members.base, { sessionId, ...answers, visibility: 'next_session' })).body as CheckinDto;
    const address = `${members.base}/${created.id}`;

    const changed = await members.client.client.request('PUT', address, { ...answers, items: { ...answers.items, overall: 4 }, note: '', visibility: 'trend' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id: created.id, items: { overall: 4 }, note: null, visibility: 'trend', open: true });
    expect((await members.therapist.client.request('PUT', address, answers)).status).toBe(403);

    await startSession(members);
    const late = await members.client.client.request('PUT', address, answers);
    expect(late.status).toBe(409);
    expect(late.body).toEqual(errorShape('CHECKIN_CLOSED'));
    await members.therapist.client.post(`/api/workspaces/${members.id}/sessions/current/end`, {});
    const lateAgain = await members.client.client.post(members.base, { sessionId, ...answers });
    expect(lateAgain.status).toBe(409);
    expect(lateAgain.body).toEqual(errorShape('CHECKIN_CLOSED'));
    expect((await members.client.client.get(members.base)).body.checkins).toEqual([changed.body].map((dto) => ({ ...dto, open: false })));

    const actions = (await listAudit(server.db.db, members.id)).map((event) => event.action).filter((action) => action.startsWith('checkin.'));
    expect(actions).toEqual(['checkin.update', 'checkin.create']);
  });

  it('refuses a check-in on a session that closed before it was answered', async () => {
    const members = await pair();
    const sessionId = await holdSession(members);
    await startSession(members);
    const late = await members.client.client.post(members.base, { sessionId, ...answers });
    expect(late.status).toBe(409);
    expect(late.body).toEqual(errorShape('CHECKIN_CLOSED'));
  });

  it('refuses answers out of range, an unknown visibility and a session of another workspace', async () => {
    const members = await pair();
    const sessionId = await holdSession(members);
    const invalid = [
      { sessionId, ...answers, items: { ...answers.items, heard: 11 } },
      { sessionId, ...answers, items: { ...answers.items, fit: -1 } },
      { sessionId, ...answers, items: { ...answers.items, wanted: 5.5 } },
      { sessionId, ...answers, items: { heard: 5, wanted: 5, fit: 5 } },
      { sessionId, ...answers, steering: 3 },
      { sessionId, ...answers, choicesOffered: 'maybe' },
      { sessionId, ...answers, visibility: 'never' },
      { sessionId, ...answers, note: 'x'.repeat(2_001) },
      { ...answers, sessionId: 'not-a-session' },
    ];
    for (const body of invalid) {
      const response = await members.client.client.post(members.base, body);
      expect(response.status, JSON.stringify(body).slice(0, 120)).toBe(400);
      expect(response.body).toEqual(errorShape('VALIDATION_FAILED'));
    }
    const other = await pair();
    const elsewhere = await holdSession(other);
    expect((await members.client.client.post(members.base, { sessionId: elsewhere, ...answers })).status).toBe(404);
    expect((await members.client.client.get(members.base)).body.checkins).toEqual([]);
  });

  it('is for members only', async () => {
    const members = await pair();
    const sessionId = await holdSession(members);
    const created = (await members.client.client.post(members.base, { sessionId, ...answers })).body as CheckinDto;
    const stranger = await signUp(server.url, 'Eve');
    expect((await stranger.client.get(members.base)).status).toBe(404);
    expect((await stranger.client.post(members.base, { sessionId, ...answers })).status).toBe(404);
    expect((await stranger.client.request('PUT', `${members.base}/${created.id}`, answers)).status).toBe(404);
    const other = await pair();
    expect((await other.client.client.request('PUT', `${other.base}/${created.id}`, answers)).status).toBe(404);
  });

  it('tells both members when a check-in is answered', async () => {
    const members = await pair();
    const sessionId = await holdSession(members);
    const sockets = await Promise.all([members.client, members.therapist].map((who) => SocketClient.connect(server.url, who.client.cookie)));
    const heard = sockets.map(() => [] as string[]);
    sockets.forEach((socket, index) => socket.socket.on('workspace:changed', (id, change) => heard[index]!.push(`${id}:${change}`)));
    try {
      expect((await members.client.client.post(members.base, { sessionId, ...answers })).status).toBe(201);
      await waitFor(() => heard.every((changes) => changes.includes(`${members.id}:checkins`)), 'both members hear of it');
    } finally {
      for (const socket of sockets) socket.close();
    }
  });

  it('refuses new and changed answers once the workspace is archived', async () => {
    const members = await pair();
    const sessionId = await holdSession(members);
    const answered = await holdSession(members);
    const created = (await members.client.client.post(members.base, { sessionId: answered, ...answers })).body as CheckinDto;
    const closing = `/api/workspaces/${members.id}/closing`;
    await members.therapist.client.post(closing);
    await members.therapist.client.post(`${closing}/confirm`);
    expect((await members.client.client.post(`${closing}/confirm`)).body.archivedAt).toEqual(expect.any(String));

    const posted = await members.client.client.post(members.base, { sessionId, ...answers });
    expect(posted.status).toBe(409);
    expect(posted.body).toEqual(errorShape('READ_ONLY'));
    const changed = await members.client.client.request('PUT', `${members.base}/${created.id}`, answers);
    expect(changed.status).toBe(409);
    expect(changed.body).toEqual(errorShape('READ_ONLY'));
    expect((await members.therapist.client.get(members.base)).body.checkins).toEqual([created]);
  });
});
