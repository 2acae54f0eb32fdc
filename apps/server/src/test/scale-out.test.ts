import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { createDb, type Db } from '@alliance/db';
import { createTestDatabase, type TestDatabase } from '@alliance/db/testing';
import { addGoal, getGoals, snapshotRoadmap, type WorkspaceChange } from '@alliance/shared';
import { sql } from 'kysely';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { signUp, type TestAccount } from './accounts.js';
import { connectProvider, loggedDoc, SocketClient, startTcpProxy, waitFor, type ProviderHandle } from './fixtures.js';
import { TestClient } from './harness.js';
import { killHard, launchServer, spawnServer } from './server-process.js';

// Several processes share one database only on Postgres (PGlite's files belong to one
// process), and need a Redis: CI sets both; otherwise the ones on this machine.
process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function redisAddress(): { host: string; port: number } {
  const url = new URL(REDIS_URL);
  return { host: url.hostname, port: Number(url.port || 6379) };
}

/** The connections a server's log says Redis became unreachable for, one line each time. */
function unavailable(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.includes('"redis.unavailable"'))
    .map((line) => (JSON.parse(line) as { role: string }).role)
    .sort();
}

/** A member's Socket.IO connection to one process, and every workspace change it was told. */
interface Listener {
  socket: SocketClient;
  changes: WorkspaceChange[];
}

