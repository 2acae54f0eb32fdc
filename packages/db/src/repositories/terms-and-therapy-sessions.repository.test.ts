import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, testBackends } from '../testing.js';
import { acknowledgeTerms, ensureTerms, getTermsState, getTermsVersion, saveTerms, setDecisionPreference } from './terms.repository.js';
import { endTherapySession, findOpenTherapySession, listTherapySessions, startTherapySession } from './therapy-sessions.repository.js';
import { createUser } from './users.repository.js';
import { createWorkspace } from './workspaces.repository.js';
import { acceptInvite, createInvite } from './invites.repository.js';

describe.each(testBackends())('terms and therapy sessions on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let workspaceId: string;
  let therapistId: string;
  let clientId: string;

  beforeAll(async () => {
    handle = await openTestDb(kind);
    therapistId = (await createUser(handle.db, { email: 't@example.com', name: 'T', passwordHash: 'x' }))!.id;
    clientId = (await createUser(handle.db, { email: 'c@example.com', name: 'C', passwordHash: 'x' }))!.id;
    workspaceId = (await createWorkspace(handle.db, { title: 'W', therapistId, docs: [] })).id;
    await createInvite(handle.db, { workspaceId, tokenHash: 'h', createdBy: therapistId, expiresAt: new Date(Date.now() + 60_000) });
    await acceptInvite(handle.db, { tokenHash: 'h', userId: clientId });
  });
  afterAll(async () => {
    await handle.drop();
  });

  it('versions the terms on every save and keeps each member’s latest acknowledgement', async () => {
    expect((await getTermsState(handle.db, workspaceId)).terms).toBeUndefined();
    const first = await saveTerms(handle.db, { workspaceId, body: 'v1', userId: therapistId });
    expect(first.version).toBe(1);
    await acknowledgeTerms(handle.db, { workspaceId, userId: clientId, version: 1 });
    await acknowledgeTerms(handle.db, { workspaceId, userId: clientId, version: 1 });
    const second = await saveTerms(handle.db, { workspaceId, body: 'v2', userId: therapistId });
    expect(second.version).toBe(2);
    const state = await getTermsState(handle.db, workspaceId);
    expect(state.terms?.body).toBe('v2');
    expect(state.acknowledgements.client?.version).toBe(1);
    expect(state.acknowledgements.therapist).toBeUndefined();
  });

  it('keeps the text of every version, from the first one on', async () => {
    const otherId = (await createWorkspace(handle.db, { title: 'W2', therapistId, docs: [] })).id;
    await ensureTerms(handle.db, { workspaceId: otherId, body: 'template', userId: null });
    await ensureTerms(handle.db, { workspaceId: otherId, body: 'not this', userId: null });
    await Promise.all([saveTerms(handle.db, { workspaceId: otherId, body: 'a', userId: therapistId }), saveTerms(handle.db, { workspaceId: otherId, body: 'b', userId: therapistId })]);
    expect((await getTermsVersion(handle.db, otherId, 1))?.body).toBe('template');
    expect([(await getTermsVersion(handle.db, otherId, 2))?.body, (await getTermsVersion(handle.db, otherId, 3))?.body].sort()).toEqual(['a', 'b']);
    expect((await getTermsState(handle.db, otherId)).terms?.body).toBe((await getTermsVersion(handle.db, otherId, 3))?.body);
    expect(await getTermsVersion(handle.db, otherId, 4)).toBeUndefined();
    expect(await getTermsVersion(handle.db, workspaceId, 2)).toMatchObject({ version: 2, body: 'v2' });
  });

  it('stores the client’s decision preference', async () => {
    await setDecisionPreference(handle.db, workspaceId, 'together');
    expect((await getTermsState(handle.db, workspaceId)).decisionPreference).toBe('together');
  });

  it('numbers sessions and allows only one in progress, even when two starts race', async () => {
    const [a, b] = await Promise.all([
      startTherapySession(handle.db, { workspaceId, userId: therapistId }),
      startTherapySession(handle.db, { workspaceId, userId: therapistId }),
    ]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    expect((a ?? b)!.number).toBe(1);
    expect((await findOpenTherapySession(handle.db, workspaceId))?.number).toBe(1);
    const ended = await endTherapySession(handle.db, { workspaceId, userId: therapistId });
    expect(ended?.ended_at).toBeInstanceOf(Date);
    expect(await endTherapySession(handle.db, { workspaceId, userId: therapistId })).toBeUndefined();
    const next = await startTherapySession(handle.db, { workspaceId, userId: therapistId });
    expect(next?.number).toBe(2);
    expect((await listTherapySessions(handle.db, workspaceId)).map((s) => s.number)).toEqual([2, 1]);
  });
});
