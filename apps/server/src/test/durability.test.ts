import { createDb, findDocument, insertCheckpoint, appendUpdates, lastSeq, listCheckpoints, listUpdatesAfter, migrateToLatest, type Database } from '@alliance/db';
import { createTestDatabase } from '@alliance/db/testing';
import { addGoal, snapshotRoadmap, type Ack, type UpdateResult } from '@alliance/shared';
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { CollabStore } from '../collab/store.js';
import { connectProvider, createMemberPair, gate, loggedDoc, SocketClient, startRealtimeServer, startTcpProxy, waitFor, type RealtimeServer } from './fixtures.js';
import { testBackends } from './harness.js';
import { killHard, spawnServer } from './server-process.js';

const goalTitles = (doc: Y.Doc) => snapshotRoadmap(doc).goals.map((goal) => goal.title);

async function roadmapId(db: Kysely<Database>, workspaceId: string): Promise<string> {
  return (await findDocument(db, workspaceId, 'roadmap'))!.id;
}

/** The store with a switch that makes every update-log write fail, as if the database were gone. */
function failingWrites() {
  const state = { failing: false, attempts: 0 };
  const wrap = (store: CollabStore): CollabStore => ({
    ...store,
    appendUpdates: async (batches) => {
      state.attempts++;
      if (state.failing) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      return store.appendUpdates(batches);
    },
  });
  return { state, wrap };
}

