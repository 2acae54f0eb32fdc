import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createDb } from './client.js';
import { MIGRATION_NAMES, migrateToLatest } from './migrate.js';
import { appendUpdates, findDocument, lastSeq, listUpdatesAfter } from './repositories/documents.repository.js';
import { createUser } from './repositories/users.repository.js';
import { createWorkspace } from './repositories/workspaces.repository.js';
import { createTestDatabase, openTestDb, testBackends, type TestDatabase } from './testing.js';

describe.each(testBackends())('database on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  beforeAll(async () => {
    handle = await openTestDb(kind);
  });
  afterAll(async () => {
    await handle.drop();
  });

  it('reports which backend it runs on', () => {
    expect(handle.kind).toBe(kind);
  });

  // Statement timeouts are Postgres's (PGlite runs in this process and has no connection to lose).
  const itOnPostgres = kind === 'postgres' ? it : () => {};
  itOnPostgres('cancels a statement that runs past its timeout, and the pool goes on working', async () => {
    const database = await createTestDatabase('postgres');
    const short = createDb({ databaseUrl: database.databaseUrl, statementTimeoutMs: 200 });
    try {
      await expect(sql`select pg_sleep(2)`.execute(short.db)).rejects.toMatchObject({ code: '57014' });
      expect((await sql<{ one: number }>`select 1 as one`.execute(short.db)).rows[0]?.one).toBe(1);
    } finally {
      await short.close();
      await database.drop();
    }
  });

  it('returns int8 as numbers and bytea as Uint8Array on both backends', async () => {
    const user = await createUser(handle.db, { email: `a-${kind}@example.com`, name: 'A', passwordHash: 'x' });
    const workspace = await createWorkspace(handle.db, { title: 'W', therapistId: user!.id, docs: [{ name: 'roadmap', initialUpdate: new Uint8Array([1, 2, 3]) }] });
    const doc = await findDocument(handle.db, workspace.id, 'roadmap');
    await appendUpdates(handle.db, doc!.id, [
      { seq: 2, update: new Uint8Array([4]), userId: user!.id },
      { seq: 3, update: new Uint8Array([5, 6]), userId: null },
    ]);
    const updates = await listUpdatesAfter(handle.db, doc!.id, 0);
    expect(updates.map((u) => u.seq)).toEqual([1, 2, 3]);
    expect(updates[2]!.update).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(updates[2]!.update)).toBe(false);
    expect([...updates[2]!.update]).toEqual([5, 6]);
    expect(await lastSeq(handle.db, doc!.id)).toBe(3);
    const count = await handle.db.selectFrom('doc_updates').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(3);
    const updated = await handle.db.updateTable('doc_updates').set({ user_id: null }).where('document_id', '=', doc!.id).executeTakeFirst();
    expect(Number(updated.numUpdatedRows)).toBe(3);
  });

  it('refuses a second update with the same sequence number', async () => {
    const user = await createUser(handle.db, { email: `b-${kind}@example.com`, name: 'B', passwordHash: 'x' });
    const workspace = await createWorkspace(handle.db, { title: 'W', therapistId: user!.id, docs: [{ name: 'roadmap', initialUpdate: null }] });
    const doc = await findDocument(handle.db, workspace.id, 'roadmap');
    await appendUpdates(handle.db, doc!.id, [{ seq: 1, update: new Uint8Array([1]), userId: null }]);
    await expect(appendUpdates(handle.db, doc!.id, [{ seq: 1, update: new Uint8Array([2]), userId: null }])).rejects.toThrow();
  });
});

describe.each(testBackends().filter((kind) => kind === 'postgres'))('migrations on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database.drop();
  });

  it('run safely when several processes migrate at once', async () => {
    const handles = Array.from({ length: 4 }, () => createDb({ databaseUrl: database.databaseUrl }));
    await Promise.all(handles.map((h) => migrateToLatest(h.db)));
    const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(handles[0]!.db);
    expect(rows.rows.map((row) => row.name)).toEqual([...MIGRATION_NAMES]);
    await Promise.all(handles.map((h) => h.close()));
  });
});
