import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { createDb, type Db } from '@alliance/db';
import { createTestDatabase, type TestDatabase } from '@alliance/db/testing';
import { addGoal, createGoal, getGoals, snapshotRoadmap, type DocKey } from '@alliance/shared';
import { seeded } from '@alliance/shared/testing/random';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { signUp, type TestAccount } from './accounts.js';
import { connectProvider, loggedDoc, SocketClient, waitFor, type ProviderHandle } from './fixtures.js';
import { killHard, spawnServer } from './server-process.js';

// Several processes share one database only on Postgres, and need a Redis: CI sets both;
// otherwise the ones on this machine.
process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const goalTitles = (doc: Y.Doc) => snapshotRoadmap(doc).goals.map((goal) => goal.title);
const sameRoadmap = (doc: Y.Doc) => JSON.stringify(snapshotRoadmap(doc));

describe('one document co-edited from several server processes', { timeout: 180_000 }, () => {
  const prefix = `alliance-test-${randomUUID().slice(0, 8)}`;
  const cleanup: (() => unknown)[] = [];
  let database: TestDatabase;
  let db: Db;
  let env: Record<string, string>;
  const processes: { url: string; child: ChildProcess }[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    // A short lease, so a document whose owner was killed is taken over quickly.
    env = { DATABASE_URL: database.databaseUrl!, REDIS_URL, REDIS_PREFIX: prefix, DOC_LEASE_TTL_MS: '3000' };
    // One after the other: they would all migrate the new database at once otherwise.
    for (let index = 0; index < 3; index++) {
      const started = await spawnServer(env);
      cleanup.push(() => killHard(started.child));
      processes.push(started);
    }
    db = createDb({ databaseUrl: database.databaseUrl });
    cleanup.push(() => db.close());
  }, 120_000);
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
    await database?.drop();
  }, 60_000);

  const url = (index: number) => processes[index]!.url;

  async function socket(index: number, account: TestAccount): Promise<SocketClient> {
    const client = await SocketClient.connect(url(index), account.client.cookie);
    cleanup.push(() => client.close());
    return client;
  }

  function provider(index: number, workspaceId: string, account: TestAccount): ProviderHandle {
    const handle = connectProvider(url(index), workspaceId, 'roadmap', account.client.cookie);
    cleanup.push(() => handle.destroy());
    return handle;
  }

  /** A therapist and a client sharing a new workspace (set up through the first process). */
  async function workspace(first = 0) {
    const [therapist, client] = await Promise.all([signUp(url(first), 'Dana'), signUp(url(first), 'Sam')]);
    const id = (await therapist.client.post('/api/workspaces', { title: 'Sam' })).body.id as string;
    const invite = await therapist.client.post(`/api/workspaces/${id}/invites`);
    expect((await client.client.post(`/api/invites/${invite.body.token}/accept`)).status).toBe(200);
    return { therapist, client, id };
  }

  it('a therapist on one process and a client on another co-edit live on both transports, presence included', async () => {
    const { therapist, client, id } = await workspace();
    // The therapist opens it first, on process 0: it owns the roadmap; process 1 follows.
    const therapistOn0 = await socket(0, therapist);
    const dana = await therapistOn0.join(id, 'roadmap');
    const clientOn1 = await socket(1, client);
    const sam = await clientOn1.join(id, 'roadmap');
    const stockOn1 = provider(1, id, therapist);
    const stockOn0 = provider(0, id, client);
    await Promise.all([stockOn1.synced, stockOn0.synced]);

    addGoal(sam.doc, { title: 'Sleep better', proposedBy: 'client' });
    // Confirmed on process 1 only once process 0 stored it.
    expect(await clientOn1.lastAck()).toEqual({ ok: true, data: { saved: true } });
    expect(goalTitles(await loggedDoc(db.db, id, 'roadmap'))).toEqual(['Sleep better']);
    addGoal(dana.doc, { title: 'Walk daily', proposedBy: 'therapist' });
    expect(await therapistOn0.lastAck()).toMatchObject({ ok: true });
    stockOn1.doc.transact(() => getGoals(stockOn1.doc).push([createGoal({ title: 'Call a friend', proposedBy: 'therapist' })]));
    stockOn0.doc.transact(() => getGoals(stockOn0.doc).push([createGoal({ title: 'Read at night', proposedBy: 'client' })]));

    const everyone = [dana.doc, sam.doc, stockOn1.doc, stockOn0.doc];
    await waitFor(() => everyone.every((doc) => getGoals(doc).length === 4), 'every replica holding the four goals');
    await waitFor(async () => getGoals(await loggedDoc(db.db, id, 'roadmap')).length === 4, 'the log holding the four goals');
    const stored = sameRoadmap(await loggedDoc(db.db, id, 'roadmap'));
    await waitFor(() => everyone.every((doc) => sameRoadmap(doc) === stored), 'every replica equal to the log');

    // Presence crosses too, restated by the server it came through.
    stockOn1.provider.awareness.setLocalStateField('editing', { kind: 'goal', id: 'g1' });
    await waitFor(
      () => [...stockOn0.provider.awareness.getStates().values()].some((state) => (state.user as { name?: string } | undefined)?.name === 'Dana' && state.editing?.id === 'g1'),
      'the therapist’s presence from process 1 shown on process 0',
    );
    // And when they go, it goes on every process at once (not after the 30 s timeout).
    const danaHere = () => [...stockOn0.provider.awareness.getStates().values()].some((state) => (state.user as { name?: string } | undefined)?.name === 'Dana' && state.editing?.id === 'g1');
    stockOn1.provider.awareness.setLocalState(null);
    await waitFor(() => !danaHere(), 'the presence gone from process 0', 5_000);
    stockOn1.provider.awareness.setLocalState({ editing: { kind: 'goal', id: 'g1' } });
    await waitFor(danaHere, 'the presence back on process 0', 5_000);
    stockOn1.provider.disconnect();
    await waitFor(() => !danaHere(), 'the presence gone with the connection', 5_000);
    stockOn1.provider.connect();
    await stockOn1.synced;
    // The sender is not sent its own update back; the others on its process are.
    const messages = (socket: SocketClient) => {
      const heard = { count: 0 };
      socket.socket.on('doc:sync', () => heard.count++);
      return heard;
    };
    const toSam = messages(clientOn1);
    const toDana = messages(therapistOn0);
    addGoal(sam.doc, { title: 'Journal', proposedBy: 'client' });
    expect(await clientOn1.lastAck()).toMatchObject({ ok: true });
    await waitFor(() => getGoals(dana.doc).length === 5 && getGoals(stockOn1.doc).length === 5, 'the fifth goal on both processes');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(toDana.count).toBe(1);
    expect(toSam.count).toBe(0);
  });

  it('judges hand-made updates sent to a follower the same as at the owner, and stores none of them', async () => {
    const { therapist, client, id } = await workspace();
    const owner = await socket(0, client);
    const opened = await owner.join(id, 'roadmap');
    addGoal(opened.doc, { title: 'Mine', proposedBy: 'client' });
    expect(await owner.lastAck()).toMatchObject({ ok: true });

    // The therapist on process 2 proposes a goal in the client's name: refused by the owner.
    const stock = provider(2, id, therapist);
    await stock.synced;
    stock.doc.transact(() => getGoals(stock.doc).push([createGoal({ title: 'Be calmer', proposedBy: 'client' })]));
    await waitFor(() => stock.closes.length > 0, 'the refusal');
    expect(stock.closes[0]!.code).toBe(4423);
    // The same over Socket.IO: the answer carries the owner's code.
    const onTwo = await socket(2, therapist);
    const theirs = await onTwo.join(id, 'roadmap');
    addGoal(theirs.doc, { title: 'Also in your name', proposedBy: 'client' });
    expect(await onTwo.lastAck()).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(goalTitles(await loggedDoc(db.db, id, 'roadmap'))).toEqual(['Mine']);
    expect(goalTitles(opened.doc)).toEqual(['Mine']);
  });

  it('converges: seeded concurrent edits from members spread over three processes', async () => {
    const { therapist, client, id } = await workspace();
    const members = [
      { socket: await socket(0, therapist), role: 'therapist' as const },
      { socket: await socket(1, client), role: 'client' as const },
      { socket: await socket(2, therapist), role: 'therapist' as const },
      { socket: await socket(2, client), role: 'client' as const },
      { socket: await socket(1, therapist), role: 'therapist' as const },
    ];
    const docs: Y.Doc[] = [];
    for (const member of members) docs.push((await member.socket.join(id, 'roadmap')).doc);
    const random = seeded(20261202);
    let made = 0;
    for (let round = 0; round < 6; round++) {
      // A burst: everyone edits in the same turn, before anything from the others arrives.
      for (const [index, member] of members.entries()) {
        const edits = 1 + Math.floor(random() * 3);
        for (let edit = 0; edit < edits; edit++) {
          addGoal(docs[index]!, { title: `r${round} m${index} e${edit}`, proposedBy: member.role });
          made++;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 40)));
    }
    for (const member of members) expect((await member.socket.acks()).filter((ack) => !ack.ok)).toEqual([]);
    await waitFor(() => docs.every((doc) => getGoals(doc).length === made), `every replica holding the ${made} goals`);
    const stored = await loggedDoc(db.db, id, 'roadmap');
    expect(getGoals(stored).length).toBe(made);
    await waitFor(() => docs.every((doc) => sameRoadmap(doc) === sameRoadmap(stored)), 'every replica equal to the log');
  });

  it('a killed owner drops nothing confirmed: its followers take the document over and go on', async () => {
    const { therapist, client, id } = await workspace();
    // A process of its own owns the document, so killing it leaves the others running.
    const doomed = await spawnServer(env);
    cleanup.push(() => killHard(doomed.child));
    const ownerSide = await SocketClient.connect(doomed.url, therapist.client.cookie);
    cleanup.push(() => ownerSide.close());
    await ownerSide.join(id, 'roadmap');
    const sam = await socket(1, client);
    const joined = await sam.join(id, 'roadmap');
    const stock = provider(2, id, therapist);
    await stock.synced;
    for (let index = 0; index < 5; index++) addGoal(joined.doc, { title: `Confirmed ${index}`, proposedBy: 'client' });
    expect((await sam.acks()).every((ack) => ack.ok)).toBe(true);
    await waitFor(() => getGoals(stock.doc).length === 5, 'the five goals at the provider');

    await killHard(doomed.child);
    // The followers notice (no answer, then the lease runs out) and ask their members to join again.
    await waitFor(() => sam.errors.some((error) => error.code === 'NOT_JOINED'), 'the client asked to join again', 20_000);
    const key: DocKey = joined.key;
    sam.leave(key);
    const again = await sam.joinRetrying(id, 'roadmap');
    expect(goalTitles(again.doc).filter((title) => title.startsWith('Confirmed'))).toHaveLength(5);
    addGoal(again.doc, { title: 'After the takeover', proposedBy: 'client' });
    expect(await sam.lastAck()).toMatchObject({ ok: true });
    // The stock provider reconnects by itself and catches up.
    await waitFor(() => goalTitles(stock.doc).includes('After the takeover'), 'the provider after the takeover', 20_000);
    const stored = goalTitles(await loggedDoc(db.db, id, 'roadmap'));
    for (let index = 0; index < 5; index++) expect(stored).toContain(`Confirmed ${index}`);
    expect(stored).toContain('After the takeover');
  });
});
