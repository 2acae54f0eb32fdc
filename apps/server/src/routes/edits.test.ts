import { addCard, addGoal, getGoals, type EditPageDto } from '@alliance/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { createMemberPair, SocketClient, waitFor, type Member, type MemberPair } from '../test/fixtures.js';
import { startTestServer, TestClient, testBackends, type TestServer } from '../test/harness.js';

describe.each(testBackends())('the edits of a document on %s', (kind) => {
  let server: TestServer;
  const sockets: SocketClient[] = [];

  beforeAll(async () => {
    server = await startTestServer(kind, { CHECKPOINT_EVERY_UPDATES: '4', ROOM_IDLE_UNLOAD_MS: '100' });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server.stop();
  });

  function http(member: Member | null): TestClient {
    const client = new TestClient(server.url);
    client.cookie = member?.cookie ?? '';
    return client;
  }

  async function editor(pair: MemberPair, member: Member, doc: 'roadmap' | 'drafts' = 'roadmap') {
    const socket = await SocketClient.connect(server.url, member.cookie);
    sockets.push(socket);
    return { socket, ...(await socket.join(pair.workspaceId, doc)) };
  }

  const titleOf = (goal: Y.Map<unknown>) => goal.get('title') as Y.Text;

  it('groups each person’s changes by the goal they changed, newest first, page by page', async () => {
    const pair = await createMemberPair(server.db.db);
    const client = await editor(pair, pair.client);
    const therapist = await editor(pair, pair.therapist);
    const sleep = addGoal(client.doc, { title: 'Sleep', proposedBy: 'client' });
    titleOf(sleep).insert(5, ' better');
    await client.socket.settled();
    await waitFor(() => getGoals(therapist.doc).length === 1, 'the goal at the therapist');
    const walk = addGoal(therapist.doc, { title: 'Walk', proposedBy: 'therapist' });
    titleOf(walk).insert(4, ' daily');
    await therapist.socket.settled();

    const base = `/api/workspaces/${pair.workspaceId}/docs/roadmap/edits`;
    const response = await http(pair.therapist).get(base);
    expect(response.status).toBe(200);
    const page = response.body as EditPageDto;
    const summary = page.edits.map((edit) => [edit.actor.kind === 'member' ? edit.actor.role : edit.actor.reason, edit.subject.kind === 'document' ? 'document' : edit.subject.title, edit.fromSeq, edit.toSeq, edit.changes]);
    expect(summary).toEqual([
      ['therapist', 'Walk daily', 4, 5, 2],
      ['client', 'Sleep better', 2, 3, 2],
      // The roadmap's first content, made when the therapist created the workspace.
      ['therapist', 'document', 1, 1, 1],
    ]);
    expect(page.edits[0]!.subject).toEqual({ kind: 'goal', id: walk.get('id'), title: 'Walk daily' });
    expect(page.next).toBeNull();

    // Paging goes on from the oldest edit of a page.
    const first = (await http(pair.client).get(`${base}?limit=1`)).body as EditPageDto;
    expect(first.edits.map((edit) => edit.fromSeq)).toEqual([4]);
    expect(first.next).toBe(3);
    const second = (await http(pair.client).get(`${base}?limit=1&before=${first.next}`)).body as EditPageDto;
    expect(second.edits.map((edit) => [edit.fromSeq, edit.toSeq])).toEqual([[2, 3]]);
  });

  it('keeps the client’s drafts to the client, and refuses non-members and bad queries', async () => {
    const pair = await createMemberPair(server.db.db);
    const other = await createMemberPair(server.db.db);
    const drafts = await editor(pair, pair.client, 'drafts');
    addCard(drafts.doc, 'change', 'I would like more time at the end');
    await drafts.socket.settled();

    const base = `/api/workspaces/${pair.workspaceId}/docs`;
    const mine = (await http(pair.client).get(`${base}/drafts/edits`)).body as EditPageDto;
    expect(mine.edits.map((edit) => edit.subject)).toEqual([expect.objectContaining({ kind: 'card', title: 'I would like more time at…' })]);
    expect((await http(pair.therapist).get(`${base}/drafts/edits`)).status).toBe(404);
    expect((await http(other.therapist).get(`${base}/roadmap/edits`)).status).toBe(404);
    expect((await http(null).get(`${base}/roadmap/edits`)).status).toBe(401);
    for (const query of ['limit=0', 'limit=1000', 'before=-1', 'before=soon']) expect((await http(pair.client).get(`${base}/roadmap/edits?${query}`)).status).toBe(400);
    expect((await http(pair.client).get(`${base}/nothing/edits`)).status).toBe(404);
  });
});
