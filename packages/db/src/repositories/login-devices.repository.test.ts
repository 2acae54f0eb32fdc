import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, testBackends } from '../testing.js';
import { addLoginDevice, deleteStaleLoginDevices, deleteUserLoginDevices, findLoginDevice, touchLoginDevice } from './login-devices.repository.js';
import { deleteExpiredRateLimits } from './rate-limits.repository.js';
import { createUser } from './users.repository.js';

describe.each(testBackends())('login devices repository on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let owner: string;
  let other: string;
  beforeAll(async () => {
    handle = await openTestDb(kind);
    owner = (await createUser(handle.db, { email: 'owner@example.com', name: 'Owner', passwordHash: 'x' }))!.id;
    other = (await createUser(handle.db, { email: 'other@example.com', name: 'Other', passwordHash: 'x' }))!.id;
  });
  afterAll(async () => {
    await handle.drop();
  });

  it('finds a device only for the account it logged in to', async () => {
    await addLoginDevice(handle.db, { id: 'device-owner', userId: owner });
    await addLoginDevice(handle.db, { id: 'device-other', userId: other });
    expect(await findLoginDevice(handle.db, owner, ['unknown', 'device-owner'])).toBe('device-owner');
    expect(await findLoginDevice(handle.db, owner, ['device-other'])).toBeUndefined();
    expect(await findLoginDevice(handle.db, owner, [])).toBeUndefined();
  });

  it('forgets a user’s other devices and devices unused for too long', async () => {
    await addLoginDevice(handle.db, { id: 'device-owner-2', userId: owner });
    expect(await deleteUserLoginDevices(handle.db, owner, { exceptId: 'device-owner' })).toBe(1);
    expect(await findLoginDevice(handle.db, owner, ['device-owner', 'device-owner-2'])).toBe('device-owner');
    await touchLoginDevice(handle.db, 'device-owner', new Date(Date.now() - 500 * 86_400_000));
    expect(await deleteStaleLoginDevices(handle.db, new Date(Date.now() - 400 * 86_400_000))).toBe(1);
    expect(await findLoginDevice(handle.db, owner, ['device-owner'])).toBeUndefined();
    expect(await findLoginDevice(handle.db, other, ['device-other'])).toBe('device-other');
  });

  it('deletes rate-limit counters whose window has ended', async () => {
    const now = Date.now();
    await handle.db.insertInto('rate_limits').values([
      { key: 'ended', points: 3, expire: now - 1_000 },
      { key: 'running', points: 3, expire: now + 60_000 },
    ]).execute();
    expect(await deleteExpiredRateLimits(handle.db, now)).toBe(1);
    const rows = await handle.db.selectFrom('rate_limits').select(['key', 'points', 'expire']).execute();
    expect(rows).toEqual([{ key: 'running', points: 3, expire: now + 60_000 }]);
  });
});
