import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, testBackends } from '../testing.js';
import { acceptInvite, createInvite, expireOpenInvites, findInvitePreview } from './invites.repository.js';
import { createUser } from './users.repository.js';
import { createWorkspace } from './workspaces.repository.js';

const HOUR = 3_600_000;
const later = () => new Date(Date.now() + HOUR);

describe.each(testBackends())('invites repository on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let therapistId: string;
  let userCount = 0;
  const newUser = async () => (await createUser(handle.db, { email: `u${(userCount += 1)}@example.com`, name: `User ${userCount}`, passwordHash: 'x' }))!.id;
  const newWorkspace = async () => (await createWorkspace(handle.db, { title: 'W', therapistId, docs: [] })).id;
  const clientsOf = async (workspaceId: string) =>
    (await handle.db.selectFrom('memberships').select('user_id').where('workspace_id', '=', workspaceId).where('role', '=', 'client').execute()).map((row) => row.user_id);

  beforeAll(async () => {
    handle = await openTestDb(kind);
    therapistId = (await createUser(handle.db, { email: 'therapist@example.com', name: 'Dr Okafor', passwordHash: 'x' }))!.id;
  });
  afterAll(async () => {
    await handle.drop();
  });

  it('previews an invite with the therapist’s name and whether the workspace has a client', async () => {
    const workspaceId = await newWorkspace();
    const expiresAt = later();
    const { id } = await createInvite(handle.db, { workspaceId, tokenHash: 'preview', createdBy: therapistId, expiresAt });
    expect(id).toEqual(expect.any(String));
    expect(await findInvitePreview(handle.db, 'preview')).toEqual({ workspaceId, expiresAt, usedAt: null, therapistName: 'Dr Okafor', hasClient: false });
    await handle.db.insertInto('memberships').values({ workspace_id: workspaceId, user_id: await newUser(), role: 'client' }).execute();
    expect((await findInvitePreview(handle.db, 'preview'))?.hasClient).toBe(true);
    expect(await findInvitePreview(handle.db, 'unknown')).toBeUndefined();
  });

  it('makes the accepting user the client and marks the invite used', async () => {
    const workspaceId = await newWorkspace();
    const userId = await newUser();
    await createInvite(handle.db, { workspaceId, tokenHash: 'accept', createdBy: therapistId, expiresAt: later() });
    expect(await acceptInvite(handle.db, { tokenHash: 'accept', userId })).toEqual({ ok: true, workspaceId });
    expect(await clientsOf(workspaceId)).toEqual([userId]);
    const invite = await handle.db.selectFrom('invites').select(['used_at', 'used_by']).where('token_hash', '=', 'accept').executeTakeFirstOrThrow();
    expect(invite.used_by).toBe(userId);
    expect(invite.used_at).toBeInstanceOf(Date);
  });

  it('tells an unknown, a used and an expired invite apart', async () => {
    const workspaceId = await newWorkspace();
    await createInvite(handle.db, { workspaceId, tokenHash: 'once', createdBy: therapistId, expiresAt: later() });
    await acceptInvite(handle.db, { tokenHash: 'once', userId: await newUser() });
    expect(await acceptInvite(handle.db, { tokenHash: 'once', userId: await newUser() })).toEqual({ ok: false, reason: 'used' });
    expect(await acceptInvite(handle.db, { tokenHash: 'nope', userId: await newUser() })).toEqual({ ok: false, reason: 'invalid' });
    const otherWorkspace = await newWorkspace();
    await createInvite(handle.db, { workspaceId: otherWorkspace, tokenHash: 'stale', createdBy: therapistId, expiresAt: new Date(Date.now() - 1_000) });
    expect(await acceptInvite(handle.db, { tokenHash: 'stale', userId: await newUser() })).toEqual({ ok: false, reason: 'expired' });
    expect(await clientsOf(otherWorkspace)).toEqual([]);
  });

  it('refuses the therapist as their own client and a second client', async () => {
    const workspaceId = await newWorkspace();
    await createInvite(handle.db, { workspaceId, tokenHash: 'own', createdBy: therapistId, expiresAt: later() });
    expect(await acceptInvite(handle.db, { tokenHash: 'own', userId: therapistId })).toEqual({ ok: false, reason: 'already-member' });
    const first = await newUser();
    await handle.db.insertInto('memberships').values({ workspace_id: workspaceId, user_id: first, role: 'client' }).execute();
    expect(await acceptInvite(handle.db, { tokenHash: 'own', userId: await newUser() })).toEqual({ ok: false, reason: 'client-taken' });
    expect(await clientsOf(workspaceId)).toEqual([first]);
  });

  it('lets exactly one of many concurrent accepts of one invite win', async () => {
    const workspaceId = await newWorkspace();
    await createInvite(handle.db, { workspaceId, tokenHash: 'race', createdBy: therapistId, expiresAt: later() });
    const users = await Promise.all(Array.from({ length: 5 }, newUser));
    const results = await Promise.all(users.map((userId) => acceptInvite(handle.db, { tokenHash: 'race', userId })));
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok).map((result) => !result.ok && result.reason)).toEqual(['used', 'used', 'used', 'used']);
    expect(await clientsOf(workspaceId)).toHaveLength(1);
  });

  it('lets exactly one client in when two different invites of a workspace are accepted at once', async () => {
    const workspaceId = await newWorkspace();
    await createInvite(handle.db, { workspaceId, tokenHash: 'twin-a', createdBy: therapistId, expiresAt: later() });
    await createInvite(handle.db, { workspaceId, tokenHash: 'twin-b', createdBy: therapistId, expiresAt: later() });
    const [a, b] = [await newUser(), await newUser()];
    const results = await Promise.all([acceptInvite(handle.db, { tokenHash: 'twin-a', userId: a }), acceptInvite(handle.db, { tokenHash: 'twin-b', userId: b })]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.find((result) => !result.ok)).toEqual({ ok: false, reason: 'client-taken' });
    expect(await clientsOf(workspaceId)).toHaveLength(1);
  });

  it('expires the open invites of one workspace only, leaving used ones as they were', async () => {
    const workspaceId = await newWorkspace();
    const otherWorkspace = await newWorkspace();
    await createInvite(handle.db, { workspaceId, tokenHash: 'open-1', createdBy: therapistId, expiresAt: later() });
    await createInvite(handle.db, { workspaceId, tokenHash: 'open-2', createdBy: therapistId, expiresAt: later() });
    await createInvite(handle.db, { workspaceId: otherWorkspace, tokenHash: 'elsewhere', createdBy: therapistId, expiresAt: later() });
    expect(await expireOpenInvites(handle.db, workspaceId)).toBe(2);
    expect(await acceptInvite(handle.db, { tokenHash: 'open-1', userId: await newUser() })).toEqual({ ok: false, reason: 'expired' });
    expect((await acceptInvite(handle.db, { tokenHash: 'elsewhere', userId: await newUser() })).ok).toBe(true);
    expect(await expireOpenInvites(handle.db, otherWorkspace)).toBe(0);
  });
});
