import { randomUUID } from 'node:crypto';
import { findDocument, leaseHolder } from '@alliance/db';
import { createTestDatabase, type TestDatabase } from '@alliance/db/testing';
import { addGoal, docKey, snapshotRoadmap } from '@alliance/shared';
import { createClient } from 'redis';
import { afterEach, describe, expect, it } from 'vitest';
import type { DocRelay } from '../collab/relay.js';
import type { CollabStore } from '../collab/store.js';
import { createMemberPair, gate, SocketClient, startRealtimeServer, waitFor, type RealtimeServer } from './fixtures.js';

// Rooms of two processes in one: two registries on one Postgres database, each with its own
// relay over one Redis, so a test can hold one process's steps at a chosen moment.
process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const goalTitles = (doc: Parameters<typeof snapshotRoadmap>[0]) => snapshotRoadmap(doc).goals.map((goal) => goal.title);

/** One deployment's shared parts: a database of its own, and Redis channels under a prefix of its own. */
interface Deployment {
  database: TestDatabase;
  prefix: string;
}

/**
 * A store whose `method` stops once called, until the test lets it go on: `reached` opens when
 * it is called, `goOn()` lets it (and every later call) through.
 */
function holdingAt(method: 'latestCheckpoint' | 'releaseLease') {
  const reached = gate();
  const goingOn = gate();
  const wrapStore = (store: CollabStore): CollabStore => ({
    ...store,
    [method]: async (...args: unknown[]) => {
      reached.open();
      await goingOn.opened;
      return (store[method] as (...passed: unknown[]) => Promise<unknown>)(...args);
    },
  });
  return { wrapStore, reached: reached.opened, goOn: goingOn.open };
}

