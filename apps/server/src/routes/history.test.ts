import { findDocument, listCheckpoints, listUpdatesAfter, listVersions } from '@alliance/db';
import { addGoal, createCard, getCards, getGoals, snapshotRoadmap, type HistoryPageDto, type VersionDto } from '@alliance/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createMemberPair, SocketClient, waitFor, type Member, type MemberPair } from '../test/fixtures.js';
import { startTestServer, TestClient, testBackends, type TestServer } from '../test/harness.js';

describe.each(testBackends())('the history of a document on %s', (kind) => {
  let server: TestServer;
  const sockets: SocketClient[] = [];

  beforeAll(async () => {
    // Checkpoints often, so that states are read from checkpoints and log tails alike.
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

  async function editor(pair: MemberPair, member: Member, doc: 'roadmap' | 'feedback' | 'drafts' = 'roadmap') {
    const socket = await SocketClient.connect(server.url, member.cookie);
    sockets.push(socket);
    return { socket, ...(await socket.join(pair.workspaceId, doc)) };
  }

  /** The document as the first `seq` logged updates make it (the log replayed, no checkpoint). */
  async function replayed(pair: MemberPair, doc: 'roadmap' | 'feedback', seq: number): Promise<Y.Doc> {
    const row = await findDocument(server.db.db, pair.workspaceId, doc);
    const ydoc = new Y.Doc();
    for (const update of await listUpdatesAfter(server.db.db, row!.id, 0, seq)) Y.applyUpdate(ydoc, update.update);
    return ydoc;
  }

  async function stateAt(member: Member, pair: MemberPair, doc: string, seq: number): Promise<Y.Doc> {
    const response = await fetch(`${server.url}/api/workspaces/${pair.workspaceId}/docs/${doc}/state?seq=${seq}`, { headers: { cookie: member.cookie } });
    expect(response.status).toBe(200);
    const ydoc = new Y.Doc();
    Y.applyUpdate(ydoc, new Uint8Array(await response.arrayBuffer()));
    return ydoc;
  }

  it('lists every accepted update with who made it, from the server’s record, page by page', async () => {
    const pair = await createMemberPair(server.db.db);
    const client = await editor(pair, pair.client);
    const therapist = await editor(pair, pair.therapist);
    addGoal(client.doc, { title: 'Sleep better', proposedBy: 'client' });
    await client.socket.settled();
    await waitFor(() => getGoals(therapist.doc).length === 1, 'the goal at the therapist');
    addGoal(therapist.doc, { title: 'Walk', proposedBy: 'therapist' });
    await therapist.socket.settled();

    const base = `/api/workspaces/${pair.workspaceId}/docs/roadmap/history`;
    const first = await http(pair.client).get(`${base}?limit=2`);
    expect(first.status).toBe(200);
    const page = first.body as HistoryPageDto;
    expect(page.changes.map((change) => change.seq)).toEqual([1, 2]);
    expect(page.next).toBe(2);
    expect(page.lastSeq).toBe(3);
    expect(page.changes[1]!.actor).toEqual({ kind: 'member', userId: pair.client.userId, role: 'client', name: 'Client' });
    const rest = (await http(pair.therapist).get(`${base}?after=${page.next}`)).body as HistoryPageDto;
    expect(rest.changes.map((change) => [change.seq, change.actor.kind === 'member' ? change.actor.role : change.actor.reason])).toEqual([[3, 'therapist']]);
    expect(rest.next).toBeNull();

    // Bad paging is refused; the client's drafts are not the therapist's to read.
    expect((await http(pair.client).get(`${base}?limit=0`)).status).toBe(400);
    expect((await http(pair.therapist).get(`/api/workspaces/${pair.workspaceId}/docs/drafts/history`)).status).toBe(404);
    expect((await http(null).get(base)).status).toBe(401);
  });

  it('records the server’s own changes as the server’s, with the reason', async () => {
    const pair = await createMemberPair(server.db.db);
    const drafts = await editor(pair, pair.client, 'drafts');
    drafts.doc.transact(() => {
      const draft = createCard('process', 'Could we start on time?');
      draft.set('share', 'next-session');
      getCards(drafts.doc).push([draft]);
    });
    await drafts.socket.settled();
    expect((await http(pair.therapist).post(`/api/workspaces/${pair.workspaceId}/sessions`, {})).status).toBe(201);
    const board = (await http(pair.therapist).get(`/api/workspaces/${pair.workspaceId}/docs/feedback/history`)).body as HistoryPageDto;
    expect(board.changes.map((change) => change.actor)).toEqual([{ kind: 'server', reason: 'drafts.shared' }]);
  });

  it('gives the document exactly as it was after any update, whatever checkpoints were written meanwhile', async () => {
    const pair = await createMemberPair(server.db.db);
    const client = await editor(pair, pair.client);
    // Sent without waiting, so that checkpoints are taken while updates are still being written.
    for (let index = 0; index < 30; index++) addGoal(client.doc, { title: `goal ${index}`, proposedBy: 'client' });
    await client.socket.settled();
    const documentId = (await findDocument(server.db.db, pair.workspaceId, 'roadmap'))!.id;
    await waitFor(async () => (await listCheckpoints(server.db.db, documentId)).some((row) => row.exact), 'a checkpoint');

    for (const seq of [1, 2, 7, 16, 25, 31]) {
      const served = await stateAt(pair.therapist, pair, 'roadmap', seq);
      const log = await replayed(pair, 'roadmap', seq);
      expect(Y.encodeStateVector(served), `the state after update ${seq}`).toEqual(Y.encodeStateVector(log));
      expect(snapshotRoadmap(served)).toEqual(snapshotRoadmap(log));
      expect(snapshotRoadmap(served).goals).toHaveLength(seq - 1);
    }
    // Every checkpoint now holds exactly the log up to its seq.
    for (const checkpoint of (await listCheckpoints(server.db.db, documentId)).filter((row) => row.exact)) {
      const served = await stateAt(pair.therapist, pair, 'roadmap', checkpoint.up_to_seq);
      expect(Y.encodeStateVector(served)).toEqual(Y.encodeStateVector(await replayed(pair, 'roadmap', checkpoint.up_to_seq)));
    }
    expect((await fetch(`${server.url}/api/workspaces/${pair.workspaceId}/docs/roadmap/state?seq=999`, { headers: { cookie: pair.client.cookie } })).status).toBe(404);
  });

  it('keeps versions apart from checkpoints: each version is the log replayed to its point', async () => {
    const pair = await createMemberPair(server.db.db);
    const client = await editor(pair, pair.client);
    const base = `/api/workspaces/${pair.workspaceId}/docs/roadmap/versions`;
    const named: VersionDto[] = [];
    for (let round = 0; round < 3; round++) {
      for (let index = 0; index < 3; index++) addGoal(client.doc, { title: `round ${round}, goal ${index}`, proposedBy: 'client' });
      await client.socket.settled();
      const created = await http(pair.therapist).post(base, { label: `After round ${round}` });
      expect(created.status).toBe(201);
      named.push(created.body as VersionDto);
    }
    const listed = (await http(pair.client).get(base)).body as VersionDto[];
    expect(listed.filter((version) => version.kind === 'named').map((version) => version.label)).toEqual(['After round 2', 'After round 1', 'After round 0']);
    const documentId = (await findDocument(server.db.db, pair.workspaceId, 'roadmap'))!.id;
    // Periodic versions stand beside them (automatic checkpoints every few updates here).
    expect((await listVersions(server.db.db, documentId)).some((version) => version.kind === 'periodic')).toBe(true);
    for (const version of listed) {
      const response = await fetch(`${server.url}${base}/${version.id}/state`, { headers: { cookie: pair.client.cookie } });
      const served = new Y.Doc();
      Y.applyUpdate(served, new Uint8Array(await response.arrayBuffer()));
      expect(Y.encodeStateVector(served), `version ${version.label ?? version.kind} at ${version.upToSeq}`).toEqual(Y.encodeStateVector(await replayed(pair, 'roadmap', version.upToSeq)));
    }
    expect(named.map((version) => version.upToSeq)).toEqual([4, 7, 10]);
  });

  it('restores a deleted goal as a new change by the person who asked, in the access log, and undoes it', async () => {
    const pair = await createMemberPair(server.db.db);
    const client = await editor(pair, pair.client);
    addGoal(client.doc, { title: 'Sleep better', why: 'rest', proposedBy: 'client' });
    addGoal(client.doc, { title: 'Walk', proposedBy: 'client' });
    await client.socket.settled();
    const version = (await http(pair.client).post(`/api/workspaces/${pair.workspaceId}/docs/roadmap/versions`, { label: 'Both goals' })).body as VersionDto;
    const sleepId = String(getGoals(client.doc).get(0).get('id'));
    getGoals(client.doc).delete(0, 1);
    await client.socket.settled();

    const base = `/api/workspaces/${pair.workspaceId}/docs/roadmap/restore`;
    const restored = await http(pair.therapist).post(base, { versionId: version.id, goalId: sleepId });
    expect(restored.status).toBe(201);
    const { seq, undo } = restored.body as { seq: number; undo: string };
    await waitFor(() => snapshotRoadmap(client.doc).goals.some((goal) => goal.title === 'Sleep better'), 'the goal back at the client');
    const storedGoals = snapshotRoadmap(await replayed(pair, 'roadmap', seq)).goals;
    expect(storedGoals.map((goal) => [goal.title, goal.proposedBy]).sort()).toEqual([['Sleep better', 'client'], ['Walk', 'client']]);
    const history = (await http(pair.client).get(`/api/workspaces/${pair.workspaceId}/docs/roadmap/history?after=${seq - 1}`)).body as HistoryPageDto;
    expect(history.changes[0]).toMatchObject({ seq, actor: { kind: 'member', userId: pair.therapist.userId, role: 'therapist', via: 'restore' } });
    const log = await http(pair.client).get(`/api/workspaces/${pair.workspaceId}/audit`);
    expect((log.body as { action: string }[]).some((event) => event.action === 'doc.restore')).toBe(true);

    // Undo: the whole roadmap as it was just before the restore.
    expect(undo).toBe(`seq:${seq - 1}`);
    expect((await http(pair.therapist).post(base, { versionId: undo })).status).toBe(201);
    await waitFor(() => snapshotRoadmap(client.doc).goals.every((goal) => goal.title !== 'Sleep better'), 'the restore undone at the client');

    expect((await http(pair.client).post(base, { versionId: version.id, goalId: 'not-a-goal' })).status).toBe(404);
    expect((await http(pair.client).post(base, { versionId: 'seq:9999' })).status).toBe(404);
    expect((await http(pair.client).post(base, { versionId: 'yesterday' })).status).toBe(400);
  });

  it('lets only the client restore cards, and restores their words', async () => {
    const pair = await createMemberPair(server.db.db);
    const client = await editor(pair, pair.client, 'feedback');
    client.doc.transact(() => getCards(client.doc).push([createCard('power', 'I felt rushed')]));
    await client.socket.settled();
    const point = `seq:${((await http(pair.client).get(`/api/workspaces/${pair.workspaceId}/docs/feedback/history`)).body as HistoryPageDto).lastSeq}`;
    const cardId = String(getCards(client.doc).get(0).get('id'));
    (getCards(client.doc).get(0).get('text') as Y.Text).insert(0, 'Today ');
    await client.socket.settled();
    const base = `/api/workspaces/${pair.workspaceId}/docs/feedback/restore`;
    expect((await http(pair.therapist).post(base, { versionId: point, cardId })).status).toBe(403);
    expect((await http(pair.client).post(base, { versionId: point, cardId })).status).toBe(201);
    await waitFor(() => String(getCards(client.doc).get(0).get('text')) === 'I felt rushed', 'the words restored');
    expect((await http(pair.therapist).post(`/api/workspaces/${pair.workspaceId}/docs/drafts/restore`, { versionId: point })).status).toBe(404);
  });
});
