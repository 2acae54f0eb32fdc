import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, testBackends } from '../testing.js';
import { confirmClosing, findClosingReview, openClosingReview, saveClosingReflection } from './closing.repository.js';
import { acceptInvite, createInvite } from './invites.repository.js';
import { createUser } from './users.repository.js';
import { createWorkspace, findWorkspaceForMember } from './workspaces.repository.js';

describe.each(testBackends())('closing reviews on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let therapistId: string;
  let clientId: string;

  /** A workspace with its therapist and client. */
  async function pairedWorkspace(name: string): Promise<string> {
    const workspaceId = (await createWorkspace(handle.db, { title: name, therapistId, docs: [] })).id;
    await createInvite(handle.db, { workspaceId, tokenHash: `h-${name}`, createdBy: therapistId, expiresAt: new Date(Date.now() + 60_000) });
    await acceptInvite(handle.db, { tokenHash: `h-${name}`, userId: clientId });
    return workspaceId;
  }

  beforeAll(async () => {
    handle = await openTestDb(kind);
    therapistId = (await createUser(handle.db, { email: 't@example.com', name: 'T', passwordHash: 'x' }))!.id;
    clientId = (await createUser(handle.db, { email: 'c@example.com', name: 'C', passwordHash: 'x' }))!.id;
  });
  afterAll(async () => {
    await handle.drop();
  });

  it('has no review until the therapist opens one, and opening twice keeps the first', async () => {
    const workspaceId = await pairedWorkspace('open');
    expect(await findClosingReview(handle.db, workspaceId)).toBeUndefined();
    expect(await openClosingReview(handle.db, { workspaceId, userId: therapistId })).toBe(true);
    const first = await findClosingReview(handle.db, workspaceId);
    expect(await openClosingReview(handle.db, { workspaceId, userId: therapistId })).toBe(false);
    expect(await findClosingReview(handle.db, workspaceId)).toEqual(first);
    expect(first).toMatchObject({ openedBy: therapistId, reflections: [], confirmations: [] });
  });

  it('keeps one reflection per member, rewritten in place', async () => {
    const workspaceId = await pairedWorkspace('reflect');
    await openClosingReview(handle.db, { workspaceId, userId: therapistId });
    await saveClosingReflection(handle.db, { workspaceId, userId: clientId, helped: 'walks', keep: 'walking', ifHard: 'call' });
    await saveClosingReflection(handle.db, { workspaceId, userId: clientId, helped: 'long walks', keep: 'walking', ifHard: 'call' });
    const review = await findClosingReview(handle.db, workspaceId);
    expect(review?.reflections).toEqual([{ userId: clientId, helped: 'long walks', keep: 'walking', ifHard: 'call', updatedAt: expect.any(Date) }]);
  });

  it('archives the workspace once both members have confirmed, not before', async () => {
    const workspaceId = await pairedWorkspace('confirm');
    await openClosingReview(handle.db, { workspaceId, userId: therapistId });
    expect(await confirmClosing(handle.db, { workspaceId, userId: therapistId })).toBeNull();
    expect(await confirmClosing(handle.db, { workspaceId, userId: therapistId })).toBeNull();
    expect((await findWorkspaceForMember(handle.db, workspaceId, therapistId))?.archivedAt).toBeNull();
    const archivedAt = await confirmClosing(handle.db, { workspaceId, userId: clientId });
    expect(archivedAt).toBeInstanceOf(Date);
    expect((await findWorkspaceForMember(handle.db, workspaceId, clientId))?.archivedAt).toEqual(archivedAt);
    expect((await findClosingReview(handle.db, workspaceId))?.confirmations.map((row) => row.userId).sort()).toEqual([therapistId, clientId].sort());
  });

  it('archives when both confirm at the same moment', async () => {
    const workspaceId = await pairedWorkspace('race');
    await openClosingReview(handle.db, { workspaceId, userId: therapistId });
    const results = await Promise.all([confirmClosing(handle.db, { workspaceId, userId: therapistId }), confirmClosing(handle.db, { workspaceId, userId: clientId })]);
    expect(results.filter((at) => at !== null)).toHaveLength(1);
    expect((await findWorkspaceForMember(handle.db, workspaceId, therapistId))?.archivedAt).toBeInstanceOf(Date);
  });

  it('withdraws confirmations when a reflection changes, so both confirm what finally reads', async () => {
    const workspaceId = await pairedWorkspace('withdraw');
    await openClosingReview(handle.db, { workspaceId, userId: therapistId });
    await confirmClosing(handle.db, { workspaceId, userId: therapistId });
    await saveClosingReflection(handle.db, { workspaceId, userId: clientId, helped: 'a', keep: 'b', ifHard: 'c' });
    expect((await findClosingReview(handle.db, workspaceId))?.confirmations).toEqual([]);
    expect(await confirmClosing(handle.db, { workspaceId, userId: clientId })).toBeNull();
  });

  it('does not archive a workspace whose client never joined', async () => {
    const workspaceId = (await createWorkspace(handle.db, { title: 'alone', therapistId, docs: [] })).id;
    await openClosingReview(handle.db, { workspaceId, userId: therapistId });
    expect(await confirmClosing(handle.db, { workspaceId, userId: therapistId })).toBeNull();
  });
});
