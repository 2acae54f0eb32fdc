import { addCard, addDraft, addGoal, EDIT_PAUSE_MS, getGoals, READ_KIND_HEADER, type AccessEntryDto, type AccessLogDto, type Ack, type JoinResult } from '@alliance/shared';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { createMember, createMemberPair, useTestServer, waitFor, type Member } from '../test/fixtures.js';
import { TestClient, testBackends } from '../test/harness.js';

const MINUTE = 60_000;
/** Leaves out the roadmap's seeded content, logged as its first update when the workspace is created. */
const notSeed = sql<boolean>`not (u.seq = 1 and d.name = 'roadmap')`;

describe.each(testBackends())('the access log on %s', (kind) => {
  const test = useTestServer(kind);

  function http(member: Member): TestClient {
    const client = new TestClient(test.server.url);
    client.cookie = member.cookie;
    return client;
  }
  /** A read as the web app makes it when it refreshes what is already on screen. */
  const refresh = (member: Member, path: string) => http(member).request('GET', path, undefined, { [READ_KIND_HEADER]: 'refresh' });

  async function accessLog(member: Member, workspaceId: string, query = ''): Promise<AccessLogDto> {
    const response = await http(member).get(`/api/workspaces/${workspaceId}/access-log${query}`);
    expect(response.status).toBe(200);
    return response.body as AccessLogDto;
  }
  /** Every entry, following `next` from page to page. */
  async function wholeLog(member: Member, workspaceId: string, limit: number): Promise<AccessEntryDto[]> {
    const entries: AccessEntryDto[] = [];
    let before: string | null = null;
    do {
      const page: AccessLogDto = await accessLog(member, workspaceId, `?limit=${limit}${before ? `&before=${encodeURIComponent(before)}` : ''}`);
      expect(page.entries.length).toBeLessThanOrEqual(limit);
      entries.push(...page.entries);
      before = page.next;
    } while (before);
    return entries;
  }
  /** The member's recorded reads of the workspace, oldest first. */
  const viewsBy = (member: Member, workspaceId: string) =>
    test.db
      .selectFrom('audit_events')
      .select(['action', 'target'])
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', member.userId)
      .where('action', 'in', ['workspace.view', 'terms.view', 'doc.open', 'version.list', 'version.view', 'audit.view'])
      .orderBy('seq')
      .execute();
  /** As if `ms` had passed: every recorded event and logged update of the workspace moves back. */
  async function passTime(workspaceId: string, ms: number): Promise<void> {
    const back = sql.raw(`interval '${ms} milliseconds'`);
    await sql`update audit_events set created_at = created_at - ${back}, last_at = last_at - ${back} where workspace_id = ${workspaceId}`.execute(test.db);
    await sql`update doc_updates set created_at = created_at - ${back} where document_id in (select id from documents where workspace_id = ${workspaceId})`.execute(test.db);
    // The documents too, so their seeded content stays part of creating the workspace.
    await sql`update documents set created_at = created_at - ${back} where workspace_id = ${workspaceId}`.execute(test.db);
  }
  const join = (socket: Awaited<ReturnType<typeof test.socketClient>>, workspaceId: string, doc: string, reopen?: boolean) =>
    new Promise<Ack<JoinResult>>((resolve) => socket.socket.emit('doc:join', { workspaceId, doc, ...(reopen === undefined ? {} : { reopen }) } as never, resolve));

  it('adds no view for the other member when their page refreshes after a change they did not make, nor when it joins again after a reconnect', async () => {
    const pair = await createMemberPair(test.db);
    const { workspaceId } = pair;
    // The client opens the workspace: its details, How we work and the roadmap.
    const clientSocket = await test.socketClient(pair.client.cookie);
    const heard: string[] = [];
    clientSocket.socket.on('workspace:changed', (id, change) => heard.push(`${id}:${change}`));
    expect((await http(pair.client).get(`/api/workspaces/${workspaceId}`)).status).toBe(200);
    expect((await http(pair.client).get(`/api/workspaces/${workspaceId}/terms`)).status).toBe(200);
    expect((await clientSocket.join(workspaceId, 'roadmap')).result.role).toBe('client');
    const opened = await viewsBy(pair.client, workspaceId);
    expect(opened).toEqual([
      { action: 'workspace.view', target: null },
      { action: 'terms.view', target: null },
      { action: 'doc.open', target: 'roadmap' },
    ]);

    // Hours later the therapist changes How we work and starts a session; the client's page
    // refreshes what it shows each time, and its connection drops and joins again.
    await passTime(workspaceId, 3 * 60 * MINUTE);
    expect((await http(pair.therapist).request('PUT', `/api/workspaces/${workspaceId}/terms`, { body: 'How we work, revised.' })).status).toBe(200);
    expect((await http(pair.therapist).post(`/api/workspaces/${workspaceId}/sessions`)).status).toBe(201);
    await waitFor(() => heard.length === 2, 'the client’s page hears of both changes');
    for (let i = 0; i < heard.length; i += 1) {
      expect((await refresh(pair.client, `/api/workspaces/${workspaceId}`)).status).toBe(200);
      expect((await refresh(pair.client, `/api/workspaces/${workspaceId}/terms`)).status).toBe(200);
    }
    clientSocket.close();
    const reconnected = await test.socketClient(pair.client.cookie);
    expect(await join(reconnected, workspaceId, 'roadmap', true)).toMatchObject({ ok: true });
    expect(await viewsBy(pair.client, workspaceId)).toEqual(opened);

    // In the log, the client's only entry is the visit of hours ago; the therapist's change is there.
    const log = await accessLog(pair.therapist, workspaceId);
    const clientEntries = log.entries.filter((entry) => entry.actor.kind === 'member' && entry.actor.userId === pair.client.userId);
    expect(clientEntries).toHaveLength(1);
    expect(Date.parse(clientEntries[0]!.to)).toBeLessThan(Date.now() - 2 * 60 * MINUTE);
    expect(log.entries.filter((entry) => entry.kind === 'action').map((entry) => entry.kind === 'action' && entry.action)).toEqual(['session.start', 'terms.update']);
  });

  it('still writes down a first look, and a look long after the last one, whatever the app says', async () => {
    const pair = await createMemberPair(test.db);
    const { workspaceId } = pair;
    expect((await refresh(pair.client, `/api/workspaces/${workspaceId}/terms`)).status).toBe(200);
    const socket = await test.socketClient(pair.client.cookie);
    expect(await join(socket, workspaceId, 'feedback', true)).toMatchObject({ ok: true });
    expect(await viewsBy(pair.client, workspaceId)).toEqual([
      { action: 'terms.view', target: null },
      { action: 'doc.open', target: 'feedback' },
    ]);
    await passTime(workspaceId, 13 * 60 * MINUTE);
    expect((await refresh(pair.client, `/api/workspaces/${workspaceId}/terms`)).status).toBe(200);
    expect(await viewsBy(pair.client, workspaceId)).toHaveLength(3);
    // Opening again (no refresh) after a pause is a new look too; right after, it is the same one.
    await passTime(workspaceId, 40 * MINUTE);
    expect((await http(pair.client).get(`/api/workspaces/${workspaceId}/terms`)).status).toBe(200);
    expect((await http(pair.client).get(`/api/workspaces/${workspaceId}/terms`)).status).toBe(200);
    expect(await viewsBy(pair.client, workspaceId)).toHaveLength(4);
  });

  it('groups edits per person and document, with a new group after a pause, and the right counts and times', async () => {
    const pair = await createMemberPair(test.db);
    const { workspaceId } = pair;
    const therapist = await test.socketClient(pair.therapist.cookie);
    const client = await test.socketClient(pair.client.cookie);
    const therapistRoadmap = (await therapist.join(workspaceId, 'roadmap')).doc;
    const clientRoadmap = (await client.join(workspaceId, 'roadmap')).doc;
    const clientBoard = (await client.join(workspaceId, 'feedback')).doc;

    // The therapist writes a goal in three changes; later both write at once, the client on the board too.
    const goal = addGoal(therapistRoadmap, { title: 'Sleep', proposedBy: 'therapist' });
    (goal.get('title') as Y.Text).insert(5, ' better');
    (goal.get('why') as Y.Text).insert(0, 'Calmer mornings');
    await therapist.settled();
    await passTime(workspaceId, EDIT_PAUSE_MS + 5 * MINUTE);
    await waitFor(() => getGoals(clientRoadmap).length === 1, 'the client has the goal');
    const walk = addGoal(therapistRoadmap, { title: 'Walk', proposedBy: 'therapist' }).get('title') as Y.Text;
    for (const word of [' most', ' days']) walk.insert(walk.length, word);
    for (const text of ['Run', 'Read']) addGoal(clientRoadmap, { title: text, proposedBy: 'client' });
    addCard(clientBoard, 'working', 'The homework fits my week');
    await Promise.all([therapist.settled(), client.settled()]);

    const stored = await test.db
      .selectFrom('doc_updates as u')
      .innerJoin('documents as d', 'd.id', 'u.document_id')
      .select(['d.name', 'u.user_id', 'u.created_at'])
      .where('d.workspace_id', '=', workspaceId)
      .where(notSeed)
      .orderBy('u.created_at')
      .execute();
    const span = (doc: string, userId: string, after = 0, until = Infinity) => {
      const rows = stored.filter((row) => row.name === doc && row.user_id === userId && row.created_at.getTime() >= after && row.created_at.getTime() < until);
      return { changes: rows.length, from: rows[0]!.created_at.toISOString(), to: rows.at(-1)!.created_at.toISOString() };
    };
    const boundary = Date.now() - EDIT_PAUSE_MS;
    const expected = [
      { who: pair.therapist.userId, doc: 'roadmap', ...span('roadmap', pair.therapist.userId, boundary) },
      { who: pair.client.userId, doc: 'roadmap', ...span('roadmap', pair.client.userId) },
      { who: pair.client.userId, doc: 'feedback', ...span('feedback', pair.client.userId) },
      { who: pair.therapist.userId, doc: 'roadmap', ...span('roadmap', pair.therapist.userId, 0, boundary) },
    ];
    expect(expected.map((group) => group.changes)).toEqual([3, 2, 1, 3]);

    const edits = (await accessLog(pair.client, workspaceId)).entries.filter((entry) => entry.kind === 'edits');
    const byRecency = (list: { to: string; who: string; doc: string }[]) => [...list].sort((a, b) => b.to.localeCompare(a.to) || a.who.localeCompare(b.who) || a.doc.localeCompare(b.doc));
    expect(byRecency(edits.map((entry) => ({ who: entry.actor.kind === 'member' ? entry.actor.userId : 'server', doc: entry.doc, changes: entry.changes, from: entry.from, to: entry.to })))).toEqual(byRecency(expected));
  });

  it('pages through every entry exactly once, newest first', async () => {
    const pair = await createMemberPair(test.db);
    const { workspaceId } = pair;
    const socket = await test.socketClient(pair.client.cookie);
    const roadmap = (await socket.join(workspaceId, 'roadmap')).doc;
    for (let round = 0; round < 4; round += 1) {
      expect((await http(pair.therapist).get(`/api/workspaces/${workspaceId}/export?format=md`)).status).toBe(200);
      expect((await http(pair.therapist).request('PUT', `/api/workspaces/${workspaceId}/terms`, { body: `Terms, take ${round}` })).status).toBe(200);
      expect((await http(pair.client).post(`/api/workspaces/${workspaceId}/terms/acknowledge`, { version: round + 2 })).status).toBe(200);
      expect((await http(pair.therapist).post(`/api/workspaces/${workspaceId}/sessions`)).status).toBe(201);
      addGoal(roadmap, { title: `Goal ${round}`, proposedBy: 'client' });
      await socket.settled();
      expect((await http(pair.therapist).post(`/api/workspaces/${workspaceId}/sessions/current/end`, {})).status).toBe(200);
      expect((await http(pair.client).post(`/api/workspaces/${workspaceId}/docs/roadmap/versions`, { label: `Round ${round}` })).status).toBe(201);
      expect((await http(pair.client).get(`/api/workspaces/${workspaceId}/docs/roadmap/versions`)).status).toBe(200);
      await passTime(workspaceId, 45 * MINUTE);
    }

    const all = (await accessLog(pair.therapist, workspaceId, '?limit=200')).entries;
    expect(all.length).toBeGreaterThan(30);
    const recent = (entries: AccessEntryDto[]) => entries.map((entry) => Date.parse(entry.to));
    expect(recent(all)).toEqual([...recent(all)].sort((a, b) => b - a));
    for (const limit of [1, 4, 7]) {
      const paged = await wholeLog(pair.therapist, workspaceId, limit);
      expect(paged.map((entry) => entry.id)).toEqual(all.map((entry) => entry.id));
      expect(new Set(paged.map((entry) => entry.id)).size).toBe(paged.length);
    }
    const updates = await test.db
      .selectFrom('doc_updates as u')
      .innerJoin('documents as d', 'd.id', 'u.document_id')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('d.workspace_id', '=', workspaceId)
      .where(notSeed)
      .executeTakeFirstOrThrow();
    const actions = await test.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('workspace_id', '=', workspaceId)
      .where('action', 'not in', ['workspace.view', 'terms.view', 'doc.open', 'version.list', 'version.view', 'audit.view'])
      .executeTakeFirstOrThrow();
    expect(all.reduce((sum, entry) => sum + (entry.kind === 'edits' ? entry.changes : 0), 0)).toBe(Number(updates.n));
    expect(all.filter((entry) => entry.kind === 'action')).toHaveLength(Number(actions.n));
  });

  it('refuses a cursor it did not make and a limit out of range with 400', async () => {
    const pair = await createMemberPair(test.db);
    for (const query of ['?before=yesterday', '?before=1.x-1', '?limit=0', '?limit=201', '?limit=many']) {
      const response = await http(pair.client).get(`/api/workspaces/${pair.workspaceId}/access-log${query}`);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION_FAILED');
    }
    const stranger = await createMember(test.db, 'Stranger');
    expect((await http(stranger).get(`/api/workspaces/${pair.workspaceId}/access-log`)).status).toBe(404);
  });

  it('keeps an export in sight however often the workspace is opened after it', async () => {
    const pair = await createMemberPair(test.db);
    const { workspaceId } = pair;
    expect((await http(pair.client).get(`/api/workspaces/${workspaceId}/export?format=json`)).status).toBe(200);
    // A flood of reads by both: pages opened and reloaded, documents joined again and again.
    for (let i = 0; i < 40; i += 1) {
      const reads = [pair.client, pair.therapist].flatMap((member) =>
        ['', '/terms', '/docs/roadmap/versions', '/docs/feedback/versions', '/access-log', '/audit'].map((path) => http(member).get(`/api/workspaces/${workspaceId}${path}`)),
      );
      for (const response of await Promise.all(reads)) expect(response.status).toBe(200);
    }
    for (let i = 0; i < 10; i += 1) {
      const socket = await test.socketClient(pair.therapist.cookie);
      expect(await join(socket, workspaceId, 'roadmap')).toMatchObject({ ok: true });
      socket.close();
    }
    const exported = (entries: { kind?: string; action: string }[]) => entries.some((entry) => entry.action === 'export');
    const firstPage = await accessLog(pair.therapist, workspaceId, '?limit=5');
    expect(exported(firstPage.entries.map((entry) => ({ action: entry.kind === 'action' ? entry.action : '' })))).toBe(true);
    // The log's first form, one event at a time, keeps it in sight too.
    const events = await http(pair.therapist).get(`/api/workspaces/${workspaceId}/audit`);
    expect(exported(events.body)).toBe(true);
  });

  it('shows the client’s private drafts activity in the client’s log and nowhere in the therapist’s', async () => {
      const draftsWords = /drafts/;
      const pair = await createMemberPair(test.db);
      const { workspaceId } = pair;
      const client = await test.socketClient(pair.client.cookie);
      const drafts = (await client.join(workspaceId, 'drafts')).doc;
      addDraft(drafts, 'power', 'Not ready to say this yet');
      addDraft(drafts, 'process', 'For next time', 'next-session');
      await client.settled();
      const provider = test.provider(workspaceId, 'drafts', pair.client.cookie);
      await provider.synced;
      expect((await http(pair.client).post(`/api/workspaces/${workspaceId}/docs/drafts/versions`, { label: 'Mine' })).status).toBe(201);
      const versions = await http(pair.client).get(`/api/workspaces/${workspaceId}/docs/drafts/versions`);
      expect((await http(pair.client).get(`/api/workspaces/${workspaceId}/docs/drafts/versions/${versions.body[0].id}/state`)).status).toBe(200);
      // The session's start moves the scheduled draft onto the board (the board changes are shared).
      expect((await http(pair.therapist).post(`/api/workspaces/${workspaceId}/sessions`)).status).toBe(201);

      const clientLog = await accessLog(pair.client, workspaceId);
      expect(clientLog.entries.some((entry) => entry.kind === 'edits' && entry.doc === 'drafts')).toBe(true);
      expect(clientLog.entries.some((entry) => entry.kind === 'views' && entry.views.some((view) => view.action === 'doc.open' && view.target === 'drafts'))).toBe(true);
      expect(clientLog.entries.some((entry) => entry.kind === 'action' && entry.action === 'version.create' && entry.target === 'drafts')).toBe(true);
      expect(clientLog.entries.some((entry) => entry.kind === 'edits' && entry.doc === 'feedback')).toBe(true);

      const therapistLog = await accessLog(pair.therapist, workspaceId);
      expect(JSON.stringify(therapistLog)).not.toMatch(draftsWords);
      // What the client shared is on the board, and that change shows.
      expect(therapistLog.entries.some((entry) => entry.kind === 'edits' && entry.doc === 'feedback')).toBe(true);
      const therapistEvents = await http(pair.therapist).get(`/api/workspaces/${workspaceId}/audit`);
      expect(therapistEvents.status).toBe(200);
      expect(JSON.stringify(therapistEvents.body)).not.toMatch(draftsWords);
      expect(JSON.stringify((await http(pair.client).get(`/api/workspaces/${workspaceId}/audit`)).body)).toMatch(draftsWords);
      // Nor on any later page.
      const pages = await wholeLog(pair.therapist, workspaceId, 1);
      expect(pages.length).toBeGreaterThan(3);
      expect(JSON.stringify(pages)).not.toMatch(draftsWords);
  });
});