describe('two server processes on one Postgres and one Redis', { timeout: 120_000 }, () => {
  // Channels and keys of this run alone, so runs sharing the Redis never hear each other.
  const prefix = `alliance-test-${randomUUID().slice(0, 8)}`;
  const cleanup: (() => unknown)[] = [];
  let database: TestDatabase;
  let db: Db;
  let a: { url: string; child: ChildProcess };
  let b: { url: string; child: ChildProcess };

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const env = { DATABASE_URL: database.databaseUrl!, REDIS_URL, REDIS_PREFIX: prefix };
    // One after the other: both would migrate the new database at once otherwise.
    a = await spawnServer(env);
    cleanup.push(() => killHard(a.child));
    b = await spawnServer(env);
    cleanup.push(() => killHard(b.child));
    db = createDb({ databaseUrl: database.databaseUrl });
    cleanup.push(() => db.close());
  }, 120_000);
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
    await database?.drop();
  }, 60_000);

  async function listen(url: string, account: TestAccount): Promise<Listener> {
    const socket = await SocketClient.connect(url, account.client.cookie);
    cleanup.push(() => socket.close());
    const changes: WorkspaceChange[] = [];
    socket.socket.on('workspace:changed', (_workspaceId, change) => changes.push(change));
    return { socket, changes };
  }

  /** `account` on another process: the same login session, another address. */
  function on(url: string, account: TestAccount): TestClient {
    const client = new TestClient(url);
    client.cookie = account.client.cookie;
    return client;
  }

  /** A therapist who signed up on A and a client who signed up on B and accepted the invite there. */
  async function workspaceAcross(first = a.url, second = b.url) {
    const [therapist, client] = await Promise.all([signUp(first, 'Dana'), signUp(second, 'Sam')]);
    const id = (await therapist.client.post('/api/workspaces', { title: 'Sam' })).body.id as string;
    const invite = await therapist.client.post(`/api/workspaces/${id}/invites`);
    const therapistOnA = await listen(first, therapist);
    expect((await client.client.post(`/api/invites/${invite.body.token}/accept`)).status).toBe(200);
    await waitFor(() => therapistOnA.changes.includes('members'), 'the therapist hearing that the client joined on the other process');
    return { therapist, client, id, therapistOnA };
  }

  it('tells members on every process of a change made on any of them, once each', async () => {
    const { therapist, client, id, therapistOnA } = await workspaceAcross();
    const clientOnB = await listen(b.url, client);
    const therapistOnB = on(b.url, therapist);
    const seen = (listener: Listener, change: WorkspaceChange, times: number) =>
      waitFor(() => listener.changes.filter((each) => each === change).length >= times, `${change} ×${times}`);

    // Terms saved through B reach the therapist's page on A (and the client's on B).
    expect((await therapistOnB.request('PUT', `/api/workspaces/${id}/terms`, { body: 'We meet weekly.' })).status).toBe(200);
    await Promise.all([seen(therapistOnA, 'terms', 1), seen(clientOnB, 'terms', 1)]);
    // A session started through A and ended through B; a check-in by the client through B.
    expect((await therapist.client.post(`/api/workspaces/${id}/sessions`)).status).toBe(201);
    await Promise.all([seen(therapistOnA, 'session', 1), seen(clientOnB, 'session', 1)]);
    expect((await therapistOnB.post(`/api/workspaces/${id}/sessions/current/end`, {})).status).toBe(200);
    await Promise.all([seen(therapistOnA, 'session', 2), seen(clientOnB, 'session', 2)]);
    const sessions = await client.client.get(`/api/workspaces/${id}/sessions`);
    const sessionId = sessions.body.sessions[0].id as string;
    const checkin = await on(b.url, client).post(`/api/workspaces/${id}/checkins`, { sessionId, items: { heard: 8, wanted: 7, fit: 9, overall: 8 }, steering: 0, choicesOffered: 'yes', visibility: 'now' });
    expect(checkin.status).toBe(201);
    await Promise.all([seen(therapistOnA, 'checkins', 1), seen(clientOnB, 'checkins', 1)]);

    // One more change from each side, then no change was told twice (an echo would have come before them).
    expect((await therapist.client.request('PUT', `/api/workspaces/${id}/terms`, { body: 'We meet weekly, on Tuesdays.' })).status).toBe(200);
    expect((await therapistOnB.request('PUT', `/api/workspaces/${id}/terms`, { body: 'We meet weekly, on Thursdays.' })).status).toBe(200);
    await Promise.all([seen(therapistOnA, 'terms', 3), seen(clientOnB, 'terms', 3)]);
    // (Ending a session also saves a version: 'versions' comes along and is not counted here.)
    const made = (listener: Listener) => listener.changes.filter((change) => change !== 'versions');
    const expected = ['terms', 'session', 'session', 'checkins', 'terms', 'terms'];
    expect(made(therapistOnA)).toEqual(['members', ...expected]);
    expect(made(clientOnB)).toEqual(expected);
  });

  it('shows someone who joins the owner no edit it accepted but has not stored yet, then the edit once it is', async () => {
    const { client, id, therapistOnA } = await workspaceAcross();
    const { doc: therapistDoc } = await therapistOnA.socket.join(id, 'roadmap');
    // The update log's writes wait behind a lock; the reads a join makes go on.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    cleanup.push(() => release());
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const transaction = db.db.transaction().execute(async (trx) => {
      await sql`lock table doc_updates in exclusive mode`.execute(trx);
      locked();
      await held;
    });
    await lockTaken;
    addGoal(therapistDoc, { title: 'Not stored yet', proposedBy: 'therapist' });
    const ack = therapistOnA.socket.lastAck();

    // The client joins the owner over Socket.IO and with a stock y-websocket provider.
    const clientDoc = new Y.Doc();
    const joining = (await listen(a.url, client)).socket.join(id, 'roadmap', clientDoc);
    const stock = connectProvider(a.url, id, 'roadmap', client.client.cookie);
    cleanup.push(() => stock.destroy());
    const early = await Promise.race([joining.then(() => 'joined'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 1_000))]);
    expect(early).toBe('waiting');
    expect(getGoals(clientDoc).length).toBe(0);
    expect(getGoals(stock.doc).length).toBe(0);

    release();
    await transaction;
    expect(await ack).toMatchObject({ ok: true });
    await joining;
    await stock.synced;
    expect(snapshotRoadmap(clientDoc).goals.map((goal) => goal.title)).toEqual(['Not stored yet']);
    await waitFor(() => getGoals(stock.doc).length === 1, 'the goal at the provider');
  });

  it('archived through one process, rooms open on the other refuse the next update on both transports and store none of it', async () => {
    const { therapist, client, id, therapistOnA } = await workspaceAcross();
    // The client's page and a stock y-websocket provider, both on B: B holds the roadmap.
    const clientOnB = await listen(b.url, client);
    const live = await clientOnB.socket.join(id, 'roadmap');
    const stock: ProviderHandle = connectProvider(b.url, id, 'roadmap', therapist.client.cookie);
    cleanup.push(() => stock.destroy());
    await stock.synced;
    addGoal(live.doc, { title: 'Before the end', proposedBy: 'client' });
    expect(await clientOnB.socket.lastAck()).toMatchObject({ ok: true });
    await waitFor(() => getGoals(stock.doc).length === 1, 'the goal at the provider');

    const base = `/api/workspaces/${id}/closing`;
    expect((await therapist.client.post(base)).status).toBe(201);
    expect((await on(b.url, client).post(`${base}/confirm`)).body.archivedAt).toBeNull();
    const closingBefore = clientOnB.changes.filter((change) => change === 'closing').length;
    expect((await therapist.client.post(`${base}/confirm`)).body.archivedAt).toEqual(expect.any(String));
    // The archive travels ahead of the change on one channel: once B tells its members, its rooms know.
    await waitFor(() => clientOnB.changes.filter((change) => change === 'closing').length > closingBefore, 'B telling the client of the archive');
    expect(therapistOnA.changes).toContain('closing');

    addGoal(live.doc, { title: 'Too late on Socket.IO', proposedBy: 'client' });
    expect(await clientOnB.socket.lastAck()).toMatchObject({ ok: false, code: 'READ_ONLY' });
    addGoal(stock.doc, { title: 'Too late on y-websocket', proposedBy: 'therapist' });
    await waitFor(() => stock.closes.length > 0, 'the provider closed');
    expect(stock.closes[0]).toMatchObject({ code: 4424 });
    expect(snapshotRoadmap(await loggedDoc(db.db, id, 'roadmap')).goals.map((goal) => goal.title)).toEqual(['Before the end']);
  });

  it('counts failed logins of one account over both processes, in Redis', async () => {
    const account = await signUp(a.url, 'Robin');
    const attempt = (url: string) => new TestClient(url).post('/api/auth/login', { email: account.email, password: 'not the password' });
    // Ten failures allowed per account (AUTH_LIMITS.passwordPerAccount): five on each process.
    for (const url of [a.url, b.url]) for (let index = 0; index < 5; index++) expect((await attempt(url)).status).toBe(401);
    expect((await attempt(b.url)).status).toBe(429);
    expect((await attempt(a.url)).status).toBe(429);

    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    try {
      const keys = await redis.keys(`${prefix}:rate:password-account:*`);
      expect(keys.length).toBeGreaterThan(0);
    } finally {
      await redis.close();
    }
  });

  it('a process whose Redis is unreachable starts, serves its own members and says so once', async () => {
    const launch = await launchServer({ DATABASE_URL: database.databaseUrl!, REDIS_URL: 'redis://127.0.0.1:1', REDIS_PREFIX: prefix });
    if (!launch.started) throw new Error(`the server did not start: ${launch.output()}`);
    cleanup.push(() => killHard(launch.child));
    const account = await signUp(launch.url, 'Alex');
    expect((await account.client.post('/api/workspaces', { title: 'Alone' })).status).toBe(201);
    // Several reconnection attempts later, still one line per connection about it.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(unavailable(launch.output())).toEqual(['commands', 'subscriber']);
    expect(launch.child.exitCode).toBeNull();
  });

  it('a process cut off from Redis goes on serving its members, then catches up: the archive it missed holds in its rooms', async () => {
    const proxy = await startTcpProxy(redisAddress());
    cleanup.push(() => proxy.close());
    const env = { DATABASE_URL: database.databaseUrl!, REDIS_PREFIX: prefix };
    const cutOff = await launchServer({ ...env, REDIS_URL: `redis://127.0.0.1:${proxy.port}` });
    if (!cutOff.started) throw new Error(`the server did not start: ${cutOff.output()}`);
    cleanup.push(() => killHard(cutOff.child));
    const { therapist, client, id, therapistOnA } = await workspaceAcross(a.url, cutOff.url);
    const clientThere = await listen(cutOff.url, client);
    const live = await clientThere.socket.join(id, 'roadmap');

    proxy.cut();
    await waitFor(() => unavailable(cutOff.output()).length === 2, 'both connections noticing Redis is gone');
    // Its own members notice nothing: edits are stored, changes told.
    addGoal(live.doc, { title: 'While Redis is away', proposedBy: 'client' });
    expect(await clientThere.socket.lastAck()).toMatchObject({ ok: true });
    const therapistThere = on(cutOff.url, therapist);
    expect((await therapistThere.request('PUT', `/api/workspaces/${id}/terms`, { body: 'Said while cut off.' })).status).toBe(200);
    await waitFor(() => clientThere.changes.includes('terms'), 'the change told on its own process');
    // Archived through A, which it cannot hear now.
    const base = `/api/workspaces/${id}/closing`;
    expect((await therapist.client.post(base)).status).toBe(201);
    expect((await on(cutOff.url, client).post(`${base}/confirm`)).status).toBe(200);
    expect((await therapist.client.post(`${base}/confirm`)).body.archivedAt).toEqual(expect.any(String));
    // Several reconnection attempts (backoff from 100 ms) still make one line per connection.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(unavailable(cutOff.output())).toHaveLength(2);

    const catchUps = () => cutOff.output().split('"redis.caught_up"').length - 1;
    const before = catchUps();
    proxy.restore();
    await waitFor(() => catchUps() > before, 'the process catching up once Redis answers', 30_000);
    addGoal(live.doc, { title: 'After the archive', proposedBy: 'client' });
    expect(await clientThere.socket.lastAck()).toMatchObject({ ok: false, code: 'READ_ONLY' });
    // What it said while cut off went out once Redis was back.
    await waitFor(() => therapistOnA.changes.includes('terms'), 'the change made while cut off reaching A');
    expect(snapshotRoadmap(await loggedDoc(db.db, id, 'roadmap')).goals.map((goal) => goal.title)).toEqual(['While Redis is away']);
    expect(cutOff.child.exitCode).toBeNull();
  });
});
