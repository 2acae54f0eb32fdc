import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, testBackends } from '../testing.js';
import { createUser, findUserByEmail, findUserById } from './users.repository.js';

describe.each(testBackends())('users repository on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  beforeAll(async () => {
    handle = await openTestDb(kind);
  });
  afterAll(async () => {
    await handle.drop();
  });

  it('creates a user and finds them by email and by id', async () => {
    const user = await createUser(handle.db, { email: 'ana@example.com', name: 'Ana', passwordHash: 'scrypt$hash' });
    expect(user).toMatchObject({ id: expect.any(String), email: 'ana@example.com', name: 'Ana', password_hash: 'scrypt$hash' });
    expect(user!.created_at).toBeInstanceOf(Date);
    expect((await findUserByEmail(handle.db, 'ana@example.com'))?.id).toBe(user!.id);
    expect((await findUserById(handle.db, user!.id))?.email).toBe('ana@example.com');
  });

  it('returns undefined instead of throwing when the email is taken, and keeps the first account', async () => {
    await createUser(handle.db, { email: 'taken@example.com', name: 'First', passwordHash: 'one' });
    const second = await createUser(handle.db, { email: 'taken@example.com', name: 'Second', passwordHash: 'two' });
    expect(second).toBeUndefined();
    expect((await findUserByEmail(handle.db, 'taken@example.com'))?.name).toBe('First');
  });

  it('finds nobody for an unknown email or id', async () => {
    expect(await findUserByEmail(handle.db, 'nobody@example.com')).toBeUndefined();
    expect(await findUserById(handle.db, '00000000-0000-4000-8000-000000000000')).toBeUndefined();
  });
});
