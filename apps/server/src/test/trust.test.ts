import { listUpdatesAfter, findDocument } from '@alliance/db';
import {
  addGoal,
  createCard,
  createGoal,
  createReply,
  decodeSyncMessage,
  editReply,
  encodeSyncStep1,
  encodeSyncUpdate,
  frameYWebsocket,
  getCards,
  getGoals,
  MESSAGE_AWARENESS,
  MESSAGE_SYNC,
  offerHomework,
  sendReply,
  setStepDone,
  snapshotCards,
  snapshotRoadmap,
  SYNC_STEP_2,
  addStep,
  type DocName,
} from '@alliance/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { Awareness, applyAwarenessUpdate } from 'y-protocols/awareness';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createMemberPair, loggedDoc, openRawSocket, useTestServer, waitFor, type Member, type MemberPair } from './fixtures.js';
import { testBackends } from './harness.js';

/** What a client holding `base` sends after `change`. */
function craft(base: Y.Doc, change: (doc: Y.Doc) => void, clientID?: number): Uint8Array {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
  // Set after the state is in: Yjs picks a new id when an update arrives under its own.
  if (clientID !== undefined) doc.clientID = clientID;
  const before = Y.encodeStateVector(doc);
  change(doc);
  return Y.encodeStateAsUpdate(doc, before);
}

const goalTitles = (doc: Y.Doc) => snapshotRoadmap(doc).goals.map((goal) => goal.title);

/**
 * These tests play a member who crafts updates by hand — through a stock y-websocket provider, a
 * raw socket speaking the standard protocol, or a Socket.IO client — and check that what the
 * server promises holds: it refuses, stores nothing of the refused change and tells nobody.
 */
