import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, testBackends } from '../testing.js';
import {
  acquireLease,
  appendFencedUpdates,
  exactCheckpointAtOrBefore,
  insertCheckpoint,
  insertFencedCheckpoint,
  listCheckpoints,
  listDocClients,
  listUpdatesAfter,
  listVersions,
  releaseLease,
  renewLeases,
  thinCheckpoints,
} from './documents.repository.js';
import { createUser } from './users.repository.js';
import { createWorkspace } from './workspaces.repository.js';

/** Takes a free lease for a minute and returns its token. */
async function takeLease(db: Parameters<typeof acquireLease>[0], documentId: string, owner: string): Promise<number> {
  const take = await acquireLease(db, documentId, owner, 60_000);
  if (!('token' in take)) throw new Error(`the lease is held by ${take.heldBy?.owner ?? 'someone'}`);
  return take.token;
}

describe.each(testBackends())('the fenced update log on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let userId: string;
  let documents: string[];
  beforeAll(async () => {
    handle = await openTestDb(kind);
    userId = (await createUser(handle.db, { email: 'u@example.com', name: 'Uma', passwordHash: 'x' }))!.id;
    const workspace = await createWorkspace(handle.db, {
      title: 'W',
      therapistId: userId,
      docs: [
        { name: 'roadmap', initialUpdate: null },
        { name: 'feedback', initialUpdate: null },
      ],
    });
    documents = (await handle.db.selectFrom('documents').select('id').where('workspace_id', '=', workspace.id).orderBy('name').execute()).map((row) => row.id);
  });
  afterAll(async () => {
    await handle.drop();
  });

  it('gives a lease to one owner at a time, and a new token to each new holder', async () => {
    const [doc] = documents as [string];
    expect(await acquireLease(handle.db, doc, 'process-a', 60_000)).toEqual({ token: 1 });
    // Another process is told who holds it, in the same round trip.
    expect(await acquireLease(handle.db, doc, 'process-b', 60_000)).toEqual({ heldBy: { owner: 'process-a', token: 1 } });
    // The holder taking it again gets a new token: its older writes no longer count.
    expect(await acquireLease(handle.db, doc, 'process-a', 60_000)).toEqual({ token: 2 });
    expect(await acquireLease(handle.db, doc, 'process-b', 60_000)).toEqual({ heldBy: { owner: 'process-a', token: 2 } });
    expect(await renewLeases(handle.db, 'process-a', [{ documentId: doc, token: 1 }], 60_000)).toEqual(new Set());
    expect(await renewLeases(handle.db, 'process-a', [{ documentId: doc, token: 2 }], 60_000)).toEqual(new Set([doc]));
    await releaseLease(handle.db, doc, 'process-a', 2);
    expect(await acquireLease(handle.db, doc, 'process-b', 60_000)).toEqual({ token: 3 });
    await releaseLease(handle.db, doc, 'process-b', 3);
  });

  it('takes over an expired lease', async () => {
    const [, doc] = documents as [string, string];
    expect(await acquireLease(handle.db, doc, 'process-a', 1)).toEqual({ token: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await acquireLease(handle.db, doc, 'process-b', 60_000)).toEqual({ token: 2 });
    await releaseLease(handle.db, doc, 'process-b', 2);
  });

  it('writes only for documents whose lease the writer holds, claims included, and skips rows already there', async () => {
    const [roadmap, feedback] = documents as [string, string];
    const tokenA = await takeLease(handle.db, roadmap, 'process-a');
    const tokenB = await takeLease(handle.db, feedback, 'process-b');
    const update = (byte: number) => new Uint8Array([byte, 0, 255]);
    // On Postgres the first write runs prepared (as the server runs it), the later ones as plain statements: both alike.
    const result = await appendFencedUpdates(handle.db, [
      { documentId: roadmap, lease: { owner: 'process-a', token: tokenA }, updates: [{ seq: 1, update: update(1), userId }, { seq: 2, update: update(2), userId: null, serverReason: 'drafts.shared' }], claims: [{ clientId: 42, userId }, { clientId: 7, userId: null }] },
      // process-a does not hold feedback's lease: nothing of it is written.
      { documentId: feedback, lease: { owner: 'process-a', token: tokenB }, updates: [{ seq: 1, update: update(3), userId }], claims: [{ clientId: 43, userId }] },
    ], handle.postgresPool);
    expect(result).toEqual({ added: 2, fencedOut: [feedback] });
    expect((await listUpdatesAfter(handle.db, roadmap, 0)).map((u) => ({ ...u, update: [...u.update] }))).toEqual([
      { seq: 1, update: [1, 0, 255], userId, serverReason: null },
      { seq: 2, update: [2, 0, 255], userId: null, serverReason: 'drafts.shared' },
    ]);
    expect(await listUpdatesAfter(handle.db, feedback, 0)).toEqual([]);
    expect((await listDocClients(handle.db, roadmap)).sort((a, b) => a.clientId - b.clientId)).toEqual([
      { clientId: 7, userId: null },
      { clientId: 42, userId },
    ]);
    expect(await listDocClients(handle.db, feedback)).toEqual([]);

    // A retry of the same write adds nothing and is not fenced out.
    const retry = await appendFencedUpdates(handle.db, [{ documentId: roadmap, lease: { owner: 'process-a', token: tokenA }, updates: [{ seq: 2, update: update(2), userId: null }], claims: [] }]);
    expect(retry).toEqual({ added: 0, fencedOut: [] });

    // Large updates, every byte value and a quote or backslash among them, arrive exactly as sent.
    const large = Uint8Array.from({ length: 200_000 }, (_, index) => (index * 7 + (index >> 8)) % 256);
    const quoted = new TextEncoder().encode('a"b\\c{d},e');
    expect(await appendFencedUpdates(handle.db, [{ documentId: roadmap, lease: { owner: 'process-a', token: tokenA }, updates: [{ seq: 3, update: large, userId }, { seq: 4, update: quoted, userId }], claims: [] }])).toEqual({ added: 2, fencedOut: [] });
    const empty = new Uint8Array(0);
    expect(await appendFencedUpdates(handle.db, [{ documentId: roadmap, lease: { owner: 'process-a', token: tokenA }, updates: [{ seq: 5, update: quoted, userId }, { seq: 6, update: empty, userId }, { seq: 7, update: large, userId }], claims: [] }], handle.postgresPool)).toEqual({ added: 3, fencedOut: [] });
    const stored = (await listUpdatesAfter(handle.db, roadmap, 2)).map((u) => u.update);
    expect(stored).toHaveLength(5);
    for (const [index, sent] of [large, quoted, quoted, empty, large].entries()) expect(Buffer.from(stored[index]!).equals(Buffer.from(sent))).toBe(true);
    await releaseLease(handle.db, roadmap, 'process-a', tokenA);
    await releaseLease(handle.db, feedback, 'process-b', tokenB);
  });

  it('renews leases while group commits of the same documents run, without deadlocking', async () => {
    // Renewal updates the lease rows a group commit locks for share. With many leases Postgres
    // renews them in table order, while a small group commit looks its few rows up in the order
    // it names them: unless both take the rows in one order, they can wait for each other.
    const workspaces = [];
    for (let index = 0; index < 60; index++) {
      workspaces.push(await createWorkspace(handle.db, { title: `W${index}`, therapistId: userId, docs: [{ name: 'roadmap', initialUpdate: null }, { name: 'feedback', initialUpdate: null }] }));
    }
    const ids = (await handle.db.selectFrom('documents').select('id').where('workspace_id', 'in', workspaces.map((w) => w.id)).execute()).map((row) => row.id);
    const leases = await Promise.all(ids.map(async (documentId) => ({ documentId, token: await takeLease(handle.db, documentId, 'process-a') })));
    const shuffled = <T>(items: T[]) => items.map((item) => ({ item, key: Math.random() })).sort((a, b) => a.key - b.key).map(({ item }) => item);
    const seqs = new Map(ids.map((id) => [id, 0]));
    const rounds = 30;
    const writers = 6;
    for (let round = 0; round < rounds; round++) {
      const appends = Array.from({ length: writers }, (_, writer) =>
        appendFencedUpdates(
          handle.db,
          // Each writer names its own documents (one writer per document, as in a process).
          shuffled(leases.filter((_, index) => index % writers === writer)).map((lease) => {
            const seq = seqs.get(lease.documentId)! + 1;
            seqs.set(lease.documentId, seq);
            return { documentId: lease.documentId, lease: { owner: 'process-a', token: lease.token }, updates: [{ seq, update: new Uint8Array([writer]), userId }], claims: [] };
          }),
          handle.postgresPool,
        ),
      );
      const renewals = Array.from({ length: 2 }, () => renewLeases(handle.db, 'process-a', shuffled(leases), 60_000));
      const [written, renewed] = await Promise.all([Promise.all(appends), Promise.all(renewals)]);
      expect(written.map((result) => result.fencedOut.length)).toEqual(Array(writers).fill(0));
      for (const kept of renewed) expect(kept.size).toBe(ids.length);
    }
    expect(await listUpdatesAfter(handle.db, ids[0]!, 0)).toHaveLength(rounds);
    for (const lease of leases) await releaseLease(handle.db, lease.documentId, 'process-a', lease.token);
  });
});

