import { listAudit } from '@alliance/db';
import { addGoal, createCard, getCards, snapshotRoadmap, type VersionDto } from '@alliance/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createMember, createMemberPair, SocketClient, waitFor, type Member, type MemberPair } from '../test/fixtures.js';
import { startTestServer, TestClient, testBackends, type TestServer } from '../test/harness.js';

describe.each(testBackends())('document versions on %s', (kind) => {
  let server: TestServer;
  const sockets: SocketClient[] = [];

  beforeAll(async () => {
    server = await startTestServer(kind);
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

  async function editor(pair: MemberPair, doc: 'roadmap' | 'feedback' = 'roadmap') {
    const socket = await SocketClient.connect(server.url, pair.client.cookie);
    sockets.push(socket);
    return { socket, ...(await socket.join(pair.workspaceId, doc)) };
  }

  it("tells both members' open pages when a named version is saved, but never of the client's drafts", async () => {
    const pair = await createMemberPair(server.db.db);
    const therapistSocket = await SocketClient.connect(server.url, pair.therapist.cookie);
    sockets.push(therapistSocket);
    const heard: string[] = [];
    therapistSocket.socket.on('workspace:changed', (id, change) => heard.push(`${id}:${change}`));
    const roadmap = await http(pair.client).post(`/api/workspaces/${pair.workspaceId}/docs/roadmap/versions`, { label: 'Ours' });
    expect(roadmap.status).toBe(201);
    const drafts = await http(pair.client).post(`/api/workspaces/${pair.workspaceId}/docs/drafts/versions`, { label: 'Mine' });
    expect(drafts.status).toBe(201);
    // A later change of another kind marks the end: events arrive in order, so by the time it
    // is heard, an announcement of the drafts version would have been heard too.
    const terms = await http(pair.therapist).request('PUT', `/api/workspaces/${pair.workspaceId}/terms`, { body: 'How we work, revised.' });
    expect(terms.status).toBe(200);
    await waitFor(() => heard.includes(`${pair.workspaceId}:terms`), 'the therapist hears of the terms');
    expect(heard).toEqual([`${pair.workspaceId}:versions`, `${pair.workspaceId}:terms`]);
  });

  it('tells the other member when an automatic version is saved while someone edits', async () => {
    const quick = await startTestServer(kind, { CHECKPOINT_EVERY_MS: '300' });
    const opened: SocketClient[] = [];
    try {
      const pair = await createMemberPair(quick.db.db);
      const therapistSocket = await SocketClient.connect(quick.url, pair.therapist.cookie);
      opened.push(therapistSocket);
      const heard: string[] = [];
      therapistSocket.socket.on('workspace:changed', (id, change) => heard.push(`${id}:${change}`));
      const clientSocket = await SocketClient.connect(quick.url, pair.client.cookie);
      opened.push(clientSocket);
      const roadmap = await clientSocket.join(pair.workspaceId, 'roadmap');
      addGoal(roadmap.doc, { title: 'Walk after lunch', proposedBy: 'client' });
      await clientSocket.settled();
      await waitFor(() => heard.includes(`${pair.workspaceId}:versions`), 'the therapist hears of the automatic version');
      const reader = new TestClient(quick.url);
      reader.cookie = pair.therapist.cookie;
      const versions = await reader.get(`/api/workspaces/${pair.workspaceId}/docs/roadmap/versions`);
      expect((versions.body as VersionDto[]).some((version) => version.kind === 'auto')).toBe(true);
    } finally {
      for (const socket of opened) socket.close();
      await quick.stop();
    }
  });

  it('saves a named version of the document as it is now and serves that state later', async () => {
    const pair = await createMemberPair(server.db.db);
    const { socket, doc } = await editor(pair);
    addGoal(doc, { title: 'Before the version', proposedBy: 'client' });
    await socket.settled();

    const base = `/api/workspaces/${pair.workspaceId}/docs/roadmap/versions`;
    const created = await http(pair.therapist).post(base, { label: 'After our first session' });
    expect(created.status).toBe(201);
    const version = created.body as VersionDto;
    expect(version).toMatchObject({ label: 'After our first session', kind: 'named', createdBy: pair.therapist.userId, upToSeq: 2 });
    expect(new Date(version.createdAt).getTime()).not.toBeNaN();

    addGoal(doc, { title: 'After the version', proposedBy: 'client' });
    await socket.settled();

    const listed = await http(pair.client).get(base);
    expect(listed.status).toBe(200);
    expect((listed.body as VersionDto[]).find((entry) => entry.id === version.id)).toEqual(version);

    const state = await fetch(`${server.url}${base}/${version.id}/state`, { headers: { cookie: pair.client.cookie } });
    expect(state.status).toBe(200);
    expect(state.headers.get('content-type')).toBe('application/octet-stream');
    const then = new Y.Doc();
    Y.applyUpdate(then, new Uint8Array(await state.arrayBuffer()));
    expect(snapshotRoadmap(then).goals.map((goal) => goal.title)).toEqual(['Before the version']);
    expect(snapshotRoadmap(then).title).toBe(pair.title);

    const actions = (await listAudit(server.db.db, pair.workspaceId)).map((event) => `${event.action}:${event.target}`);
    expect(actions).toEqual(expect.arrayContaining(['version.create:roadmap', 'version.list:roadmap', 'version.view:roadmap']));
  });

  it('saves a version of a document nobody has open, from the database', async () => {
    const pair = await createMemberPair(server.db.db);
    const { socket, doc } = await editor(pair, 'feedback');
    doc.transact(() => getCards(doc).push([createCard('working', 'The pace suits me')]));
    await socket.settled();
    socket.close();

    const created = await http(pair.client).post(`/api/workspaces/${pair.workspaceId}/docs/feedback/versions`, { label: 'Feedback so far' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'named', upToSeq: 1 });
  });

  it('answers 404 for what the caller may not see and 400 for a bad label', async () => {
    const pair = await createMemberPair(server.db.db);
    const stranger = await createMember(server.db.db, 'Stranger');
    const docs = `/api/workspaces/${pair.workspaceId}/docs`;
    expect((await http(stranger).get(`${docs}/roadmap/versions`)).status).toBe(404);
    expect((await http(pair.therapist).get(`${docs}/drafts/versions`)).status).toBe(404);
    expect((await http(pair.therapist).post(`${docs}/drafts/versions`, { label: 'x' })).status).toBe(404);
    expect((await http(pair.client).get(`${docs}/drafts/versions`)).status).toBe(200);
    expect((await http(pair.therapist).get(`${docs}/notes/versions`)).status).toBe(404);
    expect((await http(pair.therapist).get(`/api/workspaces/not-a-uuid/docs/roadmap/versions`)).status).toBe(404);
    expect((await http(pair.therapist).get(`${docs}/roadmap/versions/00000000-0000-4000-8000-000000000000/state`)).status).toBe(404);
    expect((await http(null).get(`${docs}/roadmap/versions`)).status).toBe(401);

    const empty = await http(pair.therapist).post(`${docs}/roadmap/versions`, { label: '  ' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('VALIDATION_FAILED');

    // A version of one document is not reachable through another.
    const feedbackVersion = await http(pair.client).post(`${docs}/feedback/versions`, { label: 'f' });
    expect((await http(pair.client).get(`${docs}/roadmap/versions/${feedbackVersion.body.id}/state`)).status).toBe(404);
  });
});
