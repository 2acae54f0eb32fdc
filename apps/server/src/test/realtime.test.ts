import { listAudit } from '@alliance/db';
import {
  addGoal,
  createCard,
  createReply,
  frameYWebsocket,
  getCards,
  getGoals,
  MESSAGE_AWARENESS,
  snapshotCards,
  snapshotRoadmap,
  type CardSnapshot,
  type DocName,
} from '@alliance/shared';
import * as decoding from 'lib0/decoding';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createMember, createMemberPair, loggedDoc, openRawSocket, SocketClient, useTestServer, waitFor, type MemberPair } from './fixtures.js';
import { testBackends } from './harness.js';

const goalTitles = (doc: Y.Doc) => snapshotRoadmap(doc).goals.map((goal) => goal.title).sort();

describe.each(testBackends())('realtime collaboration on %s', (kind) => {
  const context = useTestServer(kind, { ROOM_IDLE_UNLOAD_MS: '100' });
  const socketClient = (cookie: string) => context.socketClient(cookie);
  const provider = (pair: MemberPair, doc: string, cookie: string, ydoc?: Y.Doc) => context.provider(pair.workspaceId, doc, cookie, ydoc);
  const storedState = (workspaceId: string, doc: DocName) => loggedDoc(context.db, workspaceId, doc);

  describe('convergence', () => {
    it('two members on Socket.IO see the seeded roadmap and each other’s goals, and every edit is confirmed', async () => {
      const pair = await createMemberPair(context.db);
      const therapist = await socketClient(pair.therapist.cookie);
      const client = await socketClient(pair.client.cookie);
      const a = await therapist.join(pair.workspaceId, 'roadmap');
      const b = await client.join(pair.workspaceId, 'roadmap');
      expect(a.result).toMatchObject({ role: 'therapist', readOnly: false });
      expect(b.result).toMatchObject({ role: 'client', readOnly: false });
      expect(snapshotRoadmap(a.doc).title).toBe(pair.title);

      addGoal(a.doc, { title: 'Sleep better', proposedBy: 'therapist' });
      addGoal(b.doc, { title: 'Walk every day', proposedBy: 'client' });
      await waitFor(() => goalTitles(a.doc).length === 2 && goalTitles(b.doc).length === 2, 'both goals on both sides');
      await therapist.settled();
      await client.settled();

      expect(goalTitles(a.doc)).toEqual(['Sleep better', 'Walk every day']);
      expect(snapshotRoadmap(a.doc)).toEqual(snapshotRoadmap(b.doc));
      const acks = [...(await therapist.acks()), ...(await client.acks())];
      expect(acks.length).toBeGreaterThanOrEqual(2);
      expect(acks.every((ack) => ack.ok && ack.data?.saved)).toBe(true);
      expect(goalTitles(await storedState(pair.workspaceId, 'roadmap'))).toEqual(['Sleep better', 'Walk every day']);
    });

    it('sends the web app each update in one frame and a stock Socket.IO client in stock frames, on one document', async () => {
      const pair = await createMemberPair(context.db);
      const web = await context.socketClient(pair.therapist.cookie, 'web');
      const stock = await context.socketClient(pair.client.cookie, 'stock');
      const a = await web.join(pair.workspaceId, 'roadmap');
      const b = await stock.join(pair.workspaceId, 'roadmap');
      // What each connection's engine receives: text frames by their packet header, binary ones as such.
      const framesOf = (client: SocketClient) => {
        const frames: string[] = [];
        client.socket.io.engine.on('packet', (packet) => frames.push(typeof packet.data === 'string' ? packet.data.slice(0, 3) : 'binary'));
        return frames;
      };
      const toWeb = framesOf(web);
      const toStock = framesOf(stock);

      addGoal(b.doc, { title: 'Walk every day', proposedBy: 'client' });
      await waitFor(() => goalTitles(a.doc).length === 1, 'the stock client’s goal on the web client');
      addGoal(a.doc, { title: 'Sleep better', proposedBy: 'therapist' });
      await waitFor(() => goalTitles(b.doc).length === 2, 'the web client’s goal on the stock client');
      await web.settled();
      await stock.settled();

      // The other's update, beside the acks (text packets of type 3): one binary frame to the web
      // app; to the stock client a header announcing one attachment, then the attachment.
      const notAcks = (frames: string[]) => frames.filter((frame) => !frame.startsWith('3'));
      expect(notAcks(toWeb)).toEqual(['binary']);
      expect(notAcks(toStock)).toEqual(['51-', 'binary']);
      expect(snapshotRoadmap(a.doc)).toEqual(snapshotRoadmap(b.doc));
      expect(goalTitles(await storedState(pair.workspaceId, 'roadmap'))).toEqual(['Sleep better', 'Walk every day']);
      const acks = [...(await web.acks()), ...(await stock.acks())];
      expect(acks.length).toBeGreaterThanOrEqual(2);
      expect(acks.every((ack) => ack.ok && ack.data?.saved)).toBe(true);
    });

    it('tells a page of an older protocol version that it is out of date', async () => {
      const pair = await createMemberPair(context.db);
      await expect(SocketClient.connect(context.server.url, pair.therapist.cookie, { protocol: 1 })).rejects.toThrow('BAD_REQUEST');
    });

    it('two stock y-websocket providers converge on concurrent text edits', async () => {
      const pair = await createMemberPair(context.db);
      const first = provider(pair, 'roadmap', pair.therapist.cookie);
      await first.synced;
      const goal = addGoal(first.doc, { title: 'Breathe', proposedBy: 'therapist' });
      const second = provider(pair, 'roadmap', pair.client.cookie);
      await second.synced;
      await waitFor(() => goalTitles(second.doc).length === 1, 'the goal reaches the second provider');

      (goal.get('why') as Y.Text).insert(0, 'calm ');
      (getGoals(second.doc).get(0).get('why') as Y.Text).insert(0, 'slow ');
      await waitFor(
        () => snapshotRoadmap(first.doc).goals[0]!.why.length === 10 && snapshotRoadmap(second.doc).goals[0]!.why.length === 10,
        'both words on both sides',
      );
      expect(snapshotRoadmap(first.doc)).toEqual(snapshotRoadmap(second.doc));
      expect(snapshotRoadmap(first.doc).title).toBe(pair.title);
    });

    it('a Socket.IO client and a y-websocket provider on the same document share one room', async () => {
      const pair = await createMemberPair(context.db);
      const viaSocket = await socketClient(pair.therapist.cookie);
      const a = await viaSocket.join(pair.workspaceId, 'roadmap');
      const viaProvider = provider(pair, 'roadmap', pair.client.cookie);
      await viaProvider.synced;

      addGoal(a.doc, { title: 'From the web app', proposedBy: 'therapist' });
      addGoal(viaProvider.doc, { title: 'From a provider', proposedBy: 'client' });
      await waitFor(() => goalTitles(a.doc).length === 2 && goalTitles(viaProvider.doc).length === 2, 'both goals on both transports');
      expect(snapshotRoadmap(a.doc)).toEqual(snapshotRoadmap(viaProvider.doc));

      // Each open is in the access log, with who opened which document.
      const opens = (await listAudit(context.db, pair.workspaceId)).filter((event) => event.action === 'doc.open');
      expect(opens.map((event) => [event.user_id, event.target]).sort()).toEqual(
        [
          [pair.therapist.userId, 'roadmap'],
          [pair.client.userId, 'roadmap'],
        ].sort(),
      );
    });

    it('relays presence between transports and withdraws it when a connection leaves', async () => {
      const pair = await createMemberPair(context.db);
      const first = provider(pair, 'roadmap', pair.therapist.cookie);
      first.provider.awareness.setLocalStateField('user', { name: 'T' });
      const second = provider(pair, 'roadmap', pair.client.cookie);
      second.provider.awareness.setLocalStateField('user', { name: 'C' });
      await Promise.all([first.synced, second.synced]);
      await waitFor(() => second.provider.awareness.getStates().has(first.doc.clientID), 'the therapist’s presence at the client');
      first.destroy();
      await waitFor(() => !second.provider.awareness.getStates().has(first.doc.clientID), 'the presence withdrawn');
    });
  });

  it('does not let one member speak for the other’s presence, and names each from their session', async () => {
    const pair = await createMemberPair(context.db);
    const therapist = provider(pair, 'roadmap', pair.therapist.cookie);
    therapist.provider.awareness.setLocalStateField('user', { name: 'Anyone I like', role: 'client' });
    await therapist.synced;
    const id = therapist.doc.clientID;
    const raw = await openRawSocket(context.server.url, `/yjs/${pair.workspaceId}/roadmap`, pair.client.cookie);
    context.onStop(() => raw.socket.close());
    const heard = new Awareness(new Y.Doc());
    const stateOf = () => heard.getStates().get(id) as { user?: { id?: string; name?: string; role?: string }; away?: boolean } | undefined;
    const hear = (data: Uint8Array) => {
      if (data[0] === MESSAGE_AWARENESS) applyAwarenessUpdate(heard, decoding.readVarUint8Array(decoding.createDecoder(data.subarray(1))), 'server');
    };
    raw.messages.forEach(hear); // what arrived with the handshake
    raw.socket.on('message', (data: Buffer) => hear(new Uint8Array(data)));
    // The name and role shown are the server's, from the therapist's session and membership.
    await waitFor(() => stateOf()?.user?.name === 'Therapist', 'the therapist’s presence at the client');
    expect(stateOf()?.user).toEqual({ id: pair.therapist.userId, name: 'Therapist', role: 'therapist' });

    // A newer state for the therapist's client id, sent by the client.
    const forgedDoc = new Y.Doc();
    forgedDoc.clientID = id;
    const forged = new Awareness(forgedDoc);
    for (let clock = 0; clock < 5; clock++) forged.setLocalState({ away: true });
    raw.socket.send(frameYWebsocket(MESSAGE_AWARENESS, encodeAwarenessUpdate(forged, [id])));
    raw.socket.send(new Uint8Array([3])); // query: answered after the forged update was handled
    const before = raw.messages.length;
    await waitFor(() => raw.messages.length > before, 'the answer to the query');
    expect(stateOf()?.away).toBeUndefined();
    forged.destroy();

    therapist.provider.awareness.setLocalStateField('away', true);
    await waitFor(() => stateOf()?.away === true, 'the real update');
  });

  describe('who may connect', () => {
    it('refuses a stranger, a missing cookie, an unknown document and the therapist on drafts over Socket.IO', async () => {
      const pair = await createMemberPair(context.db);
      const stranger = await createMember(context.db, 'Stranger');

      await expect(SocketClient.connect(context.server.url, null)).rejects.toThrow('UNAUTHORIZED');
      await expect(SocketClient.connect(context.server.url, 'alliance_session=forged')).rejects.toThrow('UNAUTHORIZED');

      const strangerClient = await socketClient(stranger.cookie);
      expect(await strangerClient.emitJoin(pair.workspaceId, 'roadmap')).toMatchObject({ ok: false, code: 'NOT_FOUND' });
      const therapist = await socketClient(pair.therapist.cookie);
      expect(await therapist.emitJoin(pair.workspaceId, 'notes')).toMatchObject({ ok: false, code: 'NOT_FOUND' });
      expect(await therapist.emitJoin('00000000-0000-4000-8000-000000000000', 'roadmap')).toMatchObject({ ok: false, code: 'NOT_FOUND' });
      expect(await therapist.emitJoin(pair.workspaceId, 'drafts')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      // Nothing was sent for the refused documents.
      expect(therapist.docs.size).toBe(0);
      const client = await socketClient(pair.client.cookie);
      expect((await client.join(pair.workspaceId, 'drafts')).result.role).toBe('client');
    });

    it('refuses the same people on the y-websocket endpoint with named close codes before any data', async () => {
      const pair = await createMemberPair(context.db);
      const stranger = await createMember(context.db, 'Stranger');
      const cases: [string, string | null, number][] = [
        [`/yjs/${pair.workspaceId}/roadmap`, null, 4401],
        [`/yjs/${pair.workspaceId}/roadmap`, stranger.cookie, 4404],
        [`/yjs/${pair.workspaceId}/notes`, pair.therapist.cookie, 4404],
        [`/yjs/not-a-workspace/roadmap`, pair.therapist.cookie, 4404],
        [`/yjs/${pair.workspaceId}/drafts`, pair.therapist.cookie, 4403],
      ];
      for (const [path, cookie, code] of cases) {
        const { messages, closed } = await openRawSocket(context.server.url, path, cookie);
        expect((await closed).code, path).toBe(code);
        expect(messages, path).toHaveLength(0);
      }
      await expect(openRawSocket(context.server.url, '/elsewhere', pair.therapist.cookie)).rejects.toThrow();
    });

    it('a stock provider stops retrying after a refusal and reports the close code', async () => {
      const pair = await createMemberPair(context.db);
      const handle = provider(pair, 'drafts', pair.therapist.cookie);
      await waitFor(() => handle.closes.length > 0, 'the refusal');
      expect(handle.closes[0]!.code).toBe(4403);
      expect(handle.provider.shouldConnect).toBe(false);
    });
  });

  describe('permissions', () => {
    async function feedbackBoard(pair: MemberPair) {
      const client = await socketClient(pair.client.cookie);
      const therapist = await socketClient(pair.therapist.cookie);
      const c = await client.join(pair.workspaceId, 'feedback');
      const card = createCard('power', 'I felt rushed today');
      c.doc.transact(() => getCards(c.doc).push([card]));
      await client.settled();
      const t = await therapist.join(pair.workspaceId, 'feedback');
      await waitFor(() => snapshotCards(t.doc).length === 1, 'the card at the therapist');
      return { client, therapist, clientDoc: c.doc, therapistDoc: t.doc, key: t.key };
    }

    it('refuses a therapist rewriting a client’s card: not applied, not stored, not broadcast', async () => {
      const pair = await createMemberPair(context.db);
      const board = await feedbackBoard(pair);
      const storedBefore = snapshotCards(await storedState(pair.workspaceId, 'feedback'));

      const card = getCards(board.therapistDoc).get(0);
      (card.get('text') as Y.Text).insert(0, 'not ');
      const refused = await board.therapist.lastAck();
      expect(refused).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' });

      // A later accepted edit from the client proves the refused one never reached them.
      (getCards(board.clientDoc).get(0).get('text') as Y.Text).insert(0, '(edited) ');
      await board.client.settled();
      expect(snapshotCards(board.clientDoc)[0]!.text).toBe('(edited) I felt rushed today');
      const stored = snapshotCards(await storedState(pair.workspaceId, 'feedback'));
      expect(stored[0]!.text).toBe('(edited) I felt rushed today');
      expect(storedBefore[0]!.text).toBe('I felt rushed today');
    });

    it('refuses a therapist deleting a card', async () => {
      const pair = await createMemberPair(context.db);
      const board = await feedbackBoard(pair);
      board.therapistDoc.transact(() => getCards(board.therapistDoc).delete(0, 1));
      expect(await board.therapist.lastAck()).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' });
      expect(snapshotCards(board.clientDoc)).toHaveLength(1);
      expect(snapshotCards(await storedState(pair.workspaceId, 'feedback'))).toHaveLength(1);
    });

    it('accepts a therapist reply and a flag to talk, and shows them to the client', async () => {
      const pair = await createMemberPair(context.db);
      const board = await feedbackBoard(pair);
      const card = getCards(board.therapistDoc).get(0);
      board.therapistDoc.transact(() => {
        (card.get('replies') as Y.Array<Y.Map<unknown>>).push([createReply('therapist', 'Thank you for telling me')]);
        card.set('flag', 'talk');
      });
      expect(await board.therapist.lastAck()).toMatchObject({ ok: true, data: { saved: true } });
      await waitFor(() => snapshotCards(board.clientDoc)[0]?.flag === 'talk', 'the flag at the client');
      const seen: CardSnapshot = snapshotCards(board.clientDoc)[0]!;
      expect(seen.replies.map((reply) => reply.text)).toEqual(['Thank you for telling me']);
      expect(snapshotCards(await storedState(pair.workspaceId, 'feedback'))[0]!.flag).toBe('talk');
    });

    it('refuses a therapist marking the client’s agreement on a goal, but not their own', async () => {
      const pair = await createMemberPair(context.db);
      const therapist = await socketClient(pair.therapist.cookie);
      const t = await therapist.join(pair.workspaceId, 'roadmap');
      const goal = addGoal(t.doc, { title: 'Sleep', proposedBy: 'therapist' });
      await therapist.settled();
      (goal.get('agreedBy') as Y.Map<string>).set('therapist', new Date().toISOString());
      expect(await therapist.lastAck()).toMatchObject({ ok: true });
      (goal.get('agreedBy') as Y.Map<string>).set('client', new Date().toISOString());
      expect(await therapist.lastAck()).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' });
      const stored = snapshotRoadmap(await storedState(pair.workspaceId, 'roadmap'));
      expect(Object.keys(stored.goals[0]!.agreedBy)).toEqual(['therapist']);
    });

    it('closes a provider that sends a refused update with the permission code', async () => {
      const pair = await createMemberPair(context.db);
      const client = await socketClient(pair.client.cookie);
      const c = await client.join(pair.workspaceId, 'feedback');
      c.doc.transact(() => getCards(c.doc).push([createCard('working', 'Good pace')]));
      await client.settled();
      const handle = provider(pair, 'feedback', pair.therapist.cookie);
      await handle.synced;
      handle.doc.transact(() => getCards(handle.doc).delete(0, 1));
      await waitFor(() => handle.closes.length > 0, 'the close');
      expect(handle.closes[0]).toMatchObject({ code: 4423 });
      expect(snapshotCards(c.doc)).toHaveLength(1);
    });

    it('keeps drafts to the client, and refuses every edit in an archived workspace', async () => {
      const pair = await createMemberPair(context.db);
      const client = await socketClient(pair.client.cookie);
      const drafts = await client.join(pair.workspaceId, 'drafts');
      drafts.doc.transact(() => getCards(drafts.doc).push([createCard('change', 'private thought')]));
      expect(await client.lastAck()).toMatchObject({ ok: true });

      await context.db.updateTable('workspaces').set({ archived_at: new Date() }).where('id', '=', pair.workspaceId).execute();
      const later = await socketClient(pair.client.cookie);
      const roadmap = await later.join(pair.workspaceId, 'roadmap');
      expect(roadmap.result.readOnly).toBe(true);
      addGoal(roadmap.doc, { title: 'too late', proposedBy: 'client' });
      expect(await later.lastAck()).toMatchObject({ ok: false, code: 'READ_ONLY' });
      expect(goalTitles(await storedState(pair.workspaceId, 'roadmap'))).toEqual([]);
    });
  });

  describe('reconnecting', () => {
    it('merges edits made on both sides while a provider was offline', async () => {
      const pair = await createMemberPair(context.db);
      const online = await socketClient(pair.therapist.cookie);
      const a = await online.join(pair.workspaceId, 'roadmap');
      const goal = addGoal(a.doc, { title: 'Shared goal', proposedBy: 'therapist' });
      await online.settled();

      const offline = provider(pair, 'roadmap', pair.client.cookie);
      await offline.synced;
      await waitFor(() => goalTitles(offline.doc).length === 1, 'the goal at the client');
      offline.provider.disconnect();
      await waitFor(() => !offline.provider.wsconnected, 'the client offline');

      (goal.get('why') as Y.Text).insert(0, 'online edit');
      addGoal(a.doc, { title: 'Added while the client was away', proposedBy: 'therapist' });
      (getGoals(offline.doc).get(0).get('title') as Y.Text).insert(0, 'Our ');
      addGoal(offline.doc, { title: 'Added offline', proposedBy: 'client' });
      await online.settled();

      offline.provider.connect();
      await waitFor(() => goalTitles(a.doc).length === 3 && goalTitles(offline.doc).length === 3, 'all three goals on both sides');
      await waitFor(() => snapshotRoadmap(a.doc).goals[0]!.title === 'Our Shared goal', 'the offline title edit online');
      expect(snapshotRoadmap(offline.doc)).toEqual(snapshotRoadmap(a.doc));
      expect(snapshotRoadmap(a.doc).goals[0]!.why).toBe('online edit');
      await waitFor(async () => goalTitles(await storedState(pair.workspaceId, 'roadmap')).length === 3, 'the offline edits stored');
    });

    it('merges offline edits of a Socket.IO client after its connection dropped', async () => {
      const pair = await createMemberPair(context.db);
      const other = await socketClient(pair.therapist.cookie);
      const o = await other.join(pair.workspaceId, 'roadmap');
      const first = await socketClient(pair.client.cookie);
      const local = (await first.join(pair.workspaceId, 'roadmap')).doc;
      first.close();
      addGoal(local, { title: 'Written offline', proposedBy: 'client' });
      addGoal(o.doc, { title: 'Written online', proposedBy: 'therapist' });
      await other.settled();

      const again = await socketClient(pair.client.cookie);
      await again.join(pair.workspaceId, 'roadmap', local);
      await again.settled();
      await waitFor(() => goalTitles(o.doc).length === 2 && goalTitles(local).length === 2, 'both goals on both sides');
      expect(snapshotRoadmap(o.doc)).toEqual(snapshotRoadmap(local));
    });
  });

  it('the raw endpoint answers a query for awareness with everyone’s presence', async () => {
    const pair = await createMemberPair(context.db);
    const present = provider(pair, 'roadmap', pair.client.cookie);
    present.provider.awareness.setLocalStateField('user', { name: 'C' });
    await present.synced;
    const raw = await openRawSocket(context.server.url, `/yjs/${pair.workspaceId}/roadmap`, pair.therapist.cookie);
    context.onStop(() => raw.socket.close());
    await waitFor(() => raw.messages.some((message) => message[0] === 1), 'the awareness on connect');
    raw.messages.length = 0;
    raw.socket.send(new Uint8Array([3]));
    await waitFor(() => raw.messages.some((message) => message[0] === 1), 'the awareness answer');
  });
});