describe.each(testBackends())('checkpoints and versions on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let documentId: string;
  beforeAll(async () => {
    handle = await openTestDb(kind);
    const userId = (await createUser(handle.db, { email: 'v@example.com', name: 'Vi', passwordHash: 'x' }))!.id;
    const workspace = await createWorkspace(handle.db, { title: 'W', therapistId: userId, docs: [{ name: 'roadmap', initialUpdate: null }] });
    documentId = (await handle.db.selectFrom('documents').select('id').where('workspace_id', '=', workspace.id).executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => {
    await handle.drop();
  });

  it('thins checkpoints to the latest and one exact per stretch of the log, keeping every version', async () => {
    const token = await takeLease(handle.db, documentId, 'p');
    const lease = { owner: 'p', token };
    for (const seq of [100, 400, 900, 1_200, 1_500, 2_100]) {
      await insertFencedCheckpoint(handle.db, { documentId, upToSeq: seq, state: new Uint8Array([0, 0]), lease, version: { kind: 'periodic', label: null, createdBy: null } });
    }
    // An older, inexact checkpoint (from before they were exact) beyond every exact one is kept only if it is the latest.
    await insertCheckpoint(handle.db, { documentId, upToSeq: 50, state: new Uint8Array([0, 0]), kind: 'auto' });
    expect(await thinCheckpoints(handle.db)).toBe(4);
    expect((await listCheckpoints(handle.db, documentId)).map((row) => row.up_to_seq)).toEqual([2_100, 1_500, 900]);
    expect((await exactCheckpointAtOrBefore(handle.db, documentId, 1_499))?.up_to_seq).toBe(900);
    expect((await listVersions(handle.db, documentId)).map((version) => version.seq).sort((a, b) => a - b)).toEqual([100, 400, 900, 1_200, 1_500, 2_100]);
    expect(await thinCheckpoints(handle.db)).toBe(0);
  });

  it('writes a checkpoint and its version in one statement, and neither without the lease', async () => {
    const written = await insertFencedCheckpoint(handle.db, { documentId, upToSeq: 3_000, state: new Uint8Array([0, 0]), lease: { owner: 'someone else', token: 1 }, version: { kind: 'named', label: 'x', createdBy: null } });
    expect(written).toBeUndefined();
    expect((await listVersions(handle.db, documentId)).some((version) => version.label === 'x')).toBe(false);
  });
});
