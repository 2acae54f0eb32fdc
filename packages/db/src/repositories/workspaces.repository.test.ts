import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, testBackends } from '../testing.js';
import { listUpdatesAfter } from './documents.repository.js';
import { createUser } from './users.repository.js';
import { archiveWorkspace, createWorkspace, findWorkspaceForMember, listMembers, listWorkspacesForUser } from './workspaces.repository.js';

describe.each(testBackends())('workspaces repository on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let therapistId: string;
  let clientId: string;
  let strangerId: string;
  beforeAll(async () => {
    handle = await openTestDb(kind);
    therapistId = (await createUser(handle.db, { email: 't@example.com', name: 'Tess', passwordHash: 'x' }))!.id;
    clientId = (await createUser(handle.db, { email: 'c@example.com', name: 'Cai', passwordHash: 'x' }))!.id;
    strangerId = (await createUser(handle.db, { email: 'x@example.com', name: 'Xan', passwordHash: 'x' }))!.id;
  });
  afterAll(async () => {
    await handle.drop();
  });

  it('creates the workspace, its therapist membership and its documents, seeding only those given an update', async () => {
    const workspace = await createWorkspace(handle.db, {
      title: 'W',
      therapistId,
      docs: [
        { name: 'roadmap', initialUpdate: new Uint8Array([7, 7]) },
        { name: 'feedback', initialUpdate: null },
      ],
    });
    const docs = await handle.db.selectFrom('documents').select(['id', 'name']).where('workspace_id', '=', workspace.id).orderBy('name').execute();
    expect(docs.map((doc) => doc.name)).toEqual(['feedback', 'roadmap']);
    const roadmap = await listUpdatesAfter(handle.db, docs[1]!.id, 0);
    expect(roadmap.map((u) => ({ seq: u.seq, update: [...u.update], userId: u.userId }))).toEqual([{ seq: 1, update: [7, 7], userId: therapistId }]);
    expect(await listUpdatesAfter(handle.db, docs[0]!.id, 0)).toEqual([]);
    expect(await listMembers(handle.db, workspace.id)).toEqual([{ userId: therapistId, name: 'Tess', role: 'therapist', joinedAt: expect.any(Date) }]);
  });

  it('creates nothing when a part fails (one transaction)', async () => {
    const before = await handle.db.selectFrom('workspaces').select('id').execute();
    await expect(
      createWorkspace(handle.db, {
        title: 'Broken',
        therapistId,
        docs: [
          { name: 'roadmap', initialUpdate: null },
          { name: 'roadmap', initialUpdate: null },
        ],
      }),
    ).rejects.toThrow();
    expect(await handle.db.selectFrom('workspaces').select('id').execute()).toHaveLength(before.length);
  });

  it('finds a workspace for its members with their role, and not for anyone else', async () => {
    const workspace = await createWorkspace(handle.db, { title: 'Shared', therapistId, docs: [] });
    await handle.db.insertInto('memberships').values({ workspace_id: workspace.id, user_id: clientId, role: 'client' }).execute();
    expect(await findWorkspaceForMember(handle.db, workspace.id, therapistId)).toMatchObject({ id: workspace.id, title: 'Shared', role: 'therapist', archivedAt: null });
    expect(await findWorkspaceForMember(handle.db, workspace.id, clientId)).toMatchObject({ role: 'client' });
    expect(await findWorkspaceForMember(handle.db, workspace.id, strangerId)).toBeUndefined();
    expect((await listWorkspacesForUser(handle.db, clientId)).map((w) => [w.id, w.role])).toEqual([[workspace.id, 'client']]);
    expect(await listWorkspacesForUser(handle.db, strangerId)).toEqual([]);
    expect((await listMembers(handle.db, workspace.id)).map((m) => m.role)).toEqual(['therapist', 'client']);
  });

  it('refuses a second client in one workspace', async () => {
    const workspace = await createWorkspace(handle.db, { title: 'One client', therapistId, docs: [] });
    await handle.db.insertInto('memberships').values({ workspace_id: workspace.id, user_id: clientId, role: 'client' }).execute();
    await expect(handle.db.insertInto('memberships').values({ workspace_id: workspace.id, user_id: strangerId, role: 'client' }).execute()).rejects.toThrow();
  });

  it('archives a workspace once, keeping the first archive time', async () => {
    const workspace = await createWorkspace(handle.db, { title: 'Ending', therapistId, docs: [] });
    const first = new Date('2026-01-01T00:00:00Z');
    await archiveWorkspace(handle.db, workspace.id, first);
    await archiveWorkspace(handle.db, workspace.id, new Date('2026-02-01T00:00:00Z'));
    expect((await findWorkspaceForMember(handle.db, workspace.id, therapistId))?.archivedAt?.toISOString()).toBe(first.toISOString());
  });
});
