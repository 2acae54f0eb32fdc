import { addGoal, encodeSyncStep1, getGoals, snapshotRoadmap } from '@alliance/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DEFAULT_CONNECTION_LIMITS } from '../collab/budget.js';
import { createMember, createMemberPair, loggedDoc, openRawSocket, SocketClient, useTestServer, waitFor } from './fixtures.js';
import { testBackends } from './harness.js';

const goalTitles = (doc: Y.Doc) => snapshotRoadmap(doc).goals.map((goal) => goal.title);

describe.each(testBackends())('limits on %s', (kind) => {
  const context = useTestServer(kind, {
    MAX_DOCUMENT_BYTES: '40000',
    MAX_CONNECTIONS_PER_USER: '4',
    MAX_OPEN_DOCS_PER_USER: '5',
    MAX_WORKSPACES_PER_USER: '2',
    ROOM_IDLE_UNLOAD_MS: '100',
  });

  it('stops a document from growing past MAX_DOCUMENT_BYTES, and still lets it shrink', async () => {
    const pair = await createMemberPair(context.db);
    const client = await context.socketClient(pair.client.cookie);
    const { doc } = await client.join(pair.workspaceId, 'roadmap');
    let refused = null;
    for (let index = 0; index < 20 && !refused; index++) {
      addGoal(doc, { title: `goal ${index}`, why: 'w'.repeat(5_000), proposedBy: 'client' });
      const ack = await client.lastAck();
      if (!ack.ok) refused = ack;
    }
    expect(refused).toMatchObject({ ok: false, code: 'DOCUMENT_TOO_LARGE' });
    const storedBefore = goalTitles(await loggedDoc(context.db, pair.workspaceId, 'roadmap'));
    expect(storedBefore.length).toBeGreaterThan(3);
    expect(storedBefore.length).toBeLessThan(8);

    // A fresh copy (the refused goal is only in the old one), then a deletion goes through.
    const again = await context.socketClient(pair.client.cookie);
    const fresh = await again.join(pair.workspaceId, 'roadmap');
    getGoals(fresh.doc).delete(0, 1);
    expect(await again.lastAck()).toMatchObject({ ok: true });
    expect(goalTitles(await loggedDoc(context.db, pair.workspaceId, 'roadmap'))).toEqual(storedBefore.slice(1));
  });

  it('limits how fast one connection sends, and drops one that keeps sending refused updates', async () => {
    const pair = await createMemberPair(context.db);
    const fast = await context.socketClient(pair.client.cookie);
    const { key } = await fast.join(pair.workspaceId, 'roadmap');
    const answers = await Promise.all(Array.from({ length: 600 }, () => fast.sync(key, encodeSyncStep1(new Y.Doc()))));
    expect(answers.filter((answer) => !answer.ok).every((answer) => !answer.ok && answer.code === 'RATE_LIMITED')).toBe(true);
    expect(answers.filter((answer) => !answer.ok).length).toBeGreaterThan(100);
    // The whole burst goes through, less the sync step 2 the join itself sent.
    expect(answers.filter((answer) => answer.ok).length).toBeGreaterThanOrEqual(DEFAULT_CONNECTION_LIMITS.messageBurst - 1);

    const refused = await context.socketClient(pair.therapist.cookie);
    const joined = await refused.join(pair.workspaceId, 'roadmap');
    const dropped = new Promise<void>((resolve) => refused.socket.on('disconnect', () => resolve()));
    for (let index = 0; index < 8; index++) joined.doc.getMap('meta').set('title', index); // a number: refused
    await dropped;
    expect(refused.socket.connected).toBe(false);
  });

  it('makes someone who keeps sending refused updates wait, even over fresh connections', async () => {
    const pair = await createMemberPair(context.db);
    const codes: string[] = [];
    for (let round = 0; round < 5 && !codes.includes('RATE_LIMITED'); round++) {
      const socket = await context.socketClient(pair.therapist.cookie);
      const joined = await socket.join(pair.workspaceId, 'roadmap');
      for (let index = 0; index < 7; index++) joined.doc.getMap('meta').set('title', index);
      for (const ack of await socket.acks()) if (!ack.ok) codes.push(ack.code);
      socket.close();
    }
    expect(codes).toContain('SHAPE_VIOLATION');
    expect(codes).toContain('RATE_LIMITED');
    // The other member is not affected.
    const client = await context.socketClient(pair.client.cookie);
    const { doc } = await client.join(pair.workspaceId, 'roadmap');
    addGoal(doc, { title: 'still mine to write', proposedBy: 'client' });
    expect(await client.lastAck()).toMatchObject({ ok: true });
  });

  it('holds each person to a few connections, open documents and workspaces', async () => {
    const pair = await createMemberPair(context.db);
    const sockets = await Promise.all(Array.from({ length: 4 }, () => context.socketClient(pair.client.cookie)));
    await expect(SocketClient.connect(context.server.url, pair.client.cookie)).rejects.toThrow('QUOTA_EXCEEDED');
    const raw = await openRawSocket(context.server.url, `/yjs/${pair.workspaceId}/roadmap`, pair.client.cookie);
    expect((await raw.closed).code).toBe(4429);
    // The other member still connects.
    const therapist = await context.socketClient(pair.therapist.cookie);
    await therapist.join(pair.workspaceId, 'roadmap');

    // Five documents open at once over all connections, not a sixth.
    const others = await Promise.all(Array.from({ length: 2 }, () => createMemberPair(context.db)));
    const joins = [
      ...(['roadmap', 'feedback', 'drafts'] as const).map((doc) => sockets[0]!.join(pair.workspaceId, doc)),
      sockets[1]!.join(pair.workspaceId, 'roadmap'),
      sockets[2]!.join(pair.workspaceId, 'feedback'),
    ];
    await Promise.all(joins);
    await expect(sockets[3]!.join(pair.workspaceId, 'roadmap')).rejects.toMatchObject({ code: 'QUOTA_EXCEEDED' });
    sockets[0]!.close();
    await waitFor(async () => {
      try {
        await sockets[3]!.join(pair.workspaceId, 'roadmap');
        return true;
      } catch {
        return false;
      }
    }, 'a join once documents were closed');
    void others;

    // Two workspaces per account here.
    const owner = await createMember(context.db, 'Owner');
    const create = () =>
      fetch(`${context.server.url}/api/workspaces`, { method: 'POST', headers: { cookie: owner.cookie, 'content-type': 'application/json', origin: context.server.url }, body: JSON.stringify({ title: 'W' }) });
    expect((await create()).status).toBe(201);
    expect((await create()).status).toBe(201);
    const third = await create();
    expect(third.status).toBe(403);
    expect(await third.json()).toMatchObject({ error: { code: 'QUOTA_EXCEEDED' } });
  });
});
