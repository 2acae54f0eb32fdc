import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, testBackends } from '../testing.js';
import { findDocument, insertCheckpoint, latestCheckpoint, listCheckpoints, thinAutoCheckpoints } from './documents.repository.js';
import { createUser } from './users.repository.js';
import { createWorkspace } from './workspaces.repository.js';

const HOUR_MS = 60 * 60 * 1000;

describe.each(testBackends())('checkpoints on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  beforeAll(async () => {
    handle = await openTestDb(kind);
  });
  afterAll(async () => {
    await handle.drop();
  });

  async function newDocument(label: string): Promise<string> {
    const user = await createUser(handle.db, { email: `${label}-${kind}@example.com`, name: label, passwordHash: 'x' });
    const workspace = await createWorkspace(handle.db, { title: label, therapistId: user!.id, docs: [{ name: 'roadmap', initialUpdate: new Uint8Array([0, 0]) }] });
    return (await findDocument(handle.db, workspace.id, 'roadmap'))!.id;
  }

  /** A checkpoint as if written at `at`. */
  async function checkpointAt(documentId: string, upToSeq: number, at: Date, kindOf: 'auto' | 'session' | 'named' = 'auto'): Promise<string> {
    const row = await insertCheckpoint(handle.db, { documentId, upToSeq, state: new Uint8Array([upToSeq]), kind: kindOf, label: kindOf === 'auto' ? null : `v${upToSeq}` });
    await handle.db.updateTable('doc_checkpoints').set({ created_at: at }).where('id', '=', row.id).execute();
    return row.id;
  }

  it('thins old automatic checkpoints to one per hour, keeping recent ones, versions and the latest', async () => {
    const documentId = await newDocument('thin');
    const other = await newDocument('other');
    const now = Date.now();
    const base = Math.floor((now - 3 * 24 * HOUR_MS) / HOUR_MS) * HOUR_MS; // on the hour, three days ago
    const at = (offsetMs: number) => new Date(base + offsetMs);
    // Hour one: three automatic checkpoints and a session version.
    await checkpointAt(documentId, 10, at(5 * 60_000));
    await checkpointAt(documentId, 20, at(20 * 60_000));
    const session = await checkpointAt(documentId, 25, at(25 * 60_000), 'session');
    const lastOfHourOne = await checkpointAt(documentId, 30, at(50 * 60_000));
    // Hour two: two; the later one stays.
    await checkpointAt(documentId, 40, at(HOUR_MS + 10 * 60_000));
    const lastOfHourTwo = await checkpointAt(documentId, 50, at(HOUR_MS + 40 * 60_000));
    // Recent ones (within the day kept whole).
    const recentA = await checkpointAt(documentId, 60, new Date(now - 2 * 60_000));
    const recentB = await checkpointAt(documentId, 70, new Date(now - 60_000));
    // Another document's old checkpoint: the only one of its hour, so it stays.
    const otherOnly = await checkpointAt(other, 5, at(30 * 60_000));

    const deleted = await thinAutoCheckpoints(handle.db, new Date(now - 24 * HOUR_MS));

    expect(deleted).toBe(3);
    const left = (await listCheckpoints(handle.db, documentId)).map((row) => row.id).sort();
    expect(left).toEqual([session, lastOfHourOne, lastOfHourTwo, recentA, recentB].sort());
    expect((await listCheckpoints(handle.db, other)).map((row) => row.id)).toEqual([otherOnly]);
    expect((await latestCheckpoint(handle.db, documentId))?.id).toBe(recentB);
    // Running again finds nothing more to do.
    expect(await thinAutoCheckpoints(handle.db, new Date(now - 24 * HOUR_MS))).toBe(0);
  });

  it('never deletes a document’s latest checkpoint, however old', async () => {
    const documentId = await newDocument('idle');
    const old = Date.now() - 30 * 24 * HOUR_MS;
    await checkpointAt(documentId, 3, new Date(old));
    const latest = await checkpointAt(documentId, 9, new Date(old + 1_000));
    await thinAutoCheckpoints(handle.db, new Date());
    expect((await listCheckpoints(handle.db, documentId)).map((row) => row.id)).toEqual([latest]);
  });
});
