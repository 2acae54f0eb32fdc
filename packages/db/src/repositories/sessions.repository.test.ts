import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, testBackends } from '../testing.js';
import { createSession, deleteExpiredSessions, deleteSession, deleteUserSessions, extendSession, findLiveSessionIds, findSession } from './sessions.repository.js';
import { createUser } from './users.repository.js';

const HOUR = 3_600_000;

describe.each(testBackends())('sessions repository on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let userId: string;
  beforeAll(async () => {
    handle = await openTestDb(kind);
    userId = (await createUser(handle.db, { email: 's@example.com', name: 'Sky', passwordHash: 'x' }))!.id;
  });
  afterAll(async () => {
    await handle.drop();
  });

  it('finds a live session with its user, without the password hash', async () => {
    await createSession(handle.db, { id: 'live-hash', userId, expiresAt: new Date(Date.now() + HOUR) });
    const session = await findSession(handle.db, 'live-hash');
    expect(session).toEqual({ sessionId: 'live-hash', expiresAt: expect.any(Date), user: { id: userId, email: 's@example.com', name: 'Sky' } });
  });

  it('does not find an expired or unknown session', async () => {
    await createSession(handle.db, { id: 'old-hash', userId, expiresAt: new Date(Date.now() - 1_000) });
    expect(await findSession(handle.db, 'old-hash')).toBeUndefined();
    expect(await findSession(handle.db, 'unknown')).toBeUndefined();
  });

  it('extends a session and deletes one', async () => {
    await createSession(handle.db, { id: 'short-hash', userId, expiresAt: new Date(Date.now() + 1_000) });
    await extendSession(handle.db, 'short-hash', new Date(Date.now() + 2 * HOUR));
    expect(await findSession(handle.db, 'short-hash', new Date(Date.now() + HOUR))).toBeDefined();
    await deleteSession(handle.db, 'short-hash');
    expect(await findSession(handle.db, 'short-hash')).toBeUndefined();
  });

  it('deletes expired sessions and keeps live ones', async () => {
    await createSession(handle.db, { id: 'gone-hash', userId, expiresAt: new Date(Date.now() - HOUR) });
    expect(await deleteExpiredSessions(handle.db)).toBeGreaterThanOrEqual(1);
    const ids = (await handle.db.selectFrom('auth_sessions').select('id').execute()).map((row) => row.id);
    expect(ids).toContain('live-hash');
    expect(ids).not.toContain('gone-hash');
    expect(ids).not.toContain('old-hash');
  });

  it('tells which of many session ids are still live, in one query', async () => {
    const other = (await createUser(handle.db, { email: 'live-ids@example.com', name: 'Lee', passwordHash: 'x' }))!.id;
    await createSession(handle.db, { id: 'ids-live', userId: other, expiresAt: new Date(Date.now() + HOUR) });
    await createSession(handle.db, { id: 'ids-expired', userId: other, expiresAt: new Date(Date.now() - HOUR) });
    const unknown = Array.from({ length: 2_000 }, (_, index) => `ids-unknown-${index}`);
    expect(await findLiveSessionIds(handle.db, ['ids-live', 'ids-expired', ...unknown])).toEqual(new Set(['ids-live']));
    expect(await findLiveSessionIds(handle.db, [])).toEqual(new Set());
  });

  it('deletes every session of one user but the one kept, and no one else’s', async () => {
    const owner = (await createUser(handle.db, { email: 'many@example.com', name: 'Mo', passwordHash: 'x' }))!.id;
    const bystander = (await createUser(handle.db, { email: 'bystander@example.com', name: 'Bo', passwordHash: 'x' }))!.id;
    for (const id of ['many-a', 'many-b', 'many-c']) await createSession(handle.db, { id, userId: owner, expiresAt: new Date(Date.now() + HOUR) });
    await createSession(handle.db, { id: 'bystander-a', userId: bystander, expiresAt: new Date(Date.now() + HOUR) });
    expect((await deleteUserSessions(handle.db, owner, { exceptSessionId: 'many-b' })).sort()).toEqual(['many-a', 'many-c']);
    expect(await findLiveSessionIds(handle.db, ['many-a', 'many-b', 'many-c', 'bystander-a'])).toEqual(new Set(['many-b', 'bystander-a']));
    expect(await deleteUserSessions(handle.db, owner)).toEqual(['many-b']);
  });
});
