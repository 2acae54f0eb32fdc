import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, testBackends } from '../testing.js';
import { listAudit, recordAudit } from './audit.repository.js';
import { createUser } from './users.repository.js';
import { createWorkspace } from './workspaces.repository.js';

describe.each(testBackends())('audit repository on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let userId: string;
  beforeAll(async () => {
    handle = await openTestDb(kind);
    userId = (await createUser(handle.db, { email: 'a@example.com', name: 'Avery', passwordHash: 'x' }))!.id;
  });
  afterAll(async () => {
    await handle.drop();
  });

  it('lists a workspace’s events newest first with the actor’s name', async () => {
    const workspace = await createWorkspace(handle.db, { title: 'W', therapistId: userId, docs: [] });
    await recordAudit(handle.db, { workspaceId: workspace.id, userId, action: 'workspace.create' });
    await recordAudit(handle.db, { workspaceId: workspace.id, userId, action: 'doc.open', target: 'roadmap' });
    await recordAudit(handle.db, { workspaceId: workspace.id, userId: null, action: 'checkpoint.write' });
    const events = await listAudit(handle.db, workspace.id);
    expect(events.map((e) => [e.action, e.target, e.userName])).toEqual([
      ['checkpoint.write', null, null],
      ['doc.open', 'roadmap', 'Avery'],
      ['workspace.create', null, 'Avery'],
    ]);
    expect(events[0]!.created_at).toBeInstanceOf(Date);
  });

  it('keeps workspaces’ logs apart and leaves events without a workspace out of every log', async () => {
    const one = await createWorkspace(handle.db, { title: 'One', therapistId: userId, docs: [] });
    const two = await createWorkspace(handle.db, { title: 'Two', therapistId: userId, docs: [] });
    await recordAudit(handle.db, { workspaceId: one.id, userId, action: 'workspace.view' });
    await recordAudit(handle.db, { workspaceId: null, userId, action: 'auth.login' });
    expect((await listAudit(handle.db, one.id)).map((e) => e.action)).toEqual(['workspace.view']);
    expect(await listAudit(handle.db, two.id)).toEqual([]);
  });

  it('returns at most `limit` events, the newest', async () => {
    const workspace = await createWorkspace(handle.db, { title: 'Busy', therapistId: userId, docs: [] });
    for (let i = 0; i < 5; i += 1) await recordAudit(handle.db, { workspaceId: workspace.id, userId, action: `a${i}` });
    expect((await listAudit(handle.db, workspace.id, 2)).map((e) => e.action)).toEqual(['a4', 'a3']);
  });
});
