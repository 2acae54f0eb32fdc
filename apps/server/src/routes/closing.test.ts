import { listAudit } from '@alliance/db';
import { addGoal, getGoals, setGoalWeight, snapshotRoadmap, type ClosingReviewDto } from '@alliance/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { signUp, type TestAccount } from '../test/accounts.js';
import { connectProvider, loggedDoc, SocketClient, waitFor, type ProviderHandle } from '../test/fixtures.js';
import { startTestServer, TestClient, testBackends, type TestServer } from '../test/harness.js';

const errorShape = (code: string) => ({ error: { code, message: expect.any(String) } });
const reflection = { helped: 'Being listened to', keep: 'Walking after work', ifHard: 'Call, and read my plan' };

describe.each(testBackends())('the closing review and the archive on %s', (kind) => {
  let server: TestServer;
  const closers: (() => void)[] = [];

  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(async () => {
    for (const close of closers) close();
    await server.stop();
  });

  /** A workspace with its therapist and the client they invited. */
  async function pair(): Promise<{ therapist: TestAccount; client: TestAccount; id: string; base: string }> {
    const [therapist, client] = await Promise.all([signUp(server.url, 'Dana'), signUp(server.url, 'Sam')]);
    const id = (await therapist.client.post('/api/workspaces', { title: 'Sam' })).body.id as string;
    const invite = await therapist.client.post(`/api/workspaces/${id}/invites`);
    await client.client.post(`/api/invites/${invite.body.token}/accept`);
    return { therapist, client, id, base: `/api/workspaces/${id}/closing` };
  }

  async function socket(account: TestAccount): Promise<SocketClient> {
    const client = await SocketClient.connect(server.url, account.client.cookie);
    closers.push(() => client.close());
    return client;
  }

  function provider(account: TestAccount, id: string): ProviderHandle {
    const handle = connectProvider(server.url, id, 'roadmap', account.client.cookie);
    closers.push(() => handle.destroy());
    return handle;
  }

  /** Both confirm: the workspace becomes an archive. */
  async function archive(members: Awaited<ReturnType<typeof pair>>): Promise<void> {
    await members.therapist.client.post(members.base);
    expect((await members.therapist.client.post(`${members.base}/confirm`)).body.archivedAt).toBeNull();
    expect((await members.client.client.post(`${members.base}/confirm`)).body.archivedAt).toEqual(expect.any(String));
  }

  it('is opened by the therapist only, once, and both members see it; nobody else does', async () => {
    const members = await pair();
    expect((await members.client.client.post(members.base)).status).toBe(403);
    const before = await members.client.client.get(members.base);
    expect(before.status).toBe(200);
    expect(before.body.openedAt).toBeNull();

    const opened = await members.therapist.client.post(members.base);
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ openedAt: expect.any(String), openedBy: members.therapist.id, archivedAt: null, trends: { points: [], preference: null, preferredSteering: null, notes: [] }, reflections: { therapist: null, client: null }, confirmations: {} });
    const again = await members.therapist.client.post(members.base);
    expect(again.status).toBe(200);
    expect(again.body.openedAt).toBe(opened.body.openedAt);
    expect((await members.client.client.get(members.base)).body.openedAt).toBe(opened.body.openedAt);
    expect((await members.client.client.get(`/api/workspaces/${members.id}`)).body.closingOpenedAt).toBe(opened.body.openedAt);

    const stranger = await signUp(server.url, 'Eve');
    expect((await stranger.client.get(members.base)).status).toBe(404);
    expect((await stranger.client.post(`${members.base}/confirm`)).status).toBe(404);
    expect((await new TestClient(server.url).get(members.base)).status).toBe(401);
  });

  it('waits for the client: a workspace nobody joined has no closing review to open', async () => {
    const alone = await signUp(server.url, 'Dana');
    const id = (await alone.client.post('/api/workspaces', { title: 'Nobody yet' })).body.id as string;
    const response = await alone.client.post(`/api/workspaces/${id}/closing`);
    expect(response.status).toBe(409);
    expect(response.body).toEqual(errorShape('CONFLICT'));
    expect((await alone.client.get(`/api/workspaces/${id}/closing`)).body.openedAt).toBeNull();
  });

  it('refuses reflections and confirmations before the therapist opens the review', async () => {
    const members = await pair();
    const early = await members.client.client.request('PUT', `${members.base}/reflection`, reflection);
    expect(early.status).toBe(409);
    expect(early.body).toEqual(errorShape('CLOSING_NOT_OPEN'));
    const confirm = await members.therapist.client.post(`${members.base}/confirm`);
    expect(confirm.status).toBe(409);
    expect(confirm.body).toEqual(errorShape('CLOSING_NOT_OPEN'));
  });

  it('keeps each member’s reflection in their own name, shown to the other once saved', async () => {
    const members = await pair();
    await members.therapist.client.post(members.base);
    const saved = await members.client.client.request('PUT', `${members.base}/reflection`, reflection);
    expect(saved.status).toBe(200);
    expect(saved.body.reflections.client).toMatchObject({ ...reflection, role: 'client', name: 'Sam', userId: members.client.id });
    const seen = (await members.therapist.client.get(members.base)).body as ClosingReviewDto;
    expect(seen.reflections).toEqual({ therapist: null, client: saved.body.reflections.client });
    await members.therapist.client.request('PUT', `${members.base}/reflection`, { helped: 'Your honesty', keep: '', ifHard: '' });
    const both = (await members.client.client.get(members.base)).body as ClosingReviewDto;
    expect(both.reflections.therapist).toMatchObject({ helped: 'Your honesty', keep: '', role: 'therapist' });
    expect(both.reflections.client?.helped).toBe(reflection.helped);

    const empty = await members.client.client.request('PUT', `${members.base}/reflection`, { helped: ' ', keep: '', ifHard: '' });
    expect(empty.status).toBe(400);
    const tooLong = await members.client.client.request('PUT', `${members.base}/reflection`, { ...reflection, helped: 'x'.repeat(5_001) });
    expect(tooLong.status).toBe(400);
  });

  it('shows each goal’s outcome and attainment over the sessions, the sessions, and the GAS T-score at the start and now', async () => {
    const members = await pair();
    const therapist = await socket(members.therapist);
    const client = await socket(members.client);
    const t = await therapist.join(members.id, 'roadmap');
    const c = await client.join(members.id, 'roadmap');
    addGoal(t.doc, { title: 'Sleep better', proposedBy: 'therapist' });
    addGoal(c.doc, { title: 'Walk daily', proposedBy: 'client' });
    await therapist.settled();
    await client.settled();
    await waitFor(() => getGoals(t.doc).length === 2 && getGoals(c.doc).length === 2, 'both goals on both sides');
    for (const goal of getGoals(t.doc).toArray()) goal.set('attainment', -1);
    await therapist.settled();

    await members.therapist.client.post(`/api/workspaces/${members.id}/sessions`);
    expect((await members.therapist.client.post(`/api/workspaces/${members.id}/sessions/current/end`, {})).status).toBe(200);

    const sleep = () => getGoals(t.doc).toArray().find((goal) => snapshotRoadmap(t.doc).goals.find((g) => g.title === 'Sleep better')?.id === goal.get('id'))!;
    sleep().set('attainment', 2);
    sleep().set('status', 'achieved');
    await therapist.settled();
    // Both halves of every goal's weight are said: the client's importance, the therapist's difficulty.
    await waitFor(() => snapshotRoadmap(c.doc).goals.every((goal) => goal.attainment !== -1 || goal.title === 'Walk daily'), 'the attainment at the client');
    for (const goal of getGoals(c.doc).toArray()) setGoalWeight(goal, 'client', 3);
    await client.settled();
    for (const goal of getGoals(t.doc).toArray()) setGoalWeight(goal, 'therapist', snapshotRoadmap(t.doc).goals.find((g) => g.id === goal.get('id'))!.title === 'Sleep better' ? 3 : 1);
    await therapist.settled();

    const review = (await members.client.client.get(members.base)).body as ClosingReviewDto;
    expect(review.sessions).toEqual([expect.objectContaining({ number: 1, endedAt: expect.any(String) })]);
    expect(review.roadmap.first.label).toMatch(/^Session 1/);
    expect(review.roadmap.last.seq).toBeGreaterThan(review.roadmap.first.seq);
    // At the start both goals stood at −1, counted equally: 50 + 10·(−2)/√(0.7·2 + 0.3·4).
    expect(review.gas.start).toEqual({ score: expect.closeTo(50 - 20 / Math.sqrt(2.6), 6), goals: 2, weighted: false });
    // Now, weights 3·3 = 9 at +2 and 3·1 = 3 at −1: Σwx = 15, √(0.7·90 + 0.3·144) = √106.2.
    expect(review.gas.now).toEqual({ score: expect.closeTo(50 + 150 / Math.sqrt(106.2), 6), goals: 2, weighted: true });
    const byTitle = Object.fromEntries(review.goals.map((goal) => [goal.title, goal]));
    expect(byTitle['Sleep better']).toMatchObject({ status: 'achieved', attainment: 2, importance: 3, difficulty: 3 });
    expect(byTitle['Sleep better']!.attainmentOverTime.map((point) => [point.label.replace(/ —.*/, ''), point.attainment])).toEqual([
      ['Session 1', -1],
      ['Now', 2],
    ]);
    expect(byTitle['Walk daily']!.attainmentOverTime.map((point) => point.attainment)).toEqual([-1, -1]);
  });

  it('archives the workspace once both have confirmed, records it, and refuses a confirmation during a session', async () => {
    const members = await pair();
    await members.therapist.client.post(members.base);
    await members.therapist.client.post(`/api/workspaces/${members.id}/sessions`);
    const during = await members.client.client.post(`${members.base}/confirm`);
    expect(during.status).toBe(409);
    expect(during.body).toEqual(errorShape('CONFLICT'));
    await members.therapist.client.post(`/api/workspaces/${members.id}/sessions/current/end`, {});

    const first = await members.therapist.client.post(`${members.base}/confirm`);
    expect(first.body).toMatchObject({ archivedAt: null, confirmations: { therapist: expect.any(String) } });
    expect((await members.client.client.get(`/api/workspaces/${members.id}`)).body.archivedAt).toBeNull();
    const second = await members.client.client.post(`${members.base}/confirm`);
    expect(second.status).toBe(200);
    expect(second.body.archivedAt).toEqual(expect.any(String));
    expect((await members.therapist.client.get(`/api/workspaces/${members.id}`)).body.archivedAt).toBe(second.body.archivedAt);
    const actions = (await listAudit(server.db.db, members.id)).map((event) => event.action);
    expect(actions).toEqual(expect.arrayContaining(['closing.open', 'closing.confirm', 'workspace.archive']));
  });

  it('answers 409 READ_ONLY on every writing route once archived, and still reads, replays and exports', async () => {
    const members = await pair();
    const t = await (await socket(members.therapist)).join(members.id, 'roadmap');
    addGoal(t.doc, { title: 'Kept', proposedBy: 'therapist' });
    await waitFor(async () => snapshotRoadmap(await loggedDoc(server.db.db, members.id, 'roadmap')).goals.length === 1, 'the goal stored');
    const version = (await members.therapist.client.post(`/api/workspaces/${members.id}/docs/roadmap/versions`, { label: 'Before the end' })).body.id as string;
    await archive(members);

    const ws = `/api/workspaces/${members.id}`;
    const terms = (await members.client.client.get(`${ws}/terms`)).body;
    const writes: [TestAccount, string, string, unknown][] = [
      [members.therapist, 'PUT', `${ws}/terms`, { body: 'New terms' }],
      [members.client, 'POST', `${ws}/terms/acknowledge`, { version: terms.version }],
      [members.client, 'PUT', `${ws}/terms/decision-preference`, { preference: 'together' }],
      [members.therapist, 'POST', `${ws}/sessions`, {}],
      [members.therapist, 'POST', `${ws}/sessions/current/end`, {}],
      [members.therapist, 'POST', `${ws}/invites`, {}],
      [members.client, 'POST', `${ws}/docs/roadmap/versions`, { label: 'After' }],
      [members.client, 'POST', `${ws}/docs/roadmap/restore`, { versionId: version }],
      [members.therapist, 'POST', `${ws}/closing`, {}],
      [members.client, 'PUT', `${ws}/closing/reflection`, reflection],
      [members.therapist, 'POST', `${ws}/closing/confirm`, {}],
    ];
    for (const [who, method, path, body] of writes) {
      const response = await who.client.request(method, path, body);
      expect({ method, path, status: response.status, body: response.body }).toEqual({ method, path, status: 409, body: errorShape('READ_ONLY') });
    }

    for (const path of [ws, `${ws}/closing`, `${ws}/terms`, `${ws}/sessions`, `${ws}/docs/roadmap/versions`, `${ws}/docs/roadmap/history`, `${ws}/docs/roadmap/state?seq=1`, `${ws}/export?format=json`, `${ws}/access-log`]) {
      expect({ path, status: (await members.client.client.get(path)).status }).toEqual({ path, status: 200 });
    }
  });

  it('refuses the next update of rooms already open on both transports, and stores none of it', async () => {
    const members = await pair();
    const socketClient = await socket(members.client);
    const live = await socketClient.join(members.id, 'roadmap');
    expect(live.result.readOnly).toBe(false);
    const stock = provider(members.therapist, members.id);
    await stock.synced;
    addGoal(live.doc, { title: 'Before the end', proposedBy: 'client' });
    expect(await socketClient.lastAck()).toMatchObject({ ok: true });
    await waitFor(() => getGoals(stock.doc).length === 1, 'the goal at the provider');

    await archive(members);

    addGoal(live.doc, { title: 'Too late on Socket.IO', proposedBy: 'client' });
    expect(await socketClient.lastAck()).toMatchObject({ ok: false, code: 'READ_ONLY' });
    addGoal(stock.doc, { title: 'Too late on y-websocket', proposedBy: 'therapist' });
    await waitFor(() => stock.closes.length > 0, 'the provider closed');
    expect(stock.closes[0]).toMatchObject({ code: 4424 });

    const stored = snapshotRoadmap(await loggedDoc(server.db.db, members.id, 'roadmap'));
    expect(stored.goals.map((goal) => goal.title)).toEqual(['Before the end']);
    // Joining again says read only from the start.
    const later = await (await socket(members.client)).join(members.id, 'roadmap', new Y.Doc());
    expect(later.result.readOnly).toBe(true);
  });
});
