import { listAudit, openCardRepair } from '@alliance/db';
import { addCard, findCard, getCards, type RepairItemDto } from '@alliance/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { signUp, type TestAccount } from '../test/accounts.js';
import { useTestServer, waitFor } from '../test/fixtures.js';
import { TestClient, testBackends } from '../test/harness.js';

const errorShape = (code: string) => ({ error: { code, message: expect.any(String) } });
const usual = { items: { heard: 8, wanted: 8, fit: 8, overall: 8 }, steering: 0, choicesOffered: 'yes', visibility: 'now' } as const;
const low = { ...usual, items: { heard: 5, wanted: 8, fit: 7, overall: 8 }, note: 'I did not feel listened to today' };

describe.each(testBackends())('repair items on %s', (kind) => {
  const context = useTestServer(kind);

  interface Pair {
    therapist: TestAccount;
    client: TestAccount;
    id: string;
    base: string;
  }

  async function pair(): Promise<Pair> {
    const url = context.server.url;
    const [therapist, client] = await Promise.all([signUp(url, 'Dana'), signUp(url, 'Sam')]);
    const id = (await therapist.client.post('/api/workspaces', { title: 'Sam' })).body.id as string;
    const invite = await therapist.client.post(`/api/workspaces/${id}/invites`);
    await client.client.post(`/api/invites/${invite.body.token}/accept`);
    return { therapist, client, id, base: `/api/workspaces/${id}/repairs` };
  }

  /** The therapist holds a whole session; the client answers its check-in. Returns the check-in. */
  async function sessionWithCheckin(members: Pair, answers: Record<string, unknown>): Promise<{ id: string }> {
    const started = await members.therapist.client.post(`/api/workspaces/${members.id}/sessions`);
    expect(started.status).toBe(201);
    expect((await members.therapist.client.post(`/api/workspaces/${members.id}/sessions/current/end`, {})).status).toBe(200);
    const checkin = await members.client.client.post(`/api/workspaces/${members.id}/checkins`, { sessionId: started.body.id, ...answers });
    expect(checkin.status).toBe(201);
    return checkin.body;
  }

  async function usualThree(members: Pair) {
    for (let index = 0; index < 3; index++) await sessionWithCheckin(members, usual);
  }

  const repairsOf = async (account: TestAccount, members: Pair): Promise<RepairItemDto[]> => {
    const response = await account.client.get(members.base);
    expect(response.status).toBe(200);
    return response.body.repairs;
  };
  const openRepairsIn = async (account: TestAccount, members: Pair): Promise<number> =>
    ((await account.client.get('/api/workspaces')).body as { id: string; openRepairs: number }[]).find((workspace) => workspace.id === members.id)!.openRepairs;

  it('opens one repair item when a check-in drops below the client’s usual, and none before three check-ins', async () => {
    const members = await pair();
    await sessionWithCheckin(members, low);
    await usualThree(members);
    expect(await repairsOf(members.client, members)).toEqual([]);

    const dropped = await sessionWithCheckin(members, low);
    const [item] = await repairsOf(members.client, members);
    expect(item).toMatchObject({
      source: { kind: 'checkin', checkinId: dropped.id, sessionNumber: 5 },
      whatHappened: expect.stringContaining('Check-in after session 5'),
      clientView: '',
      therapistView: '',
      willChange: '',
      version: 1,
      acknowledgedAt: null,
      closedAt: null,
    });
    // Baseline: sessions 2–4 (8, 8, 8), so 'felt heard' was 3 below; 'fit' only 1 below.
    expect(item!.source.kind === 'checkin' && item!.source.drop.items).toEqual([{ item: 'heard', baseline: 8, value: 5, points: 3 }]);
    expect(item!.whatHappened).toBe('Check-in after session 5: ‘felt heard and respected’ was 3 points below usual.');
    expect(await repairsOf(members.therapist, members)).toEqual([item]);
    // Nobody else learns anything of it, not even that it exists.
    const stranger = await signUp(context.server.url, 'Alex');
    expect((await stranger.client.get(members.base)).body).toEqual(errorShape('NOT_FOUND'));
    expect((await stranger.client.request('PUT', `${members.base}/${item!.id}`, { version: 1, clientView: 'x' })).body).toEqual(errorShape('NOT_FOUND'));
    expect((await stranger.client.post(`${members.base}/${item!.id}/close`)).body).toEqual(errorShape('NOT_FOUND'));
    expect((await new TestClient(context.server.url).get(members.base)).status).toBe(401);
    expect(await openRepairsIn(members.therapist, members)).toBe(1);
    expect(await openRepairsIn(members.client, members)).toBe(1);
    // Neither the check-in's note nor anything else of it is in the item.
    expect(JSON.stringify(item)).not.toContain('listened');

    // Changing the answer keeps one item per check-in; answering usual again removes the untouched item.
    const put = (answers: Record<string, unknown>) => members.client.client.request('PUT', `/api/workspaces/${members.id}/checkins/${dropped.id}`, answers);
    expect((await put({ ...low, items: { ...low.items, heard: 4 } })).status).toBe(200);
    const changed = await repairsOf(members.client, members);
    expect(changed).toHaveLength(1);
    expect(changed[0]!.whatHappened).toContain('4 points below usual');
    expect((await put(usual)).status).toBe(200);
    expect(await repairsOf(members.client, members)).toEqual([]);
  });

  it('lets the therapist acknowledge, each write their own view, both the shared fields, and only the client close', async () => {
    const members = await pair();
    await usualThree(members);
    await sessionWithCheckin(members, low);
    const [item] = await repairsOf(members.client, members);
    const at = (path = '') => `${members.base}/${item!.id}${path}`;

    expect((await members.client.client.post(at('/acknowledge'))).body).toEqual(errorShape('FORBIDDEN'));
    const acknowledged = await members.therapist.client.post(at('/acknowledge'));
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.body.acknowledgedAt).toEqual(expect.any(String));

    const theirs = await members.client.client.request('PUT', at(), { version: 1, therapistView: 'Not mine to write' });
    expect(theirs.status).toBe(403);
    const notTheirs = await members.therapist.client.request('PUT', at(), { version: 1, clientView: 'Not mine either' });
    expect(notTheirs.status).toBe(403);

    const clientWrote = await members.client.client.request('PUT', at(), { version: 1, clientView: 'I felt rushed', whatHappened: 'We ran over the plan' });
    expect(clientWrote.status).toBe(200);
    expect(clientWrote.body).toMatchObject({ clientView: 'I felt rushed', whatHappened: 'We ran over the plan', version: 2 });
    // The therapist wrote from what they last saw (version 1): refused, nothing lost.
    const stale = await members.therapist.client.request('PUT', at(), { version: 1, whatHappened: 'Something else' });
    expect(stale.status).toBe(409);
    expect(stale.body).toEqual(errorShape('CONFLICT'));
    const therapistWrote = await members.therapist.client.request('PUT', at(), { version: 2, therapistView: 'I pushed on too fast', willChange: 'Check the pace halfway' });
    expect(therapistWrote.body).toMatchObject({ clientView: 'I felt rushed', therapistView: 'I pushed on too fast', willChange: 'Check the pace halfway', whatHappened: 'We ran over the plan', version: 3 });
    expect((await members.client.client.request('PUT', at(), { version: 3, willChange: 'Check the pace halfway, and I say when' })).status).toBe(200);

    expect((await members.therapist.client.post(at('/close'))).body).toEqual(errorShape('FORBIDDEN'));
    const closed = await members.client.client.post(at('/close'));
    expect(closed.status).toBe(200);
    expect(closed.body.closedAt).toEqual(expect.any(String));
    expect((await members.therapist.client.request('PUT', at(), { version: 4, therapistView: 'late' })).body).toEqual(errorShape('CONFLICT'));
    expect(await openRepairsIn(members.therapist, members)).toBe(0);
    expect((await repairsOf(members.therapist, members))[0]!.closedAt).toEqual(closed.body.closedAt);

    const actions = (await listAudit(context.db, members.id)).filter((event) => event.action.startsWith('repair')).map((event) => [event.action, event.user_id, event.target]);
    expect(actions.reverse()).toEqual([
      ['repairs.view', members.client.id, null],
      ['repair.acknowledge', members.therapist.id, null],
      ['repair.update', members.client.id, null],
      ['repair.update', members.therapist.id, null],
      ['repair.update', members.client.id, null],
      ['repair.close', members.client.id, null],
      ['repairs.view', members.therapist.id, null],
    ]);

    // Once the workspace is an archive, nothing of a repair item changes.
    expect((await members.therapist.client.post(`/api/workspaces/${members.id}/closing`)).status).toBe(201);
    for (const account of [members.therapist, members.client]) {
      expect((await account.client.request('PUT', `/api/workspaces/${members.id}/closing/reflection`, { helped: 'a', keep: 'b', ifHard: 'c' })).status).toBe(200);
    }
    for (const account of [members.therapist, members.client]) expect((await account.client.post(`/api/workspaces/${members.id}/closing/confirm`)).status).toBe(200);
    expect((await members.client.client.get(`/api/workspaces/${members.id}`)).body.archivedAt).toEqual(expect.any(String));
    expect((await members.client.client.request('PUT', at(), { version: 4, clientView: 'x' })).body).toEqual(errorShape('READ_ONLY'));
    expect((await members.therapist.client.post(at('/acknowledge'))).body).toEqual(errorShape('READ_ONLY'));
    expect((await members.client.client.post(at('/close'))).body).toEqual(errorShape('READ_ONLY'));
  });

  it('keeps an item from a next-session check-in from the therapist until the next session starts, and never shows a trend note', async () => {
    const members = await pair();
    await usualThree(members);
    await sessionWithCheckin(members, { ...low, visibility: 'next_session' });
    const [item] = await repairsOf(members.client, members);
    expect(item).toBeDefined();
    expect(await repairsOf(members.therapist, members)).toEqual([]);
    expect(await openRepairsIn(members.therapist, members)).toBe(0);
    expect(await openRepairsIn(members.client, members)).toBe(1);
    const at = (path = '') => `${members.base}/${item!.id}${path}`;
    expect((await members.therapist.client.post(at('/acknowledge'))).body).toEqual(errorShape('NOT_FOUND'));
    expect((await members.therapist.client.request('PUT', at(), { version: 1, therapistView: 'x' })).body).toEqual(errorShape('NOT_FOUND'));
    // The client may write in it meanwhile; the access log the therapist reads does not tell.
    expect((await members.client.client.request('PUT', at(), { version: 1, clientView: 'I want to bring this up' })).status).toBe(200);
    expect((await listAudit(context.db, members.id)).some((event) => event.action === 'repair.update')).toBe(false);

    expect((await members.therapist.client.post(`/api/workspaces/${members.id}/sessions`)).status).toBe(201);
    const seen = await repairsOf(members.therapist, members);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ id: item!.id, clientView: 'I want to bring this up' });
    expect(await openRepairsIn(members.therapist, members)).toBe(1);
    expect((await members.therapist.client.post(`/api/workspaces/${members.id}/sessions/current/end`, {})).status).toBe(200);

    // A trend-only check-in that drops: the therapist sees the item, never the note.
    const fresh = await pair();
    await usualThree(fresh);
    await sessionWithCheckin(fresh, { ...low, visibility: 'trend', note: 'something only I should read' });
    const response = await fresh.therapist.client.get(fresh.base);
    expect(response.body.repairs).toHaveLength(1);
    expect(JSON.stringify(response.body)).not.toContain('only I should read');
  });

  it('opens exactly one item when a stock Yjs client flags a card, closes it with the card, and opens a new one when flagged again', async () => {
    const members = await pair();
    const clientBoard = context.provider(members.id, 'feedback', members.client.client.cookie);
    await clientBoard.synced;
    const card = addCard(clientBoard.doc, 'power', 'I feel I cannot say no to homework');
    const cardId = card.get('id') as string;
    const therapistBoard = context.provider(members.id, 'feedback', members.therapist.client.cookie);
    await therapistBoard.synced;
    await waitFor(() => findCard(getCards(therapistBoard.doc), cardId), 'the card reaches the therapist');

    // A hand-made update: the therapist's flag, encoded against what the server has.
    const crafted = new Y.Doc();
    Y.applyUpdate(crafted, Y.encodeStateAsUpdate(therapistBoard.doc));
    const before = Y.encodeStateVector(crafted);
    findCard(getCards(crafted), cardId)!.card.set('flag', 'talk');
    Y.applyUpdate(therapistBoard.doc, Y.encodeStateAsUpdate(crafted, before));
    // The client flags it too, at the same moment: still one open item.
    findCard(getCards(clientBoard.doc), cardId)!.card.set('flag', 'talk');

    const [item] = await waitFor(async () => {
      const repairs = await repairsOf(members.therapist, members);
      return repairs.length > 0 && repairs;
    }, 'a repair item for the card');
    expect(item).toMatchObject({ source: { kind: 'card', cardId, column: 'power' }, whatHappened: 'A card in “How power feels here” was flagged: let\'s talk about this.' });
    expect(JSON.stringify(item)).not.toContain('homework');
    // Let every stored change be acted on, then count.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await repairsOf(members.client, members)).toHaveLength(1);

    const closed = await members.client.client.post(`${members.base}/${item!.id}/close`);
    expect(closed.status).toBe(200);
    await waitFor(() => findCard(getCards(therapistBoard.doc), cardId)?.card.get('flag') === 'repaired', 'the card marked repaired on the board');

    // Flagged again later: a new item, and the closed one stays closed.
    findCard(getCards(therapistBoard.doc), cardId)!.card.set('flag', 'talk');
    const repairs = await waitFor(async () => {
      const all = await repairsOf(members.client, members);
      return all.length === 2 && all;
    }, 'a second repair item');
    expect(repairs.map((repair) => repair.closedAt === null)).toEqual([true, false]);

    // The client marking the card repaired on the board closes its open item too.
    findCard(getCards(clientBoard.doc), cardId)!.card.set('flag', 'repaired');
    await waitFor(async () => (await openRepairsIn(members.client, members)) === 0, 'the item closed with the card');
  });

  it('keeps one open item per card even when two flags race to open it', async () => {
    const members = await pair();
    const open = () => openCardRepair(context.db, { workspaceId: members.id, cardId: 'card-1', column: 'change', whatHappened: 'A card was flagged.' });
    const opened = await Promise.all([open(), open(), open()]);
    expect(opened.filter(Boolean)).toHaveLength(1);
    expect(await repairsOf(members.client, members)).toHaveLength(1);
  });
});
