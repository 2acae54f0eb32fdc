import { appendUpdates, findDocument, lastSeq, listUpdatesAfter } from '@alliance/db';
import {
  addCard,
  addGoal,
  addStep,
  applyTextDiff,
  compareRoadmaps,
  createReply,
  getCards,
  getGoals,
  goalList,
  noAttribution,
  setAgreement,
  setStepDone,
  snapshotRoadmap,
  type AuditEventDto,
  type CompareDto,
  type VersionDto,
} from '@alliance/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createMember, createMemberPair, SocketClient, type Member, type MemberPair } from '../test/fixtures.js';
import { startTestServer, TestClient, testBackends, type TestServer } from '../test/harness.js';
import { MAX_COMPARE_UPDATES } from './history.js';

describe.each(testBackends())('comparing two points of a document’s history on %s', (kind) => {
  let server: TestServer;
  const sockets: SocketClient[] = [];

  beforeAll(async () => {
    // Checkpoints often, so that the earlier point is read from a checkpoint and a log tail.
    server = await startTestServer(kind, { CHECKPOINT_EVERY_UPDATES: '4' });
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

  const compareUrl = (pair: MemberPair, doc: string, from: string, to: string) => `/api/workspaces/${pair.workspaceId}/docs/${doc}/compare?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;

  /** The point right after the document's last update. */
  async function latest(pair: MemberPair, doc = 'roadmap'): Promise<string> {
    return `seq:${await lastSeq(server.db.db, (await findDocument(server.db.db, pair.workspaceId, doc))!.id)}`;
  }

  async function saveVersion(pair: MemberPair, label: string): Promise<VersionDto> {
    const created = await http(pair.therapist).post(`/api/workspaces/${pair.workspaceId}/docs/roadmap/versions`, { label });
    expect(created.status).toBe(201);
    return created.body as VersionDto;
  }

  it('names a goal the therapist renamed and one the client removed, each with who and when', async () => {
    const pair = await createMemberPair(server.db.db);
    const client = await editor(pair, pair.client);
    addGoal(client.doc, { title: 'Sleep better', proposedBy: 'client' });
    addGoal(client.doc, { title: 'Walk', proposedBy: 'client' });
    await client.socket.settled();
    const version = await saveVersion(pair, 'Two goals');

    const therapist = await editor(pair, pair.therapist);
    applyTextDiff(getGoals(therapist.doc).get(0).get('title') as Y.Text, 'Sleep well at night');
    await therapist.socket.settled();
    await new Promise((resolve) => setTimeout(resolve, 20));
    getGoals(client.doc).delete(1, 1);
    await client.socket.settled();
    const now = await latest(pair);

    const response = await http(pair.client).get(compareUrl(pair, 'roadmap', version.id, now));
    expect(response.status).toBe(200);
    const body = response.body as CompareDto;
    expect(body.from).toEqual({ seq: version.upToSeq, at: expect.any(String) });
    expect(body.to.seq).toBe(version.upToSeq + 2);
    expect(body.changes.map((change) => change.kind)).toEqual(['goal.renamed', 'goal.removed']);
    expect(body.changes[0]).toMatchObject({
      goal: 'Sleep well at night',
      runs: [
        { kind: 'same', text: 'Sleep ' },
        { kind: 'removed', text: 'better' },
        { kind: 'added', text: 'well at night' },
      ],
      actor: { kind: 'member', userId: pair.therapist.userId, role: 'therapist', name: 'Therapist' },
    });
    expect(body.changes[1]).toMatchObject({ goal: 'Walk', actor: { kind: 'member', userId: pair.client.userId, name: 'Client' } });
    expect(body.changes[0]!.at! < body.changes[1]!.at!).toBe(true);
    expect(body.changes[1]!.at).toBe(body.to.at);

    // The two points in the other order give the same comparison; a point with itself, nothing.
    expect((await http(pair.therapist).get(compareUrl(pair, 'roadmap', now, version.id))).body).toEqual(body);
    expect(((await http(pair.therapist).get(compareUrl(pair, 'roadmap', version.id, version.id))).body as CompareDto).changes).toEqual([]);
    // Looking is in the access log, as any look at a version is.
    const log = (await http(pair.client).get(`/api/workspaces/${pair.workspaceId}/audit`)).body as AuditEventDto[];
    const lookers = new Set(log.filter((event) => event.action === 'version.view' && event.target === 'roadmap').map((event) => event.userName));
    expect(lookers).toEqual(new Set(['Client', 'Therapist']));
  });

  it('compares from the beginning, with steps done and agreement given by each', async () => {
    const pair = await createMemberPair(server.db.db);
    const client = await editor(pair, pair.client);
    const therapist = await editor(pair, pair.therapist);
    const goal = addGoal(client.doc, { title: 'Sleep better', proposedBy: 'client' });
    addStep(goal, 'lights out at 11');
    await client.socket.settled();
    const start = await latest(pair);
    await expect.poll(() => getGoals(therapist.doc).length).toBe(1);
    setAgreement(getGoals(therapist.doc).get(0), 'therapist', true);
    await therapist.socket.settled();
    setStepDone(goalList(goal, 'steps')!.get(0), true, 'client');
    await client.socket.settled();
    const end = await latest(pair);

    const body = (await http(pair.therapist).get(compareUrl(pair, 'roadmap', start, end))).body as CompareDto;
    expect(body.changes.map((change) => [change.kind, change.actor?.kind === 'member' && change.actor.role])).toEqual([
      ['goal.agreement', 'therapist'],
      ['step.done', 'client'],
    ]);
    const fromStart = (await http(pair.therapist).get(compareUrl(pair, 'roadmap', 'seq:0', end))).body as CompareDto;
    expect(fromStart.from).toEqual({ seq: 0, at: null });
    expect(fromStart.changes.map((change) => change.kind)).toEqual(['roadmap.title', 'goal.added']);
  });

  it('compares the board: cards edited and moved by the client, replies by the therapist', async () => {
    const pair = await createMemberPair(server.db.db);
    const client = await editor(pair, pair.client, 'feedback');
    addCard(client.doc, 'power', 'I felt rushed');
    await client.socket.settled();
    const therapist = await editor(pair, pair.therapist, 'feedback');
    await expect.poll(() => getCards(therapist.doc).length).toBe(1);
    (getCards(therapist.doc).get(0).get('replies') as Y.Array<Y.Map<unknown>>).push([createReply('therapist', 'Thank you for telling me')]);
    await therapist.socket.settled();
    await expect.poll(() => (getCards(client.doc).get(0).get('replies') as Y.Array<unknown>).length).toBe(1);
    getCards(client.doc).get(0).set('column', 'process');
    await client.socket.settled();

    const body = (await http(pair.therapist).get(compareUrl(pair, 'feedback', 'seq:1', await latest(pair, 'feedback')))).body as CompareDto;
    expect(body.changes.map((change) => [change.kind, change.actor?.kind === 'member' && change.actor.role])).toEqual([
      ['card.moved', 'client'],
      ['reply.added', 'therapist'],
    ]);
  });

  it('keeps the client’s drafts theirs, and refuses people outside the workspace', async () => {
    const pair = await createMemberPair(server.db.db);
    const drafts = await editor(pair, pair.client, 'drafts');
    addCard(drafts.doc, 'change', 'Not sure I can say this yet');
    await drafts.socket.settled();
    const draftsUrl = compareUrl(pair, 'drafts', 'seq:0', 'seq:1');
    const own = await http(pair.client).get(draftsUrl);
    expect(own.status).toBe(200);
    expect((own.body as CompareDto).changes.map((change) => change.kind)).toEqual(['card.added']);
    const therapists = await http(pair.therapist).get(draftsUrl);
    expect(therapists.status).toBe(404);
    expect(JSON.stringify(therapists.body)).not.toContain('Not sure');

    const stranger = await createMember(server.db.db, 'Stranger');
    expect((await http(stranger).get(compareUrl(pair, 'roadmap', 'seq:0', 'seq:1'))).status).toBe(404);
    expect((await http(null).get(compareUrl(pair, 'roadmap', 'seq:0', 'seq:1'))).status).toBe(401);
  });

  it('refuses points that are not points of this document’s history', async () => {
    const pair = await createMemberPair(server.db.db);
    const asClient = http(pair.client);
    const bad = async (from: string, to: string) => (await asClient.get(compareUrl(pair, 'roadmap', from, to))).status;
    expect(await bad('yesterday', 'seq:1')).toBe(400);
    expect(await bad('seq:1', 'seq:-1')).toBe(400);
    expect((await asClient.get(`/api/workspaces/${pair.workspaceId}/docs/roadmap/compare?from=seq:1`)).status).toBe(400);
    expect(await bad('seq:1', 'seq:999')).toBe(404);
    expect(await bad(crypto.randomUUID(), 'seq:1')).toBe(404);
    expect((await asClient.get(`/api/workspaces/${pair.workspaceId}/docs/notes/compare?from=seq:0&to=seq:1`)).status).toBe(404);
    // Another workspace's version is not a point of this one.
    const other = await createMemberPair(server.db.db);
    const theirs = (await http(other.therapist).post(`/api/workspaces/${other.workspaceId}/docs/roadmap/versions`, { label: 'Theirs' })).body as VersionDto;
    expect(await bad(theirs.id, 'seq:1')).toBe(404);
  });

  it(`refuses two points more than ${MAX_COMPARE_UPDATES} updates apart, saying so`, async () => {
    const pair = await createMemberPair(server.db.db);
    const documentId = (await findDocument(server.db.db, pair.workspaceId, 'roadmap'))!.id;
    const empty = Y.encodeStateAsUpdate(new Y.Doc());
    const first = (await lastSeq(server.db.db, documentId)) + 1;
    for (let start = first; start <= first + MAX_COMPARE_UPDATES; start += 5_000) {
      const count = Math.min(5_000, first + MAX_COMPARE_UPDATES + 1 - start);
      await appendUpdates(server.db.db, documentId, Array.from({ length: count }, (_, index) => ({ seq: start + index, update: empty, userId: pair.client.userId })));
    }
    const last = await lastSeq(server.db.db, documentId);
    const tooFar = await http(pair.client).get(compareUrl(pair, 'roadmap', 'seq:0', `seq:${last}`));
    expect(tooFar.status).toBe(400);
    expect(tooFar.body).toMatchObject({ error: { code: 'BAD_REQUEST', message: expect.stringContaining('nearer') } });
    expect((await http(pair.client).get(compareUrl(pair, 'roadmap', `seq:${last - MAX_COMPARE_UPDATES}`, `seq:${last}`))).status).toBe(200);
  });

  it('agrees with the log: on a generated history, every version is the log replayed to its point, and each comparison the diff of the two', async () => {
    const pair = await createMemberPair(server.db.db);
    const people = [await editor(pair, pair.client), await editor(pair, pair.therapist)];
    const documentId = (await findDocument(server.db.db, pair.workspaceId, 'roadmap'))!.id;
    let state = 20_261_201;
    const next = () => ((state = (state * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    const versions: VersionDto[] = [];
    for (let index = 0; index < 24; index++) {
      const person = people[Math.floor(next() * 2)]!;
      const goals = getGoals(person.doc);
      const action = next();
      if (goals.length === 0 || action < 0.35) addGoal(person.doc, { title: `goal ${index}`, proposedBy: person === people[0] ? 'client' : 'therapist' });
      else if (action < 0.7) (goals.get(Math.floor(next() * goals.length)).get('title') as Y.Text).insert(0, 'new ');
      else if (action < 0.85) addStep(goals.get(Math.floor(next() * goals.length)), `step ${index}`);
      else goals.delete(Math.floor(next() * goals.length), 1);
      await person.socket.settled();
      if (next() < 0.3) versions.push(await saveVersion(pair, `v${index}`));
    }
    versions.push(await saveVersion(pair, 'last'));
    const replayed = async (seq: number) => {
      const doc = new Y.Doc();
      for (const update of await listUpdatesAfter(server.db.db, documentId, 0, seq)) Y.applyUpdate(doc, update.update);
      return doc;
    };
    for (const version of versions) {
      const response = await fetch(`${server.url}/api/workspaces/${pair.workspaceId}/docs/roadmap/versions/${version.id}/state`, { headers: { cookie: pair.client.cookie } });
      const served = new Y.Doc();
      Y.applyUpdate(served, new Uint8Array(await response.arrayBuffer()));
      const log = await replayed(version.upToSeq);
      expect(Y.encodeStateVector(served), `version ${version.label}`).toEqual(Y.encodeStateVector(log));
      expect(snapshotRoadmap(served)).toEqual(snapshotRoadmap(log));
    }
    for (let index = 1; index < versions.length; index++) {
      const [from, to] = [versions[index - 1]!, versions[index]!];
      const body = (await http(pair.client).get(compareUrl(pair, 'roadmap', from.id, to.id))).body as CompareDto;
      const expected = compareRoadmaps(await replayed(from.upToSeq), await replayed(to.upToSeq), noAttribution);
      expect(body.changes.map(({ actor: _actor, at: _at, ...change }) => change)).toEqual(expected.map(({ actor: _actor, at: _at, ...change }) => change));
      for (const change of body.changes) expect(change.actor, change.kind).not.toBeNull();
    }
  });
});
