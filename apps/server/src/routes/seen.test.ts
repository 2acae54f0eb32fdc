import { archiveWorkspace } from '@alliance/db';
import { createCard, createReply, getCards, type SeenDto, type WorkspaceListItemDto } from '@alliance/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { signUp, type TestAccount } from '../test/accounts.js';
import { SocketClient } from '../test/fixtures.js';
import { startTestServer, testBackends, type TestServer } from '../test/harness.js';

const errorShape = (code: string) => ({ error: { code, message: expect.any(String) } });
const answers = { items: { heard: 8, wanted: 6, fit: 7, overall: 7 }, steering: 0, choicesOffered: 'yes', visibility: 'now' };

describe.each(testBackends())('what is new since each member last looked, on %s', (kind) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(async () => {
    await server.stop();
  });

  async function pair(): Promise<{ therapist: TestAccount; client: TestAccount; id: string }> {
    const [therapist, client] = await Promise.all([signUp(server.url, 'Dana'), signUp(server.url, 'Sam')]);
    const id = (await therapist.client.post('/api/workspaces', { title: 'Sam' })).body.id as string;
    const invite = await therapist.client.post(`/api/workspaces/${id}/invites`);
    await client.client.post(`/api/invites/${invite.body.token}/accept`);
    return { therapist, client, id };
  }
  const seen = async (who: TestAccount, id: string) => (await who.client.get(`/api/workspaces/${id}/seen`)).body as SeenDto;
  const look = (who: TestAccount, id: string, area: string) => who.client.request('PUT', `/api/workspaces/${id}/seen/${area}`);
  const listed = async (who: TestAccount, id: string) => ((await who.client.get('/api/workspaces')).body as WorkspaceListItemDto[]).find((row) => row.id === id)!;

  /** One change to the board by `who`, confirmed by the server. */
  async function onBoard(who: TestAccount, id: string, change: (doc: Y.Doc) => void): Promise<void> {
    const socket = await SocketClient.connect(server.url, who.client.cookie);
    try {
      const joined = await socket.join(id, 'feedback');
      joined.doc.transact(() => change(joined.doc));
      expect(await socket.lastAck()).toMatchObject({ ok: true });
    } finally {
      socket.close();
    }
  }

  it('records each member’s own look at each area, for members only', async () => {
    const members = await pair();
    expect(await seen(members.client, members.id)).toEqual({ seen: { board: null, checkins: null, repairs: null } });
    const before = Date.now();
    for (const area of ['board', 'checkins', 'repairs']) {
      const marked = await look(members.client, members.id, area);
      expect(marked.status).toBe(200);
      expect(marked.body).toEqual({ area, seenAt: expect.any(String) });
      expect(Date.parse(marked.body.seenAt)).toBeGreaterThanOrEqual(before - 1_000);
    }
    const mine = await seen(members.client, members.id);
    expect(Object.values(mine.seen).every((at) => typeof at === 'string')).toBe(true);
    // The other member's looks are their own.
    expect(await seen(members.therapist, members.id)).toEqual({ seen: { board: null, checkins: null, repairs: null } });

    const bad = await look(members.client, members.id, 'roadmap');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual(errorShape('VALIDATION_FAILED'));
    const stranger = await signUp(server.url, 'Alex');
    for (const response of [await stranger.client.get(`/api/workspaces/${members.id}/seen`), await look(stranger, members.id, 'board')]) {
      expect(response.status).toBe(404);
      expect(response.body).toEqual(errorShape('NOT_FOUND'));
    }
    stranger.client.cookie = '';
    expect((await stranger.client.get(`/api/workspaces/${members.id}/seen`)).status).toBe(401);
  });

  it('lists whether a session is on and whether the board changed since the member last looked', async () => {
    const members = await pair();
    expect(await listed(members.therapist, members.id)).toMatchObject({ role: 'therapist', inSession: false, news: { board: false, checkins: false } });

    // The client writes a card: new for the therapist, not for the client.
    await onBoard(members.client, members.id, (doc) => getCards(doc).push([createCard('power', 'I felt rushed')]));
    expect((await listed(members.therapist, members.id)).news.board).toBe(true);
    expect((await listed(members.client, members.id)).news.board).toBe(false);
    await look(members.therapist, members.id, 'board');
    expect((await listed(members.therapist, members.id)).news.board).toBe(false);

    // The therapist replies: new for the client until they look; the therapist's own reply is not news to them.
    await onBoard(members.therapist, members.id, (doc) => (getCards(doc).get(0).get('replies') as Y.Array<Y.Map<unknown>>).push([createReply('therapist', 'Thank you')]));
    expect((await listed(members.client, members.id)).news.board).toBe(true);
    expect((await listed(members.therapist, members.id)).news.board).toBe(false);
    await look(members.client, members.id, 'board');
    expect((await listed(members.client, members.id)).news.board).toBe(false);

    expect((await members.therapist.client.post(`/api/workspaces/${members.id}/sessions`)).status).toBe(201);
    expect((await listed(members.client, members.id)).inSession).toBe(true);
    expect((await listed(members.therapist, members.id)).inSession).toBe(true);
  });

  it('tells the therapist of a check-in they may see until they look, and says nothing new in an archive', async () => {
    const members = await pair();
    const started = await members.therapist.client.post(`/api/workspaces/${members.id}/sessions`);
    await members.therapist.client.post(`/api/workspaces/${members.id}/sessions/current/end`, {});
    expect((await members.client.client.post(`/api/workspaces/${members.id}/checkins`, { sessionId: started.body.id, ...answers })).status).toBe(201);
    expect((await listed(members.therapist, members.id)).news.checkins).toBe(true);
    expect((await listed(members.client, members.id)).news.checkins).toBe(false);
    await look(members.therapist, members.id, 'checkins');
    expect((await listed(members.therapist, members.id)).news.checkins).toBe(false);

    await onBoard(members.client, members.id, (doc) => getCards(doc).push([createCard('working', 'The walks help')]));
    expect((await listed(members.therapist, members.id)).news.board).toBe(true);
    await archiveWorkspace(server.db.db, members.id);
    expect(await listed(members.therapist, members.id)).toMatchObject({ archivedAt: expect.any(String), inSession: false, news: { board: false, checkins: false } });
    // A look is still taken (it changes nothing of the workspace), and nothing is new.
    expect((await look(members.therapist, members.id, 'board')).status).toBe(200);
    expect((await listed(members.therapist, members.id)).news.board).toBe(false);
    expect((await members.therapist.client.get(`/api/workspaces/${members.id}/seen`)).status).toBe(200);
  });
});
