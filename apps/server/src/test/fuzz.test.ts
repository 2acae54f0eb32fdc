import {
  addGoal,
  addStep,
  createCard,
  createGoal,
  createReply,
  getCards,
  getGoals,
  offerHomework,
  setAgreement,
  setStepDone,
  snapshotCards,
  snapshotRoadmap,
  validateFeedback,
  validateRoadmap,
  type DocName,
  type Role,
} from '@alliance/shared';
import { seeded as random } from '@alliance/shared/testing/random';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createMemberPair, loggedDoc, SocketClient, startRealtimeServer, type MemberPair, type RealtimeServer } from './fixtures.js';
import { testBackends } from './harness.js';

type Pick = <T>(items: readonly T[]) => T;
type Operation = { name: string; doc: DocName; valid: boolean; run: (doc: Y.Doc, role: Role, pick: Pick) => boolean };

const other = (role: Role): Role => (role === 'therapist' ? 'client' : 'therapist');
const goals = (doc: Y.Doc) => getGoals(doc).toArray();
const cards = (doc: Y.Doc) => getCards(doc).toArray();
const list = (map: Y.Map<unknown>, key: string) => map.get(key) as Y.Array<Y.Map<unknown>>;
const text = (map: Y.Map<unknown>, key: string) => map.get(key) as Y.Text;

/**
 * What people do, and what a member crafting updates tries. Each returns false when it does not
 * apply to the document as it is (no goal yet, …). `valid`: whether the server must accept it.
 */
const OPERATIONS: Operation[] = [
  { name: 'add a goal', doc: 'roadmap', valid: true, run: (doc, role, pick) => (addGoal(doc, { title: pick(['Sleep', 'Walk', 'Call Mum']), proposedBy: role }), true) },
  {
    name: 'type into a title',
    doc: 'roadmap',
    valid: true,
    run: (doc, _role, pick) => {
      const goal = goals(doc).length ? pick(goals(doc)) : null;
      if (!goal) return false;
      const title = text(goal, 'title');
      title.insert(Math.floor(title.length / 2), pick(['a', ' more', '!']));
      return true;
    },
  },
  { name: 'add a step', doc: 'roadmap', valid: true, run: (doc, _role, pick) => (goals(doc).length ? (addStep(pick(goals(doc)), 'a step'), true) : false) },
  {
    name: 'tick a step as yourself',
    doc: 'roadmap',
    valid: true,
    run: (doc, role, pick) => {
      const steps = goals(doc).flatMap((goal) => list(goal, 'steps').toArray());
      if (!steps.length) return false;
      const step = pick(steps);
      setStepDone(step, step.get('done') !== true, role);
      return true;
    },
  },
  { name: 'mark your own agreement', doc: 'roadmap', valid: true, run: (doc, role, pick) => (goals(doc).length ? (setAgreement(pick(goals(doc)), role, true), true) : false) },
  {
    name: 'offer homework (therapist) or choose it (client)',
    doc: 'roadmap',
    valid: true,
    run: (doc, role, pick) => {
      const goal = goals(doc).length ? pick(goals(doc)) : null;
      if (!goal) return false;
      if (role === 'therapist') return offerHomework(goal, ['walk', 'read'], 'therapist') !== null;
      const open = list(goal, 'homework').toArray().filter((item) => item.get('offerId') && item.get('chosen') === false);
      if (!open.length) return false;
      const option = pick(open);
      for (const item of list(goal, 'homework').toArray()) if (item.get('offerId') === option.get('offerId')) item.set('chosen', item === option);
      return true;
    },
  },
  { name: 'a goal proposed by the other', doc: 'roadmap', valid: false, run: (doc, role) => (getGoals(doc).push([createGoal({ title: 'x', proposedBy: other(role) })]), true) },
  { name: "the other's agreement", doc: 'roadmap', valid: false, run: (doc, role, pick) => (goals(doc).length ? ((pick(goals(doc)).get('agreedBy') as Y.Map<string>).set(other(role), new Date().toISOString()), true) : false) },
  { name: 'a formatting mark', doc: 'roadmap', valid: false, run: (doc, _role, pick) => (goals(doc).length ? (text(pick(goals(doc)), 'why').insert(0, 'x', { bold: true }), true) : false) },
  { name: 'an unknown field', doc: 'roadmap', valid: false, run: (doc, _role, pick) => (goals(doc).length ? (pick(goals(doc)).set('evil', 1), true) : false) },
  { name: 'a swapped title', doc: 'roadmap', valid: false, run: (doc, _role, pick) => (goals(doc).length ? (pick(goals(doc)).set('title', new Y.Text('swapped')), true) : false) },
  { name: 'a title far too long', doc: 'roadmap', valid: false, run: (doc, _role, pick) => (goals(doc).length ? (text(pick(goals(doc)), 'title').insert(0, 'x'.repeat(3_000)), true) : false) },
  { name: 'a card (client)', doc: 'feedback', valid: true, run: (doc, role) => (role === 'client' ? (getCards(doc).push([createCard('power', 'I felt rushed')]), true) : false) },
  { name: 'a reply as yourself', doc: 'feedback', valid: true, run: (doc, role, pick) => (cards(doc).length ? (list(pick(cards(doc)), 'replies').push([createReply(role, 'thanks')]), true) : false) },
  { name: 'flag to talk', doc: 'feedback', valid: true, run: (doc, _role, pick) => (cards(doc).length ? (pick(cards(doc)).set('flag', 'talk'), true) : false) },
  { name: 'a card by the therapist', doc: 'feedback', valid: false, run: (doc, role) => (role === 'therapist' ? (getCards(doc).push([createCard('power', 'fake')]), true) : false) },
  { name: 'a reply as the other', doc: 'feedback', valid: false, run: (doc, role, pick) => (cards(doc).length ? (list(pick(cards(doc)), 'replies').push([createReply(other(role), 'fake')]), true) : false) },
  {
    name: "editing the other's words",
    doc: 'feedback',
    valid: false,
    run: (doc, role, pick) => {
      const targets = role === 'therapist' ? cards(doc).map((card) => text(card, 'text')) : cards(doc).flatMap((card) => list(card, 'replies').toArray().filter((reply) => reply.get('authorRole') === 'therapist').map((reply) => text(reply, 'text')));
      if (!targets.length) return false;
      pick(targets).insert(0, 'not ');
      return true;
    },
  },
];