describe.each(testBackends())('what holds against a member who crafts updates, on %s', (kind) => {
  const context = useTestServer(kind, { ROOM_IDLE_UNLOAD_MS: '100' });
  const stored = (pair: MemberPair, doc: DocName) => loggedDoc(context.db, pair.workspaceId, doc);

  /** A raw y-websocket peer: sends updates and tells whether each was taken or the socket was closed (and with which code). */
  async function rawPeer(pair: MemberPair, doc: DocName, member: Member) {
    const raw = await openRawSocket(context.server.url, `/yjs/${pair.workspaceId}/${doc}`, member.cookie);
    context.onStop(() => raw.socket.close());
    let closed: number | null = null;
    void raw.closed.then(({ code }) => (closed = code));
    const stepTwos = () => raw.messages.filter((message) => message[0] === MESSAGE_SYNC && decodeSyncMessage(message.subarray(1)).type === SYNC_STEP_2).length;
    /** Sends a sync step 1: its answer comes after everything sent before it was handled. */
    const settle = async (): Promise<'taken' | number> => {
      const before = stepTwos();
      if (closed === null) raw.socket.send(frameYWebsocket(MESSAGE_SYNC, encodeSyncStep1(new Y.Doc())));
      await waitFor(() => closed !== null || stepTwos() > before, 'the server to answer');
      return closed ?? 'taken';
    };
    await waitFor(() => raw.messages.length > 0 || closed !== null, 'the opening sync');
    return {
      raw,
      settle,
      async send(update: Uint8Array): Promise<'taken' | number> {
        raw.socket.send(frameYWebsocket(MESSAGE_SYNC, encodeSyncUpdate(update)));
        return settle();
      },
      async sendAwareness(update: Uint8Array): Promise<'taken' | number> {
        raw.socket.send(frameYWebsocket(MESSAGE_AWARENESS, update));
        return settle();
      },
    };
  }

  async function roadmapWithClientGoal(pair: MemberPair) {
    const client = await context.socketClient(pair.client.cookie);
    const joined = await client.join(pair.workspaceId, 'roadmap');
    addGoal(joined.doc, { title: 'Sleep better', why: 'I am tired', proposedBy: 'client' });
    expect(await client.lastAck()).toMatchObject({ ok: true });
    return { client, doc: joined.doc };
  }

  describe('the checks judge exactly what is applied', () => {
    it('refuses formatting marks riding along with a change of the other person’s agreement, an unknown field or a huge title', async () => {
      const pair = await createMemberPair(context.db);
      await roadmapWithClientGoal(pair);
      const attacks: [string, (goal: Y.Map<unknown>) => void][] = [
        ['the client’s agreement', (goal) => (goal.get('agreedBy') as Y.Map<string>).set('client', new Date().toISOString())],
        ['an unknown field', (goal) => goal.set('evil', 'x')],
        ['a 900,000-character title', (goal) => (goal.get('title') as Y.Text).insert(0, 'x'.repeat(900_000))],
      ];
      for (const [what, attack] of attacks) {
        // A stock provider: whatever its document does in one transaction is what it sends.
        const handle = context.provider(pair.workspaceId, 'roadmap', pair.therapist.cookie);
        await handle.synced;
        handle.doc.transact(() => {
          const goal = getGoals(handle.doc).get(0);
          (goal.get('why') as Y.Text).format(0, 1, { bold: true });
          attack(goal);
        });
        await waitFor(() => handle.closes.length > 0, `the refusal of ${what}`);
        expect(handle.closes[0]!.code, what).toBe(4422);
        handle.destroy();
      }
      const goal = snapshotRoadmap(await stored(pair, 'roadmap')).goals[0]!;
      expect(goal).toMatchObject({ title: 'Sleep better', why: 'I am tired', agreedBy: {} });
      expect((await stored(pair, 'roadmap')).getArray('goals').get(0)).toBeInstanceOf(Y.Map);
    });

    it('refuses a formatting item hidden inside the goals list, and plain characters in it', async () => {
      const pair = await createMemberPair(context.db);
      const therapist = await rawPeer(pair, 'roadmap', pair.therapist);
      const hidden = (withFormat: boolean) => {
        // Another document that calls `goals` a text: its items land inside the goals list. With
        // formatting, the character alone is deleted (a hand-written delete set) and only the
        // invisible marks remain.
        const other = new Y.Doc();
        other.getText('goals').insert(0, 'x', withFormat ? { bold: true } : undefined);
        const update = Y.encodeStateAsUpdate(other);
        if (!withFormat) return update;
        const deletion = encoding.createEncoder();
        for (const value of [0, 1, other.clientID, 1, 1, 1]) encoding.writeVarUint(deletion, value); // no structs; delete (client, clock 1, length 1)
        return Y.mergeUpdates([update, encoding.toUint8Array(deletion)]);
      };
      expect(await therapist.send(hidden(true))).toBe(4422);
      const again = await rawPeer(pair, 'roadmap', pair.therapist);
      expect(await again.send(hidden(false))).toBe(4422);
      const doc = await stored(pair, 'roadmap');
      expect(doc.getArray('goals').length).toBe(0);
      let items = 0;
      for (let item = doc.getArray('goals')._start; item !== null; item = item.right) items++;
      expect(items).toBe(0);
    });

    it('never says "Saved" over Socket.IO for an update with formatting that deletes something', async () => {
      const pair = await createMemberPair(context.db);
      await roadmapWithClientGoal(pair);
      const therapist = await context.socketClient(pair.therapist.cookie);
      const joined = await therapist.join(pair.workspaceId, 'roadmap');
      joined.doc.transact(() => {
        const why = getGoals(joined.doc).get(0).get('why') as Y.Text;
        why.format(0, 4, { bold: true });
        why.delete(0, 2);
      });
      expect(await therapist.lastAck()).toMatchObject({ ok: false, code: 'SHAPE_VIOLATION' });
      expect(snapshotRoadmap(await stored(pair, 'roadmap')).goals[0]!.why).toBe('I am tired');
    });
  });

  /** One change by `member` on a fresh copy of the document, sent over Socket.IO; resolves with the server's answer. */
  async function attempt(pair: MemberPair, member: Member, doc: DocName, change: (ydoc: Y.Doc) => void) {
    const socket = await context.socketClient(member.cookie);
    const joined = await socket.join(pair.workspaceId, doc);
    joined.doc.transact(() => change(joined.doc));
    const ack = await socket.lastAck();
    socket.close();
    return ack;
  }

  describe('who-said-what fields are the server’s', () => {
    it('refuses a goal proposed, a step ticked, agreement or homework offered and chosen in the other person’s name', async () => {
      const pair = await createMemberPair(context.db);
      const { doc: clientDoc, client } = await roadmapWithClientGoal(pair);
      offerHomework(getGoals(clientDoc).get(0), ['a walk', 'a bath'], 'therapist');
      expect(await client.lastAck()).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' }); // the client cannot offer
      const firstGoal = (doc: Y.Doc) => getGoals(doc).get(0);
      const steps = (doc: Y.Doc) => firstGoal(doc).get('steps') as Y.Array<Y.Map<unknown>>;
      const homework = (doc: Y.Doc) => firstGoal(doc).get('homework') as Y.Array<Y.Map<unknown>>;

      const cases: [string, Member, (doc: Y.Doc) => void, string][] = [
        ['a goal proposed by the client', pair.therapist, (doc) => getGoals(doc).push([createGoal({ title: 'Run', proposedBy: 'client' })]), 'PERMISSION_DENIED'],
        ['agreed without the client', pair.therapist, (doc) => firstGoal(doc).set('status', 'agreed'), 'PERMISSION_DENIED'],
        ['the proposer changed', pair.client, (doc) => firstGoal(doc).set('proposedBy', 'therapist'), 'SHAPE_VIOLATION'],
      ];
      for (const [what, member, change, code] of cases) {
        expect(await attempt(pair, member, 'roadmap', change), what).toMatchObject({ ok: false, code });
      }
      // A step and an offer of homework, written by the right people, then ticked and chosen in the wrong names.
      expect(await attempt(pair, pair.client, 'roadmap', (doc) => addStep(firstGoal(doc), 'lights out at eleven'))).toMatchObject({ ok: true });
      expect(await attempt(pair, pair.therapist, 'roadmap', (doc) => offerHomework(firstGoal(doc), ['a walk', 'a bath'], 'therapist'))).toMatchObject({ ok: true });
      expect(await attempt(pair, pair.therapist, 'roadmap', (doc) => setStepDone(steps(doc).get(0), true, 'client'))).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' });
      expect(await attempt(pair, pair.therapist, 'roadmap', (doc) => homework(doc).get(0).set('chosen', true))).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' });
      expect(await attempt(pair, pair.therapist, 'roadmap', (doc) => homework(doc).get(0).set('offeredBy', 'client'))).toMatchObject({ ok: false, code: 'SHAPE_VIOLATION' });
      expect(await attempt(pair, pair.client, 'roadmap', (doc) => homework(doc).get(1).set('chosen', true))).toMatchObject({ ok: true });
      expect(await attempt(pair, pair.client, 'roadmap', (doc) => setStepDone(steps(doc).get(0), true, 'client'))).toMatchObject({ ok: true });

      const goalNow = snapshotRoadmap(await stored(pair, 'roadmap')).goals;
      expect(goalNow.map((entry) => [entry.title, entry.proposedBy, entry.status])).toEqual([['Sleep better', 'client', 'proposed']]);
      expect(goalNow[0]!.steps).toMatchObject([{ done: true, doneBy: 'client' }]);
      expect(goalNow[0]!.homework.map((entry) => entry.chosen)).toEqual([false, true]);
    });

    it('refuses a goal proposed in the client’s name from a stock provider', async () => {
      const pair = await createMemberPair(context.db);
      const handle = context.provider(pair.workspaceId, 'roadmap', pair.therapist.cookie);
      await handle.synced;
      handle.doc.transact(() => getGoals(handle.doc).push([createGoal({ title: 'Be calmer', proposedBy: 'client' })]));
      await waitFor(() => handle.closes.length > 0, 'the refusal');
      expect(handle.closes[0]!.code).toBe(4423);
      expect(goalTitles(await stored(pair, 'roadmap'))).toEqual([]);
    });
  });

  describe('feedback permissions by identity', () => {
    async function boardWithCard(pair: MemberPair) {
      const client = await context.socketClient(pair.client.cookie);
      const joined = await client.join(pair.workspaceId, 'feedback');
      joined.doc.transact(() => getCards(joined.doc).push([createCard('power', 'I felt rushed today')]));
      expect(await client.lastAck()).toMatchObject({ ok: true });
      return { client, doc: joined.doc };
    }
    const card = (doc: Y.Doc) => getCards(doc).get(0);
    const replies = (doc: Y.Doc) => card(doc).get('replies') as Y.Array<Y.Map<unknown>>;

    it('refuses the therapist re-creating a look-alike of a card, swapping its text or removing a field — and keeps the client’s typing', async () => {
      const pair = await createMemberPair(context.db);
      const board = await boardWithCard(pair);
      const lookAlike = (doc: Y.Doc) => {
        const original = card(doc);
        const copy = createCard('power', 'I felt rushed today');
        copy.set('id', original.get('id'));
        getCards(doc).delete(0, 1);
        getCards(doc).push([copy]);
      };
      expect(await attempt(pair, pair.therapist, 'feedback', lookAlike)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' });
      expect(await attempt(pair, pair.therapist, 'feedback', (doc) => card(doc).set('text', new Y.Text('I felt fine')))).toMatchObject({ ok: false, code: 'SHAPE_VIOLATION' });
      expect(await attempt(pair, pair.therapist, 'feedback', (doc) => card(doc).delete('flag'))).toMatchObject({ ok: false, code: 'SHAPE_VIOLATION' });
      expect(await attempt(pair, pair.therapist, 'feedback', (doc) => card(doc).set('authorRole', 'therapist'))).toMatchObject({ ok: false, code: 'SHAPE_VIOLATION' });

      (card(board.doc).get('text') as Y.Text).insert(0, 'On Monday ');
      expect(await board.client.lastAck()).toMatchObject({ ok: true });
      expect(snapshotCards(await stored(pair, 'feedback')).map((entry) => entry.text)).toEqual(['On Monday I felt rushed today']);
    });

    it('refuses a reply shown as the client’s by reusing the client’s reply id, and a duplicate id never locks the client out', async () => {
      const pair = await createMemberPair(context.db);
      const board = await boardWithCard(pair);
      replies(board.doc).push([createReply('client', 'and tired')]);
      expect(await board.client.lastAck()).toMatchObject({ ok: true });
      const reuse = (role: 'client' | 'therapist') => (doc: Y.Doc) => {
        const reply = createReply(role, 'I was fine, really');
        reply.set('id', replies(doc).get(0).get('id'));
        replies(doc).push([reply]);
      };
      // An exact copy of the client's reply, added by the therapist: it reads as the client's.
      const copy = (doc: Y.Doc) => {
        const original = replies(doc).get(0);
        const reply = createReply('client', 'and tired');
        for (const key of ['id', 'createdAt'] as const) reply.set(key, original.get(key));
        replies(doc).push([reply]);
      };
      expect(await attempt(pair, pair.therapist, 'feedback', copy)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' });
      expect(await attempt(pair, pair.therapist, 'feedback', reuse('client'))).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' });
      expect(await attempt(pair, pair.therapist, 'feedback', reuse('therapist'))).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' });
      expect(await attempt(pair, pair.client, 'feedback', reuse('client'))).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' });
      // The client goes on writing as usual.
      expect(await attempt(pair, pair.client, 'feedback', (doc) => getCards(doc).push([createCard('working', 'The walks help')]))).toMatchObject({ ok: true });
      const storedBoard = snapshotCards(await stored(pair, 'feedback'));
      expect(storedBoard.map((entry) => entry.text)).toEqual(['I felt rushed today', 'The walks help']);
      expect(storedBoard[0]!.replies.map((reply) => [reply.authorRole, reply.text])).toEqual([['client', 'and tired']]);
    });

    it('lets each write, edit and remove only their own replies', async () => {
      const pair = await createMemberPair(context.db);
      await boardWithCard(pair);
      expect(await attempt(pair, pair.therapist, 'feedback', (doc) => replies(doc).push([createReply('therapist', 'Thank you')]))).toMatchObject({ ok: true });
      expect(await attempt(pair, pair.client, 'feedback', (doc) => (replies(doc).get(0).get('text') as Y.Text).insert(0, 'No '))).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' });
      expect(await attempt(pair, pair.client, 'feedback', (doc) => replies(doc).delete(0, 1))).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' });
      expect(await attempt(pair, pair.therapist, 'feedback', (doc) => (replies(doc).get(0).get('text') as Y.Text).insert(9, ' for telling me'))).toMatchObject({ ok: true });
      expect(snapshotCards(await stored(pair, 'feedback'))[0]!.replies.map((reply) => reply.text)).toEqual(['Thank you for telling me']);
      expect(await attempt(pair, pair.therapist, 'feedback', (doc) => replies(doc).delete(0, 1))).toMatchObject({ ok: true });
      expect(snapshotCards(await stored(pair, 'feedback'))[0]!.replies).toEqual([]);
    });

    it('lets the author edit their sent reply and mark it edited, and nobody else — from a stock provider', async () => {
      const pair = await createMemberPair(context.db);
      await boardWithCard(pair);
      const therapist = context.provider(pair.workspaceId, 'feedback', pair.therapist.cookie);
      await therapist.synced;
      const reply = sendReply(therapist.doc, card(therapist.doc), 'therapist', 'Let us slow down next time.')!;
      await waitFor(async () => snapshotCards(await stored(pair, 'feedback'))[0]!.replies.length === 1, 'the reply stored');
      editReply(therapist.doc, reply, 'Let us go slower next time.');
      await waitFor(async () => snapshotCards(await stored(pair, 'feedback'))[0]!.replies[0]!.editedAt, 'the edit stored');
      expect(snapshotCards(await stored(pair, 'feedback'))[0]!.replies[0]!.text).toBe('Let us go slower next time.');

      // The client can neither mark the therapist's reply edited nor change its words.
      for (const change of [
        (doc: Y.Doc) => replies(doc).get(0).set('editedAt', new Date().toISOString()),
        (doc: Y.Doc) => editReply(doc, replies(doc).get(0), 'Let us stop.'),
      ]) {
        const client = context.provider(pair.workspaceId, 'feedback', pair.client.cookie);
        await client.synced;
        client.doc.transact(() => change(client.doc));
        await waitFor(() => client.closes.length > 0, 'the refusal');
        expect(client.closes[0]!.code).toBe(4423);
        client.provider.destroy();
      }
      // Nor may the author date an edit in the future.
      expect(await attempt(pair, pair.therapist, 'feedback', (doc) => replies(doc).get(0).set('editedAt', new Date(Date.now() + 86_400_000).toISOString()))).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' });
      const [stored0] = snapshotCards(await stored(pair, 'feedback'));
      expect(stored0!.replies).toEqual([expect.objectContaining({ authorRole: 'therapist', text: 'Let us go slower next time.', editedAt: expect.any(String) })]);
    });
  });

  describe('a Yjs client id belongs to one person per document', () => {
    it('refuses structs under the other member’s client id, so their offline edit is not turned into “nothing new”', async () => {
      const pair = await createMemberPair(context.db);
      const victim = context.provider(pair.workspaceId, 'roadmap', pair.client.cookie);
      await victim.synced;
      addGoal(victim.doc, { title: 'Sleep better', proposedBy: 'client' });
      await waitFor(async () => goalTitles(await stored(pair, 'roadmap')).length === 1, 'the first goal stored');
      victim.provider.disconnect();
      addGoal(victim.doc, { title: 'written offline', proposedBy: 'client' });

      // The therapist claims the client's next clocks: a change made under the client's id.
      const attacker = await context.socketClient(pair.therapist.cookie);
      const seen = await attacker.join(pair.workspaceId, 'roadmap');
      const forged = craft(seen.doc, (doc) => doc.getMap('meta').set('title', 'mine'), victim.doc.clientID);
      const raw = await rawPeer(pair, 'roadmap', pair.therapist);
      expect(await raw.send(forged)).toBe(4423);

      victim.provider.connect();
      await waitFor(async () => goalTitles(await stored(pair, 'roadmap')).includes('written offline'), 'the offline edit stored');
      expect(snapshotRoadmap(await stored(pair, 'roadmap')).title).toBe(pair.title);
    });
  });

  describe('presence is validated on the server', () => {
    function awarenessUpdate(entries: { client: number; clock: number; state: string }[]): Uint8Array {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, entries.length);
      for (const entry of entries) {
        encoding.writeVarUint(encoder, entry.client);
        encoding.writeVarUint(encoder, entry.clock);
        encoding.writeVarString(encoder, entry.state);
      }
      return encoding.toUint8Array(encoder);
    }

    async function watch(pair: MemberPair) {
      const raw = await openRawSocket(context.server.url, `/yjs/${pair.workspaceId}/roadmap`, pair.therapist.cookie);
      context.onStop(() => raw.socket.close());
      const heard = new Awareness(new Y.Doc());
      heard.setLocalState(null); // only what the server says
      const hear = (data: Uint8Array) => {
        if (data[0] === MESSAGE_AWARENESS) applyAwarenessUpdate(heard, decoding.readVarUint8Array(decoding.createDecoder(data.subarray(1))), 'server');
      };
      raw.messages.forEach(hear);
      raw.socket.on('message', (data: Buffer) => hear(new Uint8Array(data)));
      return heard;
    }

    it('holds a few presences per connection, so a flood of client ids is refused and nothing of it stays', async () => {
      const pair = await createMemberPair(context.db);
      const heard = await watch(pair);
      const peer = await rawPeer(pair, 'roadmap', pair.client);
      const flood = Array.from({ length: 100_000 }, (_, index) => ({ client: 1_000 + index, clock: 1, state: '{}' }));
      expect(await peer.sendAwareness(awarenessUpdate(flood))).toBe(4400);
      // What one connection can still hold is bounded, and goes when it closes.
      const few = await rawPeer(pair, 'roadmap', pair.client);
      expect(await few.sendAwareness(awarenessUpdate([1, 2, 3, 4].map((client) => ({ client, clock: 1, state: '{"away":false}' }))))).toBe('taken');
      await waitFor(() => heard.getStates().size >= 4, 'four presences');
      expect([...heard.getStates().keys()].filter((client) => client >= 1_000)).toEqual([]);
      few.raw.socket.close();
      await waitFor(() => heard.getStates().size === 0, 'the presences gone with their connection');
    });

    it('states the user from the session, drops unknown and malformed fields, and a deeply nested state breaks no later join', async () => {
      const pair = await createMemberPair(context.db);
      const heard = await watch(pair);
      const peer = await rawPeer(pair, 'roadmap', pair.client);
      const nested = `{"cursor":${'['.repeat(1_000)}${']'.repeat(1_000)},"editing":{"kind":"goal","id":"g1"},"user":{"name":"The therapist","role":"therapist"},"evil":${'{"a":'.repeat(250)}1${'}'.repeat(250)}}`;
      expect(await peer.sendAwareness(awarenessUpdate([{ client: 77, clock: 1, state: nested }]))).toBe('taken');
      await waitFor(() => heard.getStates().has(77), 'the presence relayed');
      expect(heard.getStates().get(77)).toEqual({ user: { id: pair.client.userId, name: 'Client', role: 'client' }, editing: { kind: 'goal', id: 'g1' } });
      // A larger state is refused outright.
      const big = await rawPeer(pair, 'roadmap', pair.client);
      expect(await big.sendAwareness(awarenessUpdate([{ client: 78, clock: 1, state: JSON.stringify({ away: false, pad: 'x'.repeat(10_000) }) }]))).toBe(4400);
      // Someone joining later gets everyone's presence and syncs as usual.
      const later = context.provider(pair.workspaceId, 'roadmap', pair.therapist.cookie);
      await later.synced;
      await waitFor(() => later.provider.awareness.getStates().has(77), 'the presence at a later join');
    });
  });

  describe('the server’s own changes', () => {
    it('shares scheduled drafts through the same pipeline, recorded as the server’s', async () => {
      const pair = await createMemberPair(context.db);
      const client = await context.socketClient(pair.client.cookie);
      const drafts = await client.join(pair.workspaceId, 'drafts');
      drafts.doc.transact(() => {
        const draft = createCard('process', 'Could we start on time?');
        draft.set('share', 'next-session');
        getCards(drafts.doc).push([draft]);
      });
      expect(await client.lastAck()).toMatchObject({ ok: true });
      const started = await fetch(`${context.server.url}/api/workspaces/${pair.workspaceId}/sessions`, { method: 'POST', headers: { cookie: pair.therapist.cookie, 'content-type': 'application/json', origin: context.server.url }, body: '{}' });
      expect(started.status).toBe(201);
      expect(snapshotCards(await stored(pair, 'feedback')).map((entry) => [entry.text, entry.authorRole])).toEqual([['Could we start on time?', 'client']]);
      for (const name of ['feedback', 'drafts'] as const) {
        const document = await findDocument(context.db, pair.workspaceId, name);
        const last = (await listUpdatesAfter(context.db, document!.id, 0)).at(-1)!;
        expect({ userId: last.userId, serverReason: last.serverReason }, name).toEqual({ userId: null, serverReason: 'drafts.shared' });
      }
    });
  });
});