describe('rooms of two processes on one Postgres and one Redis', { timeout: 60_000 }, () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    while (cleanup.length > 0) await cleanup.pop()!();
  });

  async function deployment(): Promise<Deployment> {
    const database = await createTestDatabase('postgres');
    cleanup.push(() => database.drop());
    return { database, prefix: `alliance-test-${randomUUID().slice(0, 8)}` };
  }

  async function start(
    { database, prefix }: Deployment,
    options: Parameters<typeof startRealtimeServer>[1] & { wrapRelay?: (relay: DocRelay) => DocRelay } = {},
  ): Promise<RealtimeServer> {
    // Followers check on their owners only every 10 s here: what the test sees comes from the channel.
    const server = await startRealtimeServer('postgres', { ...options, database, env: { DOC_LEASE_TTL_MS: '30000' }, relay: { redisUrl: REDIS_URL, prefix, wrap: options.wrapRelay } });
    cleanup.push(() => server.close());
    return server;
  }

  /** A Redis connection of the test's own, to watch the channels and ask who hears them. */
  async function monitor() {
    const client = createClient({ url: REDIS_URL });
    await client.connect();
    cleanup.push(() => client.close());
    return client;
  }

  async function member(url: string, cookie: string): Promise<SocketClient> {
    const socket = await SocketClient.connect(url, cookie);
    cleanup.push(() => socket.close());
    return socket;
  }

  it('a follower that opens a document while its owner is still loading it gets the owner’s edits at once', async () => {
    const shared = await deployment();
    // The owner's load stops after it took the lease, before its room exists.
    const load = holdingAt('latestCheckpoint');
    const owner = await start(shared, { wrapStore: load.wrapStore });
    const follower = await start(shared);
    const pair = await createMemberPair(owner.db.db);

    // Every word to a process's inbox, as Redis delivers it.
    const inboxes: string[] = [];
    await (await monitor()).pSubscribe(`${shared.prefix}:process:*`, (message) => inboxes.push(message));

    const therapist = await member(owner.url, pair.therapist.cookie);
    const therapistJoined = therapist.join(pair.workspaceId, 'roadmap');
    await load.reached;
    const client = await member(follower.url, pair.client.cookie);
    const clientSide = await client.join(pair.workspaceId, 'roadmap');
    // The follower told the owner it follows the document, while the owner had no room for it yet.
    await waitFor(() => inboxes.some((message) => message.includes('"following"')), 'the follower telling the owner');
    await new Promise((resolve) => setTimeout(resolve, 100));
    load.goOn();
    const therapistSide = await therapistJoined;

    addGoal(therapistSide.doc, { title: 'Sleep by eleven', proposedBy: 'therapist' });
    await waitFor(() => goalTitles(clientSide.doc).includes('Sleep by eleven'), "the therapist's goal reaching the client on the follower", 3_000);
    addGoal(clientSide.doc, { title: 'Walk after lunch', proposedBy: 'client' });
    await waitFor(() => goalTitles(therapistSide.doc).includes('Walk after lunch'), "the client's goal reaching the therapist on the owner", 3_000);
    await waitFor(() => goalTitles(clientSide.doc).length === goalTitles(therapistSide.doc).length, 'both sides alike', 3_000);
    expect(snapshotRoadmap(clientSide.doc)).toEqual(snapshotRoadmap(therapistSide.doc));
  });

  it('confirms an edit sent through a follower with the owner’s one message on the document’s channel, no separate answer', async () => {
    const shared = await deployment();
    const owner = await start(shared);
    const follower = await start(shared);
    const pair = await createMemberPair(owner.db.db);
    const therapistSide = await (await member(owner.url, pair.therapist.cookie)).join(pair.workspaceId, 'roadmap');
    const client = await member(follower.url, pair.client.cookie);
    const clientSide = await client.join(pair.workspaceId, 'roadmap');
    await client.settled();

    const watch = await monitor();
    // Both processes hear presence; only the follower hears the owner's updates.
    const documentId = (await findDocument(owner.db.db, pair.workspaceId, 'roadmap'))!.id;
    const heard = await watch.pubSubNumSub([`${shared.prefix}:doc:${documentId}`, `${shared.prefix}:doc:${documentId}:updates`]);
    expect(Object.values(heard).map(Number)).toEqual([2, 1]);
    const answers: string[] = [];
    const updates: string[] = [];
    await watch.pSubscribe(`${shared.prefix}:process:*`, (message) => message.includes('"answer"') && answers.push(message));
    await watch.pSubscribe(`${shared.prefix}:doc:*`, (message) => message.includes('"update"') && updates.push(message));

    for (const title of ['Sleep by eleven', 'Walk after lunch', 'Call my sister']) addGoal(clientSide.doc, { title, proposedBy: 'client' });
    const acks = await client.acks();
    expect(acks.slice(-3).map((ack) => ack.ok && ack.data?.saved)).toEqual([true, true, true]);
    await waitFor(() => goalTitles(therapistSide.doc).length === goalTitles(clientSide.doc).length, 'the goals on the owner');
    expect(snapshotRoadmap(therapistSide.doc)).toEqual(snapshotRoadmap(clientSide.doc));
    expect(updates.length).toBe(3);
    expect(answers).toEqual([]);
  });

  it('a follower whose word that it follows comes after the owner stored an edit still gets that edit on the channel', async () => {
    const shared = await deployment();
    const owner = await start(shared);
    // The follower's "I follow" is held back until the test lets it go.
    const held: (() => void)[] = [];
    let holding = true;
    const follower = await start(shared, {
      wrapRelay: (relay) => ({
        ...relay,
        tellFollowing: (to, documentIds) => (holding ? held.push(() => relay.tellFollowing(to, documentIds)) : relay.tellFollowing(to, documentIds)),
      }),
    });
    const pair = await createMemberPair(owner.db.db);
    const therapist = await member(owner.url, pair.therapist.cookie);
    const therapistSide = await therapist.join(pair.workspaceId, 'roadmap');
    const clientSide = await (await member(follower.url, pair.client.cookie)).join(pair.workspaceId, 'roadmap');
    expect(held.length).toBeGreaterThan(0);

    // Stored after the follower read the log, while the owner knew of no follower.
    addGoal(therapistSide.doc, { title: 'Sleep by eleven', proposedBy: 'therapist' });
    expect((await therapist.lastAck()).ok).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(goalTitles(clientSide.doc)).not.toContain('Sleep by eleven');

    holding = false;
    for (const tell of held.splice(0)) tell();
    await waitFor(() => goalTitles(clientSide.doc).includes('Sleep by eleven'), 'the goal reaching the client once the owner hears of the follower', 3_000);
    addGoal(clientSide.doc, { title: 'Walk after lunch', proposedBy: 'client' });
    await waitFor(() => goalTitles(therapistSide.doc).includes('Walk after lunch'), "the client's goal reaching the therapist", 3_000);
    expect(snapshotRoadmap(clientSide.doc)).toEqual(snapshotRoadmap(therapistSide.doc));
  });

  it('an owner that lets a document go says so only once its lease is free, and counts the room open until then', async () => {
    const shared = await deployment();
    const release = holdingAt('releaseLease');
    const owner = await start(shared, { wrapStore: release.wrapStore });
    const pair = await createMemberPair(owner.db.db);
    const released: string[] = [];
    await (await monitor()).pSubscribe(`${shared.prefix}:doc:*`, (message) => message.includes('"released"') && released.push(message));

    const therapist = await member(owner.url, pair.therapist.cookie);
    await therapist.join(pair.workspaceId, 'roadmap');
    therapist.leave(docKey(pair.workspaceId, 'roadmap'));
    // The room unloads a moment after its last member left, and stops at giving up the lease.
    await release.reached;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(released).toEqual([]);
    expect(owner.rooms.stats().openRooms).toBe(1);
    const documentId = (await findDocument(owner.db.db, pair.workspaceId, 'roadmap'))!.id;
    expect((await leaseHolder(owner.db.db, documentId))?.owner).toBeDefined();

    release.goOn();
    await waitFor(() => released.length === 1, 'the owner saying it let the document go');
    expect(await leaseHolder(owner.db.db, documentId)).toBeUndefined();
    await waitFor(() => owner.rooms.stats().openRooms === 0, 'the room counted closed');
  });
});