describe.each(testBackends())('seeded random updates from both roles, on %s', (kind) => {
  let server: RealtimeServer;
  let pair: MemberPair;
  beforeAll(async () => {
    // Many refusals in little time are the point here, not a client to slow down.
    server = await startRealtimeServer(kind, { env: { ROOM_IDLE_UNLOAD_MS: '60000', MAX_REFUSALS_PER_MINUTE: '100000' } });
    pair = await createMemberPair(server.db.db);
  });
  afterAll(async () => {
    await server.stop();
  });

  /** A member's copy of one document, with every update it sent and the server's answer. */
  async function open(member: 'therapist' | 'client', doc: DocName) {
    const socket = await SocketClient.connect(server.url, pair[member].cookie);
    const joined = await socket.join(pair.workspaceId, doc);
    const sent: Uint8Array[] = [];
    joined.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== undefined && origin !== null && typeof origin === 'symbol') return; // from the server
      sent.push(update);
    });
    return { socket, doc: joined.doc, sent };
  }

  it('keeps every document valid, the stored log equal to the live state, and every confirmed update stored', async () => {
    const next = random(kind === 'pglite' ? 20_261_201 : 20_261_202);
    const pick: Pick = (items) => items[Math.floor(next() * items.length)]!;
    const confirmed: { doc: DocName; update: Uint8Array }[] = [];
    const copies = new Map<string, Awaited<ReturnType<typeof open>>>();
    const copy = async (role: Role, doc: DocName) => {
      const key = `${role}:${doc}`;
      let entry = copies.get(key);
      if (!entry) copies.set(key, (entry = await open(role, doc)));
      return entry;
    };
    let refused = 0;
    let accepted = 0;

    /** Makes one change as `role`; resolves once the server answered it (or at once when it did not apply). */
    const act = async (step: number, role: Role): Promise<void> => {
      const operation = pick(OPERATIONS);
      const member = await copy(role, operation.doc);
      const before = member.sent.length;
      let applied = false;
      member.doc.transact(() => {
        applied = operation.run(member.doc, role, pick);
      });
      if (!applied || member.sent.length === before) return;
      const update = member.sent.at(-1)!;
      const ack = await member.socket.lastAck();
      if (ack.ok) {
        accepted++;
        confirmed.push({ doc: operation.doc, update });
      } else {
        refused++;
        // The refused change stays in this copy only: start again from the server's state.
        member.socket.close();
        copies.delete(`${role}:${operation.doc}`);
      }
      if (operation.valid) expect(ack, `step ${step}: ${role} — ${operation.name}`).toMatchObject({ ok: true });
      else expect(ack.ok, `step ${step}: ${role} — ${operation.name} must be refused`).toBe(false);
    };

    for (let step = 0; step < 400; step++) {
      const role: Role = next() < 0.5 ? 'therapist' : 'client';
      // Now and then both change something at the same moment, each unaware of the other's change.
      if (next() < 0.3) await Promise.all([act(step, role), act(step, other(role))]);
      else await act(step, role);
      if (step % 50 === 49) await expectStoredEqualsLive(confirmed);
    }
    await expectStoredEqualsLive(confirmed);
    expect(accepted).toBeGreaterThan(30);
    expect(refused).toBeGreaterThan(10);
    for (const entry of copies.values()) entry.socket.close();
  });

  async function expectStoredEqualsLive(confirmed: { doc: DocName; update: Uint8Array }[]): Promise<void> {
    for (const doc of ['roadmap', 'feedback'] as const) {
      const live = await server.rooms.withDocument({ workspaceId: pair.workspaceId, doc }, (ydoc) => ({
        vector: Y.encodeStateVector(ydoc),
        snapshot: Y.snapshot(ydoc),
        content: doc === 'roadmap' ? snapshotRoadmap(ydoc) : snapshotCards(ydoc),
        problem: doc === 'roadmap' ? validateRoadmap(ydoc) : validateFeedback(ydoc),
      }));
      expect(live.problem, `the live ${doc} fits its shape`).toBeNull();
      // Everything accepted is written before it is confirmed; the last answers just came in.
      const stored = await loggedDoc(server.db.db, pair.workspaceId, doc);
      expect(Y.encodeStateVector(stored), `the stored ${doc} has exactly the live structs`).toEqual(live.vector);
      expect(Y.equalSnapshots(Y.snapshot(stored), live.snapshot), `the stored ${doc} has exactly the live deletions`).toBe(true);
      expect(doc === 'roadmap' ? snapshotRoadmap(stored) : snapshotCards(stored)).toEqual(live.content);
      for (const entry of confirmed.filter((item) => item.doc === doc)) {
        expect(Y.snapshotContainsUpdate(Y.snapshot(stored), entry.update), `a confirmed ${doc} update is stored`).toBe(true);
      }
    }
  }
});