// Most tests here start their own server (and the first two a server process, twice): on a
// busy two-core machine that alone can take most of the default minute.
describe.each(testBackends())('durability on %s', { timeout: 240_000 }, (kind) => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    while (cleanup.length > 0) await cleanup.pop()!();
  });

  async function realtimeServer(options: Parameters<typeof startRealtimeServer>[1] = {}): Promise<RealtimeServer> {
    const server = await startRealtimeServer(kind, options);
    cleanup.push(() => server.stop());
    return server;
  }

  async function socketClient(url: string, cookie: string, options: { reconnection?: boolean } = {}): Promise<SocketClient> {
    const client = await SocketClient.connect(url, cookie, options);
    cleanup.push(() => client.close());
    return client;
  }

  it('keeps every confirmed edit when the server process is killed with SIGKILL', async () => {
    const database = await createTestDatabase(kind);
    cleanup.push(() => database.drop());
    const seed = createDb({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
    await migrateToLatest(seed.db);
    const pair = await createMemberPair(seed.db);
    await seed.close();
    const serverEnv: Record<string, string> = database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : { DATA_DIR: database.dataDir! };

    const first = await spawnServer(serverEnv);
    cleanup.push(() => killHard(first.child));
    const writer = await socketClient(first.url, pair.therapist.cookie);
    const { doc } = await writer.join(pair.workspaceId, 'roadmap');

    const confirmed = new Set<string>();
    const titles: string[] = [];
    const answers: Promise<Ack<UpdateResult | null>>[] = [];
    for (let index = 0; index < 80; index++) {
      const title = `edit ${index}`;
      titles.push(title);
      addGoal(doc, { title, proposedBy: 'therapist' });
      const answer = writer.lastAck();
      answers.push(answer);
      void answer.then((ack) => {
        if (ack.ok) confirmed.add(title);
      });
    }
    await waitFor(() => confirmed.size >= 20, 'twenty confirmed edits');
    await killHard(first.child);
    const survivors = new Set(confirmed);
    writer.close();

    const second = await spawnServer(serverEnv);
    cleanup.push(() => killHard(second.child));
    const reader = await socketClient(second.url, pair.client.cookie);
    // On Postgres the killed process's hold on the document runs out first (DOC_LEASE_TTL_MS).
    const reloaded = await reader.joinRetrying(pair.workspaceId, 'roadmap');
    const present = new Set(goalTitles(reloaded.doc));
    for (const title of survivors) expect(present.has(title), title).toBe(true);
    expect(snapshotRoadmap(reloaded.doc).title).toBe(pair.title);
  });

  it('keeps serving live edits through a failing update log, says "unsaved", then saves and confirms all of them in order', async () => {
    const outage = failingWrites();
    const server = await realtimeServer({ env: { UPDATE_LOG_RETRY_MAX_MS: '100' }, wrapStore: outage.wrap });
    const pair = await createMemberPair(server.db.db);
    const therapist = await socketClient(server.url, pair.therapist.cookie);
    const client = await socketClient(server.url, pair.client.cookie);
    const a = await therapist.join(pair.workspaceId, 'roadmap');
    const b = await client.join(pair.workspaceId, 'roadmap');
    await therapist.settled();

    outage.state.failing = true;
    const answered: boolean[] = [];
    for (const title of ['one', 'two', 'three']) {
      addGoal(a.doc, { title, proposedBy: 'therapist' });
      void therapist.lastAck().then(() => answered.push(true));
    }
    await waitFor(() => goalTitles(b.doc).length === 3, 'the edits at the other member while unsaved');
    const unsaved = await waitFor(() => therapist.statuses.find((status) => status.state === 'unsaved' && status.pending === 3), 'an unsaved status');
    expect(unsaved.key).toBe(a.key);
    expect(client.statuses.some((status) => status.state === 'unsaved')).toBe(true);
    await waitFor(() => outage.state.attempts >= 3, 'a few retries');
    expect(answered).toHaveLength(0);

    outage.state.failing = false;
    const acks = await therapist.acks();
    expect(acks.slice(-3)).toEqual([
      { ok: true, data: { saved: true } },
      { ok: true, data: { saved: true } },
      { ok: true, data: { saved: true } },
    ]);
    await waitFor(() => therapist.statuses.at(-1)?.state === 'saved', 'a saved status');
    expect(therapist.statuses.at(-1)).toEqual({ key: a.key, state: 'saved', pending: 0 });

    const documentId = await roadmapId(server.db.db, pair.workspaceId);
    const logged = await listUpdatesAfter(server.db.db, documentId, 0);
    expect(logged.map((update) => update.seq)).toEqual([1, 2, 3, 4]);
    expect(logged.slice(1).every((update) => update.userId === pair.therapist.userId)).toBe(true);
    expect(goalTitles(await loggedDoc(server.db.db, pair.workspaceId, 'roadmap'))).toEqual(['one', 'two', 'three']);
  });

  it('keeps only so much unsaved during an outage: past MAX_UNSAVED_BYTES edits get a retryable NOT_SAVED, and arrive once it is over', async () => {
    const outage = failingWrites();
    const server = await realtimeServer({ env: { UPDATE_LOG_RETRY_MAX_MS: '100', MAX_UNSAVED_BYTES: '3000' }, wrapStore: outage.wrap });
    const pair = await createMemberPair(server.db.db);
    const therapist = await socketClient(server.url, pair.therapist.cookie);
    const a = await therapist.join(pair.workspaceId, 'roadmap');
    await therapist.settled();

    outage.state.failing = true;
    const answers: Promise<Ack<UpdateResult | null>>[] = [];
    for (let index = 0; index < 12; index++) {
      addGoal(a.doc, { title: `goal ${index}`, why: 'w'.repeat(300), proposedBy: 'therapist' });
      answers.push(therapist.lastAck());
    }
    // The first ones wait (accepted, unsaved); the rest are refused for now, never confirmed.
    const refused = await Promise.race([Promise.all(answers.slice(-1)), new Promise<null>((resolve) => setTimeout(() => resolve(null), 5_000))]);
    expect(refused?.[0]).toMatchObject({ ok: false, code: 'NOT_SAVED' });

    outage.state.failing = false;
    const settled = await Promise.all(answers);
    const confirmed = settled.filter((ack) => ack.ok).length;
    expect(confirmed).toBeGreaterThan(0);
    expect(confirmed).toBeLessThan(12);
    expect(goalTitles(await loggedDoc(server.db.db, pair.workspaceId, 'roadmap'))).toHaveLength(confirmed);

    // The client kept them all: a fresh sync (what the web app does after a pause) stores the rest.
    const again = await socketClient(server.url, pair.therapist.cookie);
    await again.join(pair.workspaceId, 'roadmap', a.doc);
    await waitFor(async () => goalTitles(await loggedDoc(server.db.db, pair.workspaceId, 'roadmap')).length === 12, 'every goal stored after the outage');
  });

  it('finds out a live document that no longer holds what was checked, and reloads the room from the log', async () => {
    const server = await realtimeServer({ provokes: ['room.diverged'] });
    const pair = await createMemberPair(server.db.db);
    const writer = await socketClient(server.url, pair.client.cookie);
    const watcher = await socketClient(server.url, pair.therapist.cookie);
    const a = await writer.join(pair.workspaceId, 'roadmap');
    await watcher.join(pair.workspaceId, 'roadmap');
    addGoal(a.doc, { title: 'checked and stored', proposedBy: 'client' });
    expect(await writer.lastAck()).toMatchObject({ ok: true });

    // A fault: the live document gets a change behind the pipeline's back, which nobody checked.
    const target = { workspaceId: pair.workspaceId, doc: 'roadmap' as const };
    await server.rooms.withDocument(target, (live) => addGoal(live, { title: 'never checked', proposedBy: 'client' }));
    // The next time the live document is needed, it does not hold what was checked: the room fails.
    await expect(server.rooms.withDocument(target, (live) => goalTitles(live))).rejects.toMatchObject({ code: 'INTERNAL' });

    // Every member is asked to join again, and the reloaded room is the stored one.
    await waitFor(() => watcher.errors.some((error) => error.code === 'NOT_JOINED'), 'the members asked to join again');
    expect(goalTitles(await loggedDoc(server.db.db, pair.workspaceId, 'roadmap'))).toEqual(['checked and stored']);
    const fresh = await socketClient(server.url, pair.therapist.cookie);
    expect(goalTitles((await fresh.join(pair.workspaceId, 'roadmap')).doc)).toEqual(['checked and stored']);
  });

  // A network cut exists only for a database on the other end of a connection: this test is
  // defined for Postgres alone (PGlite's outage is the failing update log above).
  const itWithNetworkDatabase = kind === 'postgres' ? it : () => {};
  itWithNetworkDatabase('survives the connection to Postgres being cut and restored under a live room', async () => {
    const database = await createTestDatabase('postgres');
    const target = new URL(database.databaseUrl!);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    cleanup.push(() => proxy.close());
    const proxied = new URL(target);
    proxied.port = String(proxy.port);
    const server = await realtimeServer({ database, databaseUrl: proxied.toString(), env: { UPDATE_LOG_RETRY_MAX_MS: '200', UPDATE_LOG_WRITE_TIMEOUT_MS: '3000' } });
    const pair = await createMemberPair(server.db.db);
    const therapist = await socketClient(server.url, pair.therapist.cookie);
    const client = await socketClient(server.url, pair.client.cookie);
    const a = await therapist.join(pair.workspaceId, 'roadmap');
    const b = await client.join(pair.workspaceId, 'roadmap');
    await therapist.settled();

    proxy.cut();
    addGoal(a.doc, { title: 'written during the outage', proposedBy: 'therapist' });
    addGoal(b.doc, { title: 'also during the outage', proposedBy: 'client' });
    await waitFor(() => goalTitles(a.doc).length === 2 && goalTitles(b.doc).length === 2, 'live edits during the outage');
    await waitFor(() => therapist.statuses.some((status) => status.state === 'unsaved'), 'an unsaved status');

    proxy.restore();
    const acks = [...(await therapist.acks()), ...(await client.acks())];
    expect(acks.every((ack) => ack.ok)).toBe(true);
    await waitFor(() => therapist.statuses.at(-1)?.state === 'saved', 'a saved status');
    const documentId = await roadmapId(server.db.db, pair.workspaceId);
    expect(goalTitles(await loggedDoc(server.db.db, pair.workspaceId, 'roadmap')).sort()).toEqual(['also during the outage', 'written during the outage']);
    expect(await lastSeq(server.db.db, documentId)).toBe(3);
  });

  // Two processes on one database, one of them cut off from it: a Postgres server on the other
  // end of a connection (PGlite's files belong to one process).
  itWithNetworkDatabase('two processes on one database never both write a document, and never confirm what they could not store', async () => {
    const database = await createTestDatabase('postgres');
    const target = new URL(database.databaseUrl!);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    cleanup.push(() => proxy.close());
    const proxied = new URL(target);
    proxied.port = String(proxy.port);
    const env = { DOC_LEASE_TTL_MS: '900', UPDATE_LOG_RETRY_MAX_MS: '100', UPDATE_LOG_WRITE_TIMEOUT_MS: '2000' };
    const first = await realtimeServer({ database, databaseUrl: proxied.toString(), env });
    const second = await realtimeServer({ database, env });
    const pair = await createMemberPair(second.db.db);

    const onFirst = await socketClient(first.url, pair.client.cookie);
    const a = await onFirst.join(pair.workspaceId, 'roadmap');
    addGoal(a.doc, { title: 'confirmed on the first', proposedBy: 'client' });
    expect(await onFirst.lastAck()).toMatchObject({ ok: true });

    // The document is the first process's: the second does not open it meanwhile.
    const onSecond = await socketClient(second.url, pair.therapist.cookie);
    await expect(onSecond.join(pair.workspaceId, 'roadmap')).rejects.toMatchObject({ code: 'LOAD_FAILED' });

    // The first process loses its database; its hold runs out and the second takes over.
    proxy.cut();
    addGoal(a.doc, { title: 'accepted by the first while cut off', proposedBy: 'client' });
    const cutOffAnswer = onFirst.lastAck();
    const b = await onSecond.joinRetrying(pair.workspaceId, 'roadmap');
    addGoal(b.doc, { title: 'confirmed on the second', proposedBy: 'therapist' });
    expect(await onSecond.lastAck()).toMatchObject({ ok: true });

    // Back online, the first process finds the document taken: it stores nothing and confirms nothing.
    proxy.restore();
    expect(await cutOffAnswer).toMatchObject({ ok: false, code: 'NOT_SAVED' });
    await waitFor(() => onFirst.errors.some((error) => error.code === 'NOT_JOINED'), 'the first process letting its members go');
    expect(goalTitles(await loggedDoc(second.db.db, pair.workspaceId, 'roadmap')).sort()).toEqual(['confirmed on the first', 'confirmed on the second']);

    // The client still has its unconfirmed edit and brings it to the process that holds the document.
    const moved = await socketClient(second.url, pair.client.cookie);
    await moved.join(pair.workspaceId, 'roadmap', a.doc);
    await waitFor(async () => goalTitles(await loggedDoc(second.db.db, pair.workspaceId, 'roadmap')).length === 3, 'the unconfirmed edit stored once it reached the holder');
    const documentId = await roadmapId(second.db.db, pair.workspaceId);
    const seqs = (await listUpdatesAfter(second.db.db, documentId, 0)).map((update) => update.seq);
    expect(seqs).toEqual(seqs.map((_, index) => index + 1));
  });

  it('loads a document from its latest checkpoint plus the updates logged after it', async () => {
    const server = await realtimeServer();
    const pair = await createMemberPair(server.db.db);
    const db = server.db.db;
    const documentId = await roadmapId(db, pair.workspaceId);
    // Built on the seeded state (seq 1), like a client's edits.
    const base = await loggedDoc(db, pair.workspaceId, 'roadmap');
    const edit = (title: string) => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
      const before = Y.encodeStateVector(doc);
      addGoal(doc, { title, proposedBy: 'client' });
      return { doc, update: Y.encodeStateAsUpdate(doc, before) };
    };
    const loggedBeforeCheckpoint = edit('logged before the checkpoint');
    await appendUpdates(db, documentId, [{ seq: 2, update: loggedBeforeCheckpoint.update, userId: pair.client.userId }]);
    // The checkpoint deliberately holds something else than seq 2: a loader that replays the
    // whole log would show seq 2, one that starts from the checkpoint shows its content.
    const checkpointState = edit('only in the checkpoint').doc;
    await insertCheckpoint(db, { documentId, upToSeq: 2, state: Y.encodeStateAsUpdate(checkpointState), kind: 'auto' });
    await appendUpdates(db, documentId, [{ seq: 3, update: edit('in the tail').update, userId: pair.client.userId }]);

    const reader = await socketClient(server.url, pair.client.cookie);
    const { doc } = await reader.join(pair.workspaceId, 'roadmap');
    expect(goalTitles(doc).sort()).toEqual(['in the tail', 'only in the checkpoint']);
    expect(snapshotRoadmap(doc).title).toBe(pair.title);

    addGoal(doc, { title: 'next', proposedBy: 'client' });
    await reader.settled();
    expect(await lastSeq(db, documentId)).toBe(4);
  });

  it('writes checkpoints every CHECKPOINT_EVERY_UPDATES updates, each covering the log up to its seq', async () => {
    const server = await realtimeServer({ env: { CHECKPOINT_EVERY_UPDATES: '5' } });
    const pair = await createMemberPair(server.db.db);
    const writer = await socketClient(server.url, pair.therapist.cookie);
    const { doc } = await writer.join(pair.workspaceId, 'roadmap');
    for (let index = 0; index < 12; index++) {
      addGoal(doc, { title: `goal ${index}`, proposedBy: 'therapist' });
      await writer.lastAck();
    }
    const documentId = await roadmapId(server.db.db, pair.workspaceId);
    const checkpoints = await waitFor(async () => {
      const rows = await listCheckpoints(server.db.db, documentId);
      return rows.length >= 2 && rows;
    }, 'two checkpoints');
    for (const row of checkpoints) {
      expect(row.kind).toBe('auto');
      const full = await server.db.db.selectFrom('doc_checkpoints').select('state').where('id', '=', row.id).executeTakeFirstOrThrow();
      const state = new Y.Doc();
      Y.applyUpdate(state, full.state);
      // Every goal logged up to up_to_seq (seq 1 is the seed, goal i is seq i + 2) is in it.
      for (let index = 0; index <= row.up_to_seq - 2; index++) expect(goalTitles(state)).toContain(`goal ${index}`);
    }
  });

  it('writes a checkpoint CHECKPOINT_EVERY_MS after the first update since the last one', async () => {
    const server = await realtimeServer({ env: { CHECKPOINT_EVERY_MS: '300', CHECKPOINT_EVERY_UPDATES: '1000' } });
    const pair = await createMemberPair(server.db.db);
    const writer = await socketClient(server.url, pair.therapist.cookie);
    const { doc } = await writer.join(pair.workspaceId, 'roadmap');
    addGoal(doc, { title: 'one edit', proposedBy: 'therapist' });
    await writer.settled();
    const documentId = await roadmapId(server.db.db, pair.workspaceId);
    const [checkpoint] = await waitFor(async () => {
      const rows = await listCheckpoints(server.db.db, documentId);
      return rows.length > 0 && rows;
    }, 'a timed checkpoint');
    expect(checkpoint).toMatchObject({ kind: 'auto', up_to_seq: 2 });
    expect(server.rooms.stats().openRooms).toBe(1);
  });

  it('times each update from receipt to durable confirmation, and each log write', async () => {
    const server = await realtimeServer();
    const pair = await createMemberPair(server.db.db);
    const writer = await socketClient(server.url, pair.therapist.cookie);
    const { doc } = await writer.join(pair.workspaceId, 'roadmap');
    await writer.settled();
    server.rooms.resetStats();
    expect(server.rooms.stats().confirmationMs.count).toBe(0);
    for (const title of ['first', 'second', 'third']) {
      addGoal(doc, { title, proposedBy: 'therapist' });
      await writer.settled();
    }
    const { confirmationMs, logWriteMs } = server.rooms.stats();
    expect(confirmationMs.count).toBe(3);
    expect(confirmationMs.p50).toBeGreaterThan(0);
    expect(confirmationMs.max).toBeGreaterThanOrEqual(confirmationMs.p99);
    expect(confirmationMs.p99).toBeGreaterThanOrEqual(confirmationMs.p50);
    expect(logWriteMs.count).toBeGreaterThanOrEqual(1);
    // A write is part of its update's confirmation: it cannot take longer.
    expect(logWriteMs.max).toBeLessThanOrEqual(confirmationMs.max);
    server.rooms.resetStats();
    expect(server.rooms.stats().confirmationMs).toEqual({ count: 0, p50: 0, p99: 0, max: 0 });
  });

  it('concurrent first joins share one load and one document', async () => {
    let loads = 0;
    const server = await realtimeServer({
      wrapStore: (store) => ({
        ...store,
        latestCheckpoint: async (documentId) => {
          loads++;
          await new Promise((done) => setTimeout(done, 100));
          return store.latestCheckpoint(documentId);
        },
      }),
    });
    const pair = await createMemberPair(server.db.db);
    const sockets = await Promise.all([pair.therapist, pair.client, pair.therapist, pair.client].map((member) => socketClient(server.url, member.cookie)));
    const provider = connectProvider(server.url, pair.workspaceId, 'roadmap', pair.client.cookie);
    cleanup.push(() => provider.destroy());
    const joined = await Promise.all(sockets.map((socket) => socket.join(pair.workspaceId, 'roadmap')));
    await provider.synced;
    expect(loads).toBe(1);
    expect(server.rooms.stats().openRooms).toBe(1);

    joined.forEach((entry, index) => addGoal(entry.doc, { title: `from ${index}`, proposedBy: entry.result.role }));
    addGoal(provider.doc, { title: 'from the provider', proposedBy: 'client' });
    const everyone = [...joined.map((entry) => entry.doc), provider.doc];
    await waitFor(() => everyone.every((doc) => goalTitles(doc).length === 5), 'all five goals everywhere');
    for (const doc of everyone) expect(snapshotRoadmap(doc)).toEqual(snapshotRoadmap(provider.doc));
  });

  it('a failed load refuses the join with LOAD_FAILED, leaves no room and writes nothing; the next join loads', async () => {
    let failNext = true;
    const server = await realtimeServer({
      wrapStore: (store) => ({
        ...store,
        listUpdatesAfter: async (documentId, afterSeq) => {
          if (failNext) {
            failNext = false;
            throw new Error('connection terminated');
          }
          return store.listUpdatesAfter(documentId, afterSeq);
        },
      }),
    });
    const pair = await createMemberPair(server.db.db);
    const documentId = await roadmapId(server.db.db, pair.workspaceId);
    const socket = await socketClient(server.url, pair.therapist.cookie);
    expect(await socket.emitJoin(pair.workspaceId, 'roadmap')).toMatchObject({ ok: false, code: 'LOAD_FAILED' });
    expect(server.rooms.stats().openRooms).toBe(0);
    await new Promise((done) => setTimeout(done, 200));
    expect(await listCheckpoints(server.db.db, documentId)).toHaveLength(0);
    expect(await lastSeq(server.db.db, documentId)).toBe(1);

    const { doc } = await socket.join(pair.workspaceId, 'roadmap');
    expect(snapshotRoadmap(doc).title).toBe(pair.title);
  });

  it('writes pending updates and a checkpoint when the last member leaves, then unloads', async () => {
    const server = await realtimeServer({ env: { ROOM_IDLE_UNLOAD_MS: '0' } });
    const pair = await createMemberPair(server.db.db);
    const writer = await socketClient(server.url, pair.therapist.cookie);
    const { doc } = await writer.join(pair.workspaceId, 'roadmap');
    addGoal(doc, { title: 'before leaving', proposedBy: 'therapist' });
    await writer.settled();
    writer.close();
    await waitFor(() => server.rooms.stats().openRooms === 0, 'the room unloaded');
    const documentId = await roadmapId(server.db.db, pair.workspaceId);
    const [checkpoint] = await listCheckpoints(server.db.db, documentId);
    expect(checkpoint).toMatchObject({ kind: 'auto', up_to_seq: 2 });
  });

  it('a member joining while the room unloads keeps it open, and nothing is lost', async () => {
    const checkpointGate = gate();
    const checkpointStarted = gate();
    let holdCheckpoints = true;
    const server = await realtimeServer({
      env: { ROOM_IDLE_UNLOAD_MS: '0' },
      wrapStore: (store) => ({
        ...store,
        insertCheckpoint: async (checkpoint) => {
          if (holdCheckpoints) {
            checkpointStarted.open();
            await checkpointGate.opened;
          }
          return store.insertCheckpoint(checkpoint);
        },
      }),
    });
    const pair = await createMemberPair(server.db.db);
    const first = await socketClient(server.url, pair.therapist.cookie);
    const a = await first.join(pair.workspaceId, 'roadmap');
    addGoal(a.doc, { title: 'first visit', proposedBy: 'therapist' });
    await first.settled();
    first.close();
    await checkpointStarted.opened; // the room is unloading, held in its checkpoint

    const second = await socketClient(server.url, pair.client.cookie);
    const b = await second.join(pair.workspaceId, 'roadmap');
    expect(goalTitles(b.doc)).toEqual(['first visit']);
    addGoal(b.doc, { title: 'during the unload', proposedBy: 'client' });
    holdCheckpoints = false;
    checkpointGate.open();
    expect(await second.lastAck()).toMatchObject({ ok: true });
    await new Promise((done) => setTimeout(done, 100));
    expect(server.rooms.stats().openRooms).toBe(1);

    second.close();
    await waitFor(() => server.rooms.stats().openRooms === 0, 'the room unloaded');
    const third = await socketClient(server.url, pair.therapist.cookie);
    const c = await third.join(pair.workspaceId, 'roadmap');
    expect(goalTitles(c.doc)).toEqual(['first visit', 'during the unload']);
  });

  it('closing the server writes the updates it could not write yet and a final checkpoint', async () => {
    const outage = failingWrites();
    const server = await realtimeServer({ env: { UPDATE_LOG_RETRY_MAX_MS: '50' }, wrapStore: outage.wrap });
    const pair = await createMemberPair(server.db.db);
    const writer = await socketClient(server.url, pair.therapist.cookie);
    const { doc } = await writer.join(pair.workspaceId, 'roadmap');
    await writer.settled();
    outage.state.failing = true;
    addGoal(doc, { title: 'unsaved at shutdown', proposedBy: 'therapist' });
    await waitFor(() => writer.statuses.some((status) => status.state === 'unsaved'), 'an unsaved status');

    // Reads go to a second connection: close() also closes the server's own.
    const database = server.database;
    const closed = server.close();
    outage.state.failing = false;
    await closed;
    const check = createDb({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
    try {
      const documentId = await roadmapId(check.db, pair.workspaceId);
      expect(goalTitles(await loggedDoc(check.db, pair.workspaceId, 'roadmap'))).toEqual(['unsaved at shutdown']);
      expect((await listCheckpoints(check.db, documentId))[0]).toMatchObject({ up_to_seq: 2 });
    } finally {
      await check.close();
    }
  });
});
