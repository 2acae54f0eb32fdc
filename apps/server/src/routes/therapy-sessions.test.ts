import { createCard, getCards, snapshotCards } from '@alliance/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { signUp, type TestAccount } from '../test/accounts.js';
import { SocketClient, waitFor } from '../test/fixtures.js';
import { startTestServer, testBackends, type TestServer } from '../test/harness.js';

describe.each(testBackends())('live sessions on %s', (kind) => {
  let server: TestServer;
  let therapist: TestAccount;
  let client: TestAccount;
  let workspaceId: string;

  beforeAll(async () => {
    server = await startTestServer(kind);
    [therapist, client] = await Promise.all([signUp(server.url, 'Dana'), signUp(server.url, 'Sam')]);
    workspaceId = (await therapist.client.post('/api/workspaces', { title: 'Sam' })).body.id;
    const invite = await therapist.client.post(`/api/workspaces/${workspaceId}/invites`);
    await client.client.post(`/api/invites/${invite.body.token}/accept`);
  });
  afterAll(async () => {
    await server.stop();
  });

  it('lets only the therapist start a session, one at a time', async () => {
    expect((await client.client.post(`/api/workspaces/${workspaceId}/sessions`)).status).toBe(403);
    const started = await therapist.client.post(`/api/workspaces/${workspaceId}/sessions`);
    expect(started.status).toBe(201);
    expect(started.body.number).toBe(1);
    expect((await therapist.client.post(`/api/workspaces/${workspaceId}/sessions`)).status).toBe(409);
    const listed = await client.client.get(`/api/workspaces/${workspaceId}/sessions`);
    expect(listed.body.current).toMatchObject({ number: 1, endedAt: null });
  });

  it("tells both members' open pages when a session starts or ends, and nobody else", async () => {
    const stranger = await signUp(server.url, 'Eve');
    const sockets = await Promise.all([client, therapist, stranger].map((who) => SocketClient.connect(server.url, who.client.cookie)));
    const heard = sockets.map(() => [] as string[]);
    sockets.forEach((socket, index) => socket.socket.on('workspace:changed', (id, change) => heard[index]!.push(`${id}:${change}`)));
    try {
      const ended = await therapist.client.post(`/api/workspaces/${workspaceId}/sessions/current/end`, {});
      expect(ended.status).toBe(200);
      await waitFor(() => heard[0]!.includes(`${workspaceId}:session`) && heard[1]!.includes(`${workspaceId}:session`), 'both members hear of it');
      // The session's versions of the roadmap and the board first, then the session itself.
      const ending = [`${workspaceId}:versions`, `${workspaceId}:versions`, `${workspaceId}:session`];
      expect(heard[0]).toEqual(ending);
      expect(heard[1]).toEqual(ending);
      // In that order every time, though each piece of news looks the members up on its own.
      for (let round = 0; round < 4; round++) {
        expect((await therapist.client.post(`/api/workspaces/${workspaceId}/sessions`)).status).toBe(201);
        expect((await therapist.client.post(`/api/workspaces/${workspaceId}/sessions/current/end`, {})).status).toBe(200);
      }
      const rounds = [...ending, ...Array.from({ length: 4 }, () => [`${workspaceId}:session`, ...ending]).flat()];
      await waitFor(() => heard[0]!.length === rounds.length && heard[1]!.length === rounds.length, 'both hear every round');
      expect(heard[0]).toEqual(rounds);
      expect(heard[1]).toEqual(rounds);
      expect((await therapist.client.post(`/api/workspaces/${workspaceId}/sessions`)).status).toBe(201);
      await waitFor(() => heard[0]!.length === rounds.length + 1, 'the client hears the next start');
      expect(heard[2]).toEqual([]);
    } finally {
      for (const socket of sockets) socket.close();
    }
  });

  it('saves a version of the roadmap and the board labelled with the session when it ends', async () => {
    expect((await client.client.post(`/api/workspaces/${workspaceId}/sessions/current/end`, {})).status).toBe(403);
    const ended = await therapist.client.post(`/api/workspaces/${workspaceId}/sessions/current/end`, { timeZone: 'Europe/London' });
    expect(ended.status).toBe(200);
    expect(ended.body.session.number).toBe(6);
    expect(ended.body.label).toMatch(/^Session 6 — \d{1,2} [A-Z][a-z]{2} \d{4}$/);
    for (const doc of ['roadmap', 'feedback']) {
      const versions = await client.client.get(`/api/workspaces/${workspaceId}/docs/${doc}/versions`);
      expect(versions.body).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'session', label: ended.body.label })]));
    }
    expect((await therapist.client.post(`/api/workspaces/${workspaceId}/sessions/current/end`, {})).status).toBe(409);
    const listed = await therapist.client.get(`/api/workspaces/${workspaceId}/sessions`);
    expect(listed.body.current).toBeNull();
  });

  it('shares the drafts the client kept for the next session when it starts, and only those', async () => {
    const clientSocket = await SocketClient.connect(server.url, client.client.cookie);
    const therapistSocket = await SocketClient.connect(server.url, therapist.client.cookie);
    try {
      const drafts = await clientSocket.join(workspaceId, 'drafts');
      drafts.doc.transact(() => {
        const later = createCard('power', 'I did not feel heard about the homework');
        later.set('share', 'next-session');
        const privateOne = createCard('change', 'Not ready to say this yet');
        privateOne.set('share', 'draft');
        getCards(drafts.doc).push([later, privateOne]);
      });
      expect((await clientSocket.lastAck()).ok).toBe(true);

      const board = await therapistSocket.join(workspaceId, 'feedback');
      expect(snapshotCards(board.doc)).toHaveLength(0);

      expect((await therapist.client.post(`/api/workspaces/${workspaceId}/sessions`)).status).toBe(201);
      await waitFor(() => snapshotCards(board.doc).length === 1, 'the shared card reaches the therapist');
      expect(snapshotCards(board.doc)[0]).toMatchObject({ text: 'I did not feel heard about the homework', column: 'power', authorRole: 'client', flag: 'none' });
      await waitFor(() => snapshotCards(drafts.doc).length === 1, 'the shared draft leaves the drafts');
      expect(snapshotCards(drafts.doc)[0]!.text).toBe('Not ready to say this yet');
    } finally {
      clientSocket.close();
      therapistSocket.close();
    }
    // Stored, not only live: a fresh reader sees the same.
    const reader = await SocketClient.connect(server.url, therapist.client.cookie);
    try {
      const board = await reader.join(workspaceId, 'feedback', new Y.Doc());
      expect(snapshotCards(board.doc).map((card) => card.text)).toEqual(['I did not feel heard about the homework']);
    } finally {
      reader.close();
    }
  });
});
