import {
  addGoal,
  createCard,
  createGoal,
  docKey,
  encodeSyncStep1,
  encodeSyncUpdate,
  frameYWebsocket,
  getCards,
  getGoals,
  MESSAGE_SYNC,
  snapshotRoadmap,
  validateFeedback,
  validateRoadmap,
} from '@alliance/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createMemberPair, loggedDoc, openRawSocket, useTestServer, waitFor, type MemberPair } from './fixtures.js';
import { testBackends } from './harness.js';

const MAX_MESSAGE_BYTES = 4_096;

/** An update made on a copy of `base`: what a client holding `base` would send after `change`. */
function craft(base: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
  const before = Y.encodeStateVector(doc);
  change(doc);
  return Y.encodeStateAsUpdate(doc, before);
}

/** Updates that break the roadmap's shape, each made against the current state `base`. */
function shapeBreakers(base: Y.Doc): [string, Uint8Array][] {
  return [
    ['an unknown root', craft(base, (doc) => doc.getMap('evil').set('x', 1))],
    ['a goal that is not a map', craft(base, (doc) => getGoals(doc).push(['just a string' as never]))],
    [
      'a goal title that is a plain string',
      craft(base, (doc) => {
        const goal = createGoal({ title: 'x', proposedBy: 'client' });
        goal.set('title', 'plain');
        getGoals(doc).push([goal]);
      }),
    ],
    ['an unknown meta field', craft(base, (doc) => doc.getMap('meta').set('evil', true))],
    ['a meta title that is a number', craft(base, (doc) => doc.getMap('meta').set('title', 42))],
    [
      'map entries on the goals list',
      craft(base, (doc) => {
        // A second document naming `goals` a map: its entries land on the server's list.
        const other = new Y.Doc();
        other.getMap('goals').set('hidden', 'junk');
        Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
      }),
    ],
  ];
}

