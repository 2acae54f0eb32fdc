import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, testBackends } from '../testing.js';
import { createCheckin } from './checkins.repository.js';
import { findDocument } from './documents.repository.js';
import { listSeen, listWorkspaceNews, markSeen } from './seen.repository.js';
import { endTherapySession, startTherapySession } from './therapy-sessions.repository.js';
import { createUser } from './users.repository.js';
import { createWorkspace } from './workspaces.repository.js';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 10, minute));

describe.each(testBackends())('what each member last looked at, on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let therapistId: string;
  let clientId: string;
  let seq = 0;

  /** A workspace with its feedback document and its client. */
  async function workspace(title: string): Promise<{ id: string; feedbackId: string }> {
    const created = await createWorkspace(handle.db, { title, therapistId, docs: [{ name: 'feedback', initialUpdate: null }] });
    await handle.db.insertInto('memberships').values({ workspace_id: created.id, user_id: clientId, role: 'client' }).execute();
    return { id: created.id, feedbackId: (await findDocument(handle.db, created.id, 'feedback'))!.id };
  }
  const logUpdate = (documentId: string, userId: string | null, minute: number) =>
    handle.db.insertInto('doc_updates').values({ document_id: documentId, seq: ++seq, update: new Uint8Array([0, 0]), user_id: userId, server_reason: userId ? null : 'drafts.shared', created_at: at(minute) }).execute();
  const newsOf = async (userId: string, workspaceId: string) => (await listWorkspaceNews(handle.db, userId)).find((row) => row.workspaceId === workspaceId);

  beforeAll(async () => {
    handle = await openTestDb(kind);
    therapistId = (await createUser(handle.db, { email: 't@example.com', name: 'T', passwordHash: 'x' }))!.id;
    clientId = (await createUser(handle.db, { email: 'c@example.com', name: 'C', passwordHash: 'x' }))!.id;
  });
  afterAll(async () => {
    await handle.drop();
  });

  it('keeps one time per member and area, never moved back', async () => {
    const { id } = await workspace('seen');
    expect(await listSeen(handle.db, id, clientId)).toEqual({});
    expect(await markSeen(handle.db, { workspaceId: id, userId: clientId, area: 'board', at: at(5) })).toEqual(at(5));
    expect(await markSeen(handle.db, { workspaceId: id, userId: clientId, area: 'board', at: at(3) })).toEqual(at(5));
    await markSeen(handle.db, { workspaceId: id, userId: clientId, area: 'repairs', at: at(7) });
    await markSeen(handle.db, { workspaceId: id, userId: therapistId, area: 'board', at: at(9) });
    expect(await listSeen(handle.db, id, clientId)).toEqual({ board: at(5), repairs: at(7) });
    expect(await listSeen(handle.db, id, therapistId)).toEqual({ board: at(9) });
  });

  it("lists the board's last change by the other member, and the server's sharing of drafts for the therapist only", async () => {
    const { id, feedbackId } = await workspace('board');
    expect(await newsOf(clientId, id)).toEqual({ workspaceId: id, inSession: false, boardChangedAt: null, boardSeenAt: null, checkinsChangedAt: null, checkinsSeenAt: null });
    await logUpdate(feedbackId, clientId, 1);
    await logUpdate(feedbackId, therapistId, 2);
    await logUpdate(feedbackId, clientId, 3);
    await logUpdate(feedbackId, null, 4);
    await logUpdate(feedbackId, clientId, 5);
    await logUpdate(feedbackId, clientId, 6);
    expect((await newsOf(clientId, id))?.boardChangedAt).toEqual(at(2));
    expect((await newsOf(therapistId, id))?.boardChangedAt).toEqual(at(6));
    await logUpdate(feedbackId, null, 8);
    expect((await newsOf(therapistId, id))?.boardChangedAt).toEqual(at(8));
    expect((await newsOf(clientId, id))?.boardChangedAt).toEqual(at(2));
    await markSeen(handle.db, { workspaceId: id, userId: clientId, area: 'board', at: at(9) });
    expect((await newsOf(clientId, id))?.boardSeenAt).toEqual(at(9));
  });

  it('says a session is on, and when the therapist last got a check-in they may see', async () => {
    const { id } = await workspace('sessions');
    const first = (await startTherapySession(handle.db, { workspaceId: id, userId: therapistId }))!;
    expect((await newsOf(therapistId, id))?.inSession).toBe(true);
    await endTherapySession(handle.db, { workspaceId: id, userId: therapistId });
    expect((await newsOf(clientId, id))?.inSession).toBe(false);

    const answers = { heard: 8, wanted: 7, fit: 6, overall: 7, steering: 0, choicesOffered: 'yes', note: null } as const;
    const checkin = (await createCheckin(handle.db, { workspaceId: id, sessionId: first.id, userId: clientId, ...answers, visibility: 'next_session' }))!;
    // Kept for the next session: not the therapist's yet.
    expect((await newsOf(therapistId, id))?.checkinsChangedAt).toBeNull();
    const second = (await startTherapySession(handle.db, { workspaceId: id, userId: therapistId }))!;
    expect((await newsOf(therapistId, id))?.checkinsChangedAt).toEqual(second.started_at);
    expect(second.started_at.getTime()).toBeGreaterThanOrEqual(checkin.updatedAt.getTime());
    expect((await newsOf(clientId, id))?.checkinsChangedAt).toBeNull();
  });
});
