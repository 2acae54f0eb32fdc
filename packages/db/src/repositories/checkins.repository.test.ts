import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, testBackends } from '../testing.js';
import { createCheckin, findCheckinSession, listCheckins, updateCheckin, type CheckinAnswers } from './checkins.repository.js';
import { endTherapySession, startTherapySession } from './therapy-sessions.repository.js';
import { createUser } from './users.repository.js';
import { createWorkspace } from './workspaces.repository.js';

const answers: CheckinAnswers = { heard: 8, wanted: 7, fit: 6, overall: 7, steering: -1, choicesOffered: 'some', note: 'Felt rushed at the end', visibility: 'next_session' };

describe.each(testBackends())('check-ins on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let therapistId: string;
  let clientId: string;

  /** A workspace with one ended session. */
  async function withEndedSession(name: string): Promise<{ workspaceId: string; sessionId: string }> {
    const workspaceId = (await createWorkspace(handle.db, { title: name, therapistId, docs: [] })).id;
    const session = (await startTherapySession(handle.db, { workspaceId, userId: therapistId }))!;
    await endTherapySession(handle.db, { workspaceId, userId: therapistId });
    return { workspaceId, sessionId: session.id };
  }

  beforeAll(async () => {
    handle = await openTestDb(kind);
    therapistId = (await createUser(handle.db, { email: 't@example.com', name: 'T', passwordHash: 'x' }))!.id;
    clientId = (await createUser(handle.db, { email: 'c@example.com', name: 'C', passwordHash: 'x' }))!.id;
  });
  afterAll(async () => {
    await handle.drop();
  });

  it('keeps one check-in per session, tied to its session and the one after it', async () => {
    const { workspaceId, sessionId } = await withEndedSession('one');
    const created = await createCheckin(handle.db, { workspaceId, sessionId, userId: clientId, ...answers });
    expect(created).toMatchObject({ workspaceId, sessionId, sessionNumber: 1, userId: clientId, ...answers, nextSessionStartedAt: null });
    expect(await createCheckin(handle.db, { workspaceId, sessionId, userId: clientId, ...answers, overall: 2 })).toBeUndefined();
    expect(await findCheckinSession(handle.db, workspaceId, sessionId)).toMatchObject({ number: 1, endedAt: expect.any(Date), nextSessionStartedAt: null });

    const next = (await startTherapySession(handle.db, { workspaceId, userId: therapistId }))!;
    const [listed] = await listCheckins(handle.db, workspaceId);
    expect(listed?.nextSessionStartedAt).toEqual(next.started_at);
    expect((await findCheckinSession(handle.db, workspaceId, sessionId))?.nextSessionStartedAt).toEqual(next.started_at);
  });

  it('rewrites the answers in place', async () => {
    const { workspaceId, sessionId } = await withEndedSession('update');
    const created = (await createCheckin(handle.db, { workspaceId, sessionId, userId: clientId, ...answers }))!;
    const updated = await updateCheckin(handle.db, { workspaceId, checkinId: created.id, ...answers, overall: 3, note: null, visibility: 'trend' });
    expect(updated).toMatchObject({ id: created.id, overall: 3, note: null, visibility: 'trend' });
    expect(await listCheckins(handle.db, workspaceId)).toEqual([updated]);
  });

  it('closes a check-in to changes once the next session has started', async () => {
    const { workspaceId, sessionId } = await withEndedSession('closed');
    const created = (await createCheckin(handle.db, { workspaceId, sessionId, userId: clientId, ...answers }))!;
    await startTherapySession(handle.db, { workspaceId, userId: therapistId });
    expect(await updateCheckin(handle.db, { workspaceId, checkinId: created.id, ...answers, overall: 0 })).toBeUndefined();
    expect((await listCheckins(handle.db, workspaceId))[0]?.overall).toBe(answers.overall);
  });

  it('does not find a session or check-in through another workspace', async () => {
    const { workspaceId, sessionId } = await withEndedSession('mine');
    const other = await withEndedSession('other');
    const created = (await createCheckin(handle.db, { workspaceId, sessionId, userId: clientId, ...answers }))!;
    expect(await findCheckinSession(handle.db, other.workspaceId, sessionId)).toBeUndefined();
    expect(await updateCheckin(handle.db, { workspaceId: other.workspaceId, checkinId: created.id, ...answers })).toBeUndefined();
  });

  it('refuses values out of range in the database too', async () => {
    const { workspaceId, sessionId } = await withEndedSession('range');
    await expect(createCheckin(handle.db, { workspaceId, sessionId, userId: clientId, ...answers, heard: 11 })).rejects.toThrow();
    await expect(createCheckin(handle.db, { workspaceId, sessionId, userId: clientId, ...answers, steering: 3 })).rejects.toThrow();
    await expect(createCheckin(handle.db, { workspaceId, sessionId, userId: clientId, ...answers, note: 'x'.repeat(2001) })).rejects.toThrow();
  });
});