describe.each(testBackends())('bad input on %s', (kind) => {
  const context = useTestServer(kind, { MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES) });
  const socketClient = (cookie: string) => context.socketClient(cookie);
  const storedRoadmap = (pair: MemberPair) => loggedDoc(context.db, pair.workspaceId, 'roadmap');

  /** The server still works and the stored roadmap holds the seed plus `goals`, nothing else. */
  async function expectIntact(pair: MemberPair, goals: string[]): Promise<void> {
    const check = await socketClient(pair.client.cookie);
    const { doc } = await check.join(pair.workspaceId, 'roadmap');
    addGoal(doc, { title: 'still fine', proposedBy: 'client' });
    expect(await check.lastAck()).toMatchObject({ ok: true, data: { saved: true } });
    const stored = await storedRoadmap(pair);
    expect(validateRoadmap(stored)).toBeNull();
    expect([...stored.share.keys()].sort()).toEqual(['goals', 'meta']);
    expect(snapshotRoadmap(stored).title).toBe(pair.title);
    expect(snapshotRoadmap(stored).goals.map((goal) => goal.title)).toEqual([...goals, 'still fine']);
  }

  describe('over Socket.IO', () => {
    it('answers malformed sync messages with INVALID_MESSAGE and keeps the document intact', async () => {
      const pair = await createMemberPair(context.db);
      const client = await socketClient(pair.client.cookie);
      const { key, doc } = await client.join(pair.workspaceId, 'roadmap');
      const valid = encodeSyncUpdate(craft(doc, (copy) => addGoal(copy, { title: 'valid', proposedBy: 'client' })));
      const malformed: [string, Uint8Array][] = [
        ['random bytes', new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0xff, 0xff, 0xff, 0x01, 0x02])],
        ['a truncated sync message', valid.subarray(0, valid.length - 5)],
        ['a length prefix past the end', new Uint8Array([2, 200, 1, 0, 0])],
        ['an update that is not an update', new Uint8Array([2, 4, 0xff, 0xff, 0xff, 0xff])],
        ['an unknown sync type', new Uint8Array([7, 0])],
        ['an empty message', new Uint8Array([])],
      ];
      for (const [what, message] of malformed) {
        expect(await client.sync(key, message), what).toMatchObject({ ok: false, code: 'INVALID_MESSAGE' });
      }
      await expectIntact(pair, []);
    });

    it('refuses messages over MAX_MESSAGE_BYTES with UPDATE_TOO_LARGE, and drops a connection sending far more', async () => {
      const pair = await createMemberPair(context.db);
      const client = await socketClient(pair.client.cookie);
      const { key, doc } = await client.join(pair.workspaceId, 'roadmap');
      const big = encodeSyncUpdate(craft(doc, (copy) => addGoal(copy, { title: 'x'.repeat(MAX_MESSAGE_BYTES), proposedBy: 'client' })));
      expect(await client.sync(key, big)).toMatchObject({ ok: false, code: 'UPDATE_TOO_LARGE' });

      const flood = await socketClient(pair.client.cookie);
      const flooded = await flood.join(pair.workspaceId, 'roadmap');
      const disconnected = new Promise<void>((resolve) => flood.socket.once('disconnect', () => resolve()));
      flood.socket.emit('doc:sync', flooded.key, new Uint8Array(MAX_MESSAGE_BYTES + 200_000), () => {});
      await disconnected;
      await expectIntact(pair, []);
    });

    it('refuses updates that break the document shape with SHAPE_VIOLATION; nothing reaches the other member', async () => {
      const pair = await createMemberPair(context.db);
      const client = await socketClient(pair.client.cookie);
      const watcher = await socketClient(pair.therapist.cookie);
      const { key, doc } = await client.join(pair.workspaceId, 'roadmap');
      const watched = await watcher.join(pair.workspaceId, 'roadmap');
      const before = Y.encodeStateVector(watched.doc);
      for (const [what, update] of shapeBreakers(doc)) {
        expect(await client.sync(key, encodeSyncUpdate(update)), what).toMatchObject({ ok: false, code: 'SHAPE_VIOLATION' });
      }
      const embed = craft(doc, (copy) => {
        addGoal(copy, { title: 'with an embed', proposedBy: 'client' });
        (getGoals(copy).get(0).get('why') as Y.Text).insertEmbed(0, { image: 'x' });
      });
      expect(await client.sync(key, encodeSyncUpdate(embed))).toMatchObject({ ok: false, code: 'SHAPE_VIOLATION' });
      expect(Y.encodeStateVector(watched.doc)).toEqual(before);
      await expectIntact(pair, []);
    });

    it('refuses an update whose dependencies the server does not have', async () => {
      const pair = await createMemberPair(context.db);
      const client = await socketClient(pair.client.cookie);
      const { key, doc } = await client.join(pair.workspaceId, 'roadmap');
      const copy = new Y.Doc();
      Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
      const start = Y.encodeStateVector(copy);
      const goal = addGoal(copy, { title: 'first', proposedBy: 'client' });
      const middle = Y.encodeStateVector(copy);
      (goal.get('why') as Y.Text).insert(0, 'depends on the goal');
      const second = Y.encodeStateAsUpdate(copy, middle);
      expect(await client.sync(key, encodeSyncUpdate(second))).toMatchObject({ ok: false, code: 'OUT_OF_SYNC' });
      // Sent together with what it depends on, it is fine.
      expect(await client.sync(key, encodeSyncUpdate(Y.encodeStateAsUpdate(copy, start)))).toMatchObject({ ok: true });
      await expectIntact(pair, ['first']);
    });

    it('answers malformed event payloads with a named error and never drops the server', async () => {
      const pair = await createMemberPair(context.db);
      const client = await socketClient(pair.client.cookie);
      const { key } = await client.join(pair.workspaceId, 'roadmap');
      const update = encodeSyncUpdate(new Uint8Array([0, 0]));

      expect(await client.sync(key, 'not binary')).toMatchObject({ ok: false, code: 'INVALID_MESSAGE' });
      expect(await client.sync(key, { 0: 1 })).toMatchObject({ ok: false, code: 'INVALID_MESSAGE' });
      expect(await client.sync('nope', update)).toMatchObject({ ok: false, code: 'INVALID_MESSAGE' });
      expect(await client.sync(42, update)).toMatchObject({ ok: false, code: 'INVALID_MESSAGE' });
      expect(await client.sync(docKey(pair.workspaceId, 'feedback'), update)).toMatchObject({ ok: false, code: 'NOT_JOINED' });
      expect(await client.emitJoin(undefined, undefined)).toMatchObject({ ok: false, code: 'INVALID_MESSAGE' });
      expect(await client.emitJoin(pair.workspaceId, 42)).toMatchObject({ ok: false, code: 'INVALID_MESSAGE' });
      expect(await new Promise((resolve) => client.socket.emit('doc:join', null as never, resolve))).toMatchObject({ ok: false, code: 'INVALID_MESSAGE' });
      expect(await client.emitJoin(`${pair.workspaceId}' or 1=1 --`, 'roadmap')).toMatchObject({ ok: false, code: 'NOT_FOUND' });

      // Without an ack function, the answer comes as doc:error.
      client.socket.emit('doc:sync', key, 'still not binary' as never, undefined as never);
      client.socket.emit('doc:awareness', key, new Uint8Array([9, 9, 9]));
      client.socket.emit('doc:awareness', 'garbage' as never, new Uint8Array([1]));
      client.socket.emit('doc:leave', { not: 'a key' } as never);
      await waitFor(() => client.errors.length >= 4, 'four doc:error events');
      expect(client.errors.map((error) => error.code)).toEqual(['INVALID_MESSAGE', 'INVALID_MESSAGE', 'INVALID_MESSAGE', 'INVALID_MESSAGE']);

      expect(await client.sync(key, encodeSyncStep1(new Y.Doc()))).toMatchObject({ ok: true, data: null });
      await expectIntact(pair, []);
    });

    it('refuses a feedback card with a made-up column and a draft from the therapist', async () => {
      const pair = await createMemberPair(context.db);
      const client = await socketClient(pair.client.cookie);
      const { key, doc } = await client.join(pair.workspaceId, 'feedback');
      const bad = craft(doc, (copy) => {
        const card = createCard('power', 'x');
        card.set('column', 'elsewhere');
        getCards(copy).push([card]);
      });
      expect(await client.sync(key, encodeSyncUpdate(bad))).toMatchObject({ ok: false, code: 'SHAPE_VIOLATION' });
      expect(validateFeedback(doc)).toBeNull();
      const therapist = await socketClient(pair.therapist.cookie);
      expect(await therapist.sync(docKey(pair.workspaceId, 'drafts'), encodeSyncUpdate(new Uint8Array([0, 0])))).toMatchObject({ ok: false, code: 'NOT_JOINED' });
    });
  });

  describe('over y-websocket', () => {
    async function closeCodeFor(pair: MemberPair, frame: Uint8Array | string): Promise<number> {
      const raw = await openRawSocket(context.server.url, `/yjs/${pair.workspaceId}/roadmap`, pair.client.cookie);
      raw.socket.send(frame);
      return (await raw.closed).code;
    }

    it('closes with 4400 on malformed frames and stays up', async () => {
      const pair = await createMemberPair(context.db);
      const valid = frameYWebsocket(MESSAGE_SYNC, encodeSyncUpdate(craft(new Y.Doc(), (doc) => addGoal(doc, { title: 'x', proposedBy: 'client' }))));
      const frames: [string, Uint8Array | string][] = [
        ['random bytes', new Uint8Array([0, 0xde, 0xad, 0xbe, 0xef, 0xff, 0xff, 0xff])],
        ['a truncated sync message', valid.subarray(0, valid.length - 4)],
        ['an unknown message type', new Uint8Array([9, 1, 2, 3])],
        ['a truncated awareness message', new Uint8Array([1, 50, 1, 2])],
        ['awareness that is not JSON', new Uint8Array([1, 6, 1, 200, 1, 0, 2, 0x7b])],
        ['a text frame', 'hello'],
        ['an empty frame', new Uint8Array([])],
      ];
      for (const [what, frame] of frames) expect(await closeCodeFor(pair, frame), what).toBe(4400);
      await expectIntact(pair, []);
    });

    it('closes with 4413 on an update over MAX_MESSAGE_BYTES, and cuts a frame far over it', async () => {
      const pair = await createMemberPair(context.db);
      const big = frameYWebsocket(MESSAGE_SYNC, encodeSyncUpdate(craft(new Y.Doc(), (doc) => addGoal(doc, { title: 'x'.repeat(MAX_MESSAGE_BYTES), proposedBy: 'client' }))));
      expect(await closeCodeFor(pair, big)).toBe(4413);
      expect(await closeCodeFor(pair, new Uint8Array(MAX_MESSAGE_BYTES * 4))).toBe(1009);
      await expectIntact(pair, []);
    });

    it('closes with 4422 on updates that break the document shape', async () => {
      const pair = await createMemberPair(context.db);
      const watcher = await socketClient(pair.therapist.cookie);
      const watched = await watcher.join(pair.workspaceId, 'roadmap');
      const before = Y.encodeStateVector(watched.doc);
      for (const [what, update] of shapeBreakers(watched.doc)) {
        expect(await closeCodeFor(pair, frameYWebsocket(MESSAGE_SYNC, encodeSyncUpdate(update))), what).toBe(4422);
      }
      expect(Y.encodeStateVector(watched.doc)).toEqual(before);
      await expectIntact(pair, []);
    });

    it('a provider whose update was refused stops, and a fresh one syncs the stored document', async () => {
      const pair = await createMemberPair(context.db);
      const handle = context.provider(pair.workspaceId, 'roadmap', pair.client.cookie);
      await handle.synced;
      handle.doc.getMap('meta').set('title', 42);
      await waitFor(() => handle.closes.length > 0, 'the close');
      expect(handle.closes[0]!.code).toBe(4422);
      const fresh = context.provider(pair.workspaceId, 'roadmap', pair.therapist.cookie);
      await fresh.synced;
      expect(snapshotRoadmap(fresh.doc).title).toBe(pair.title);
    });
  });
});
