import { archiveWorkspace, listAudit } from '@alliance/db';
import { addGoal, createCard, createReply, createStep, getCards, getGoals, setGoalWeight, snapshotRoadmap, workspaceExportSchema, type ClosingReviewDto, type WorkspaceExport } from '@alliance/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { createMember, createMemberPair, SocketClient, waitFor, type Member, type MemberPair } from '../test/fixtures.js';
import { startTestServer, TestClient, testBackends, type TestServer } from '../test/harness.js';

describe.each(testBackends())('workspace export on %s', (kind) => {
  let server: TestServer;
  let pair: MemberPair;
  const sockets: SocketClient[] = [];

  function http(member: Member | null): TestClient {
    const client = new TestClient(server.url);
    client.cookie = member?.cookie ?? '';
    return client;
  }

  /** The therapist starts a session and ends it; its id. */
  async function holdSession(members: MemberPair): Promise<string> {
    const ws = `/api/workspaces/${members.workspaceId}`;
    const started = await http(members.therapist).post(`${ws}/sessions`);
    expect((await http(members.therapist).post(`${ws}/sessions/current/end`, { timeZone: 'UTC' })).status).toBe(200);
    return started.body.id as string;
  }

  beforeAll(async () => {
    server = await startTestServer(kind);
    pair = await createMemberPair(server.db.db);
    const socket = await SocketClient.connect(server.url, pair.client.cookie);
    sockets.push(socket);
    const roadmap = await socket.join(pair.workspaceId, 'roadmap');
    const goal = addGoal(roadmap.doc, { title: 'Sleep *better*', why: 'I want calmer\nmornings', proposedBy: 'client' });
    roadmap.doc.transact(() => (goal.get('steps') as Y.Array<Y.Map<unknown>>).push([createStep('Lights out at 23:00')]));
    const feedback = await socket.join(pair.workspaceId, 'feedback');
    const card = createCard('power', 'I felt heard');
    feedback.doc.transact(() => getCards(feedback.doc).push([card]));
    const therapist = await SocketClient.connect(server.url, pair.therapist.cookie);
    sockets.push(therapist);
    const seen = await therapist.join(pair.workspaceId, 'feedback');
    await socket.settled();
    const shared = getCards(seen.doc).get(0);
    seen.doc.transact(() => (shared.get('replies') as Y.Array<Y.Map<unknown>>).push([createReply('therapist', 'Glad to hear it')]));
    await therapist.settled();
    const drafts = await socket.join(pair.workspaceId, 'drafts');
    drafts.doc.transact(() => getCards(drafts.doc).push([createCard('change', 'A private thought')]));
    await socket.settled();
    // How we work read, a decision preference said, a session held and a version saved by name.
    const terms = await http(pair.client).get(`/api/workspaces/${pair.workspaceId}/terms`);
    expect((await http(pair.client).post(`/api/workspaces/${pair.workspaceId}/terms/acknowledge`, { version: terms.body.version })).status).toBe(200);
    expect((await http(pair.client).request('PUT', `/api/workspaces/${pair.workspaceId}/terms/decision-preference`, { preference: 'together' })).status).toBe(200);
    expect((await http(pair.therapist).post(`/api/workspaces/${pair.workspaceId}/sessions`)).status).toBe(201);
    expect((await http(pair.therapist).post(`/api/workspaces/${pair.workspaceId}/sessions/current/end`, { timeZone: 'UTC' })).status).toBe(200);
    expect((await http(pair.client).post(`/api/workspaces/${pair.workspaceId}/docs/drafts/versions`, { label: 'My own notes' })).status).toBe(201);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server.stop();
  });

  async function exportOf(member: Member, workspaceId = pair.workspaceId): Promise<WorkspaceExport> {
    const response = await http(member).get(`/api/workspaces/${workspaceId}/export?format=json`);
    expect(response.status).toBe(200);
    return workspaceExportSchema.parse(response.body);
  }

  it('gives the client every section of the workspace as JSON valid against the published schema, as a download', async () => {
    const response = await http(pair.client).get(`/api/workspaces/${pair.workspaceId}/export?format=json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="alliance-roadmap-[\w-]+\.json"$/);
    const body = workspaceExportSchema.parse(response.body);
    expect(body).toMatchObject({ schemaVersion: 'alliance.export/3', role: 'client', workspace: { id: pair.workspaceId, title: pair.title, archivedAt: null }, closingReview: null, checkIns: [], trendNotes: [], repairItems: [] });
    expect(body.members.map((member) => member.role).sort()).toEqual(['client', 'therapist']);
    expect(body.roadmap.title).toBe(pair.title);
    expect(body.roadmap.goals[0]).toMatchObject({ title: 'Sleep *better*', why: 'I want calmer\nmornings' });
    expect(body.roadmap.goals[0]!.steps[0]).toMatchObject({ text: 'Lights out at 23:00' });
    expect(body.board.cards[0]).toMatchObject({ text: 'I felt heard', replies: [{ text: 'Glad to hear it', authorRole: 'therapist' }] });
    expect(body.drafts?.cards.map((card) => card.text)).toEqual(['A private thought']);

    // Versions: the session's of both shared documents, and the client's own of the drafts.
    expect(body.versions.roadmap.filter((version) => version.kind === 'session')).toEqual([expect.objectContaining({ label: expect.stringMatching(/^Session 1 — /), createdBy: pair.therapist.userId })]);
    expect(body.versions.board.some((version) => version.kind === 'session')).toBe(true);
    expect(body.versions.drafts?.map((version) => version.label)).toEqual(['My own notes']);

    // Every logged change, with who made it, and the same grouped into edits.
    const roadmap = body.history.roadmap;
    expect(roadmap.changes.map((change) => change.seq)).toEqual(roadmap.changes.map((_, index) => index + 1));
    expect(roadmap.changes.some((change) => change.actor.kind === 'member' && change.actor.userId === pair.client.userId && change.actor.role === 'client')).toBe(true);
    expect(roadmap.edits.reduce((sum, edit) => sum + edit.changes, 0)).toBe(roadmap.changes.length);
    expect(body.history.board.changes.some((change) => change.actor.kind === 'member' && change.actor.role === 'therapist')).toBe(true);
    expect(body.history.drafts?.changes.length).toBeGreaterThan(0);

    // How we work, the decision preference, the sessions and the access log.
    expect(body.terms.acknowledgements.client?.version).toBe(body.terms.version);
    expect(body.terms.body).toContain('## Confidentiality and its limits');
    expect(body.decisionPreference?.preference).toBe('together');
    expect(body.sessions).toEqual([expect.objectContaining({ number: 1, endedAt: expect.any(String) })]);
    const actions = body.accessLog.flatMap((entry) => (entry.kind === 'action' ? [entry.action] : []));
    expect(actions).toEqual(expect.arrayContaining(['session.start', 'session.end', 'terms.acknowledge']));
  });

  it('never gives the therapist the client’s drafts, their versions, their changes or their opening', async () => {
    const body = await exportOf(pair.therapist);
    expect(body.role).toBe('therapist');
    expect(body.drafts).toBeNull();
    expect(body.versions.drafts).toBeNull();
    expect(body.history.drafts).toBeNull();
    expect(body.board.cards.map((card) => card.text)).toEqual(['I felt heard']);
    const text = JSON.stringify(body);
    expect(text).not.toContain('A private thought');
    expect(text).not.toContain('My own notes');
    expect(text).not.toContain('"target":"drafts"');
    expect(text).not.toContain('"doc":"drafts"');
    const md = await http(pair.therapist).get(`/api/workspaces/${pair.workspaceId}/export?format=md`);
    expect(md.body).not.toContain('A private thought');
    expect(md.body).not.toContain('My private drafts');
    expect(md.body).not.toContain('My own notes');
  });

  it('writes the same sections as readable Markdown, with the document text escaped', async () => {
    const response = await http(pair.client).get(`/api/workspaces/${pair.workspaceId}/export?format=md`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(response.headers.get('content-disposition')).toMatch(/\.md"$/);
    const text = response.body as string;
    expect(text).toContain(`# ${pair.title}`);
    expect(text).toContain('Format alliance.export/3.');
    expect(text).toContain('### Sleep \\*better\\*');
    expect(text).toContain('- [ ] Lights out at 23:00');
    expect(text).toContain('### How power feels here');
    expect(text).toContain('- I felt heard');
    expect(text).toContain('  - therapist: Glad to hear it');
    for (const heading of ['## Roadmap', '## Feedback board', '## My private drafts', '## Versions', '## Changes', '## How we work', '## How decisions are made', '## Sessions', '## Closing review', '## Access log']) {
      expect(text).toContain(`\n${heading}\n`);
    }
    expect(text).toMatch(/- \d{4}-\d\d-\d\d \d\d:\d\d UTC — Session 1 — .+ \(end of a session, up to change \d+\)/);
    expect(text).toMatch(/- \d{4}-\d\d-\d\d \d\d:\d\d.* — Client, the goal “Sleep \\\*better\\\*”: 2 changes \(2–3\)/);
    expect(text).toMatch(/— Client confirmed reading How we work\n/);
    expect(text).toMatch(/— Therapist ended session 1\n/);
    expect(text).toContain('We decide together (said on ');
    expect(text).toMatch(/- Session 1: \d{4}-\d\d-\d\d/);
    // The therapist's headings of How we work sit under the file's own.
    expect(text).toContain('\n### Confidentiality and its limits\n');
    expect(text).toContain('My own notes');
  });

  it('exports an archived workspace, which can no longer be changed, just the same', async () => {
    const archived = await createMemberPair(server.db.db);
    await archiveWorkspace(server.db.db, archived.workspaceId);
    const body = await exportOf(archived.client, archived.workspaceId);
    expect(body.workspace.archivedAt).not.toBeNull();
    expect(body.drafts).toEqual({ cards: [] });
    const md = await http(archived.client).get(`/api/workspaces/${archived.workspaceId}/export?format=md`);
    expect(md.status).toBe(200);
    expect(md.body).toContain('; archived ');
  });

  it('holds the closing review once the therapist opened it: both reflections, confirmations, the scores and each goal over the sessions', async () => {
    const closing = await createMemberPair(server.db.db);
    const ws = `/api/workspaces/${closing.workspaceId}`;
    const [client, therapist] = await Promise.all([SocketClient.connect(server.url, closing.client.cookie), SocketClient.connect(server.url, closing.therapist.cookie)]);
    sockets.push(client, therapist);
    const c = await client.join(closing.workspaceId, 'roadmap');
    addGoal(c.doc, { title: 'Walk daily', proposedBy: 'client' });
    await client.settled();
    const t = await therapist.join(closing.workspaceId, 'roadmap');
    await waitFor(() => getGoals(t.doc).length === 1, 'the goal at the therapist');
    getGoals(t.doc).get(0).set('attainment', -1);
    await therapist.settled();
    expect((await http(closing.therapist).post(`${ws}/sessions`)).status).toBe(201);
    expect((await http(closing.therapist).post(`${ws}/sessions/current/end`, { timeZone: 'UTC' })).status).toBe(200);
    // After the session: better than expected, weighed 3 (the client's say) × 2 (the therapist's).
    getGoals(t.doc).get(0).set('attainment', 1);
    setGoalWeight(getGoals(t.doc).get(0), 'therapist', 2);
    await therapist.settled();
    await waitFor(() => snapshotRoadmap(c.doc).goals[0]?.attainment === 1, 'the attainment at the client');
    setGoalWeight(getGoals(c.doc).get(0), 'client', 3);
    await client.settled();

    const before = await exportOf(closing.therapist, closing.workspaceId);
    expect(before.closingReview).toBeNull();
    expect(before.roadmap.goals[0]).toMatchObject({ importance: 3, difficulty: 2 });

    expect((await http(closing.therapist).post(`${ws}/closing`)).status).toBe(201);
    const words = { helped: 'Being listened to', keep: 'Walking after work', ifHard: '' };
    expect((await http(closing.client).request('PUT', `${ws}/closing/reflection`, words)).status).toBe(200);
    expect((await http(closing.therapist).request('PUT', `${ws}/closing/reflection`, { helped: 'Your honesty', keep: 'Checking in', ifHard: 'Come back any time' })).status).toBe(200);
    expect((await http(closing.therapist).post(`${ws}/closing/confirm`)).status).toBe(200);
    expect((await http(closing.client).post(`${ws}/closing/confirm`)).status).toBe(200);
    const shown = (await http(closing.client).get(`${ws}/closing`)).body as ClosingReviewDto;

    for (const member of [closing.client, closing.therapist]) {
      const body = await exportOf(member, closing.workspaceId);
      const review = body.closingReview!;
      expect(review).toMatchObject({
        openedAt: shown.openedAt,
        openedBy: closing.therapist.userId,
        archivedAt: body.workspace.archivedAt,
        reflections: { client: { ...words, role: 'client', userId: closing.client.userId }, therapist: { helped: 'Your honesty', role: 'therapist' } },
        confirmations: shown.confirmations,
        sessions: shown.sessions,
        roadmap: { first: shown.roadmap.first },
      });
      expect(review.archivedAt).toEqual(expect.any(String));
      expect(Object.keys(review.confirmations).sort()).toEqual(['client', 'therapist']);
      // At the start −1 alone: 50 + 10·(−1)/√1 = 40. Now +1 weighed 6: 50 + 60/√36 = 60.
      expect(review.gas).toEqual({ start: { score: expect.closeTo(40, 6), goals: 1, weighted: false }, now: { score: expect.closeTo(60, 6), goals: 1, weighted: true } });
      expect(review.gas).toEqual(shown.gas);
      expect(review.goals).toEqual([expect.objectContaining({ title: 'Walk daily', attainment: 1, importance: 3, difficulty: 2 })]);
      expect(review.goals[0]!.attainmentOverTime.map((point) => [point.label.replace(/ —.*/, ''), point.attainment, point.present])).toEqual([
        ['Session 1', -1, true],
        ['Now', 1, true],
      ]);
    }

    const text = (await http(closing.client).get(`${ws}/export?format=md`)).body as string;
    expect(text).toContain('\n## Closing review\n\nOpened ');
    expect(text).toMatch(/\n40 at the start \(Session 1[^)]*\) → 60 now\.\n\n60 means that, taken together, the goals went better than you both expected/);
    expect(text).toContain('Each goal counts by how much it matters');
    expect(text).toMatch(/- Walk daily \(proposed\): Progress went from somewhat less than expected to somewhat more than expected\.\n {2}- Over the sessions: Session 1[^;]*: −1; Now: \+1\n/);
    expect(text).toContain('- Weight in the score: how much it matters to the client: very; how hard the therapist expects it to be: moderately');
    expect(text).toMatch(/#### Client \(client\), .+\n\nWhat helped:\n\n> Being listened to\n\nWhat I’ll keep doing:\n\n> Walking after work\n\nWhat to do if things get hard again:\n\n_\(left empty\)_\n/);
    expect(text).toContain('> Come back any time');
    expect(text).toMatch(/- Therapist confirmed \d{4}-\d\d-\d\d \d\d:\d\d UTC\.\n- Client confirmed /);
    expect(text).toMatch(/\nArchived \d{4}-\d\d-\d\d \d\d:\d\d UTC: since then the workspace is a read-only record\.\n/);
  });

  it('holds the check-ins as each member may see them, by the same rule as the app, and the notes beside the trend', async () => {
    const members = await createMemberPair(server.db.db);
    const ws = `/api/workspaces/${members.workspaceId}`;
    const hold = () => holdSession(members);
    const answers = { items: { heard: 8, wanted: 6, fit: 7, overall: 7 }, steering: -1, choicesOffered: 'some' };
    expect((await http(members.client).request('PUT', `${ws}/terms/decision-preference`, { preference: 'client' })).status).toBe(200);
    expect((await http(members.client).post(`${ws}/checkins`, { sessionId: await hold(), ...answers, note: 'Only the scores for you', visibility: 'trend' })).status).toBe(201);
    const second = await hold();
    expect((await http(members.client).post(`${ws}/checkins`, { sessionId: second, ...answers, note: 'Next time', visibility: 'next_session' })).status).toBe(201);
    expect((await http(members.client).post(`${ws}/trend-notes`, { sessionId: second, text: 'Moved house' })).status).toBe(201);
    expect((await http(members.therapist).post(`${ws}/closing`)).status).toBe(201);

    const mine = await exportOf(members.client, members.workspaceId);
    expect(mine.checkIns.map((checkin) => [checkin.sessionNumber, checkin.note])).toEqual([
      [1, 'Only the scores for you'],
      [2, 'Next time'],
    ]);
    const theirs = await exportOf(members.therapist, members.workspaceId);
    expect(theirs.checkIns.map((checkin) => [checkin.sessionNumber, checkin.note, checkin.items])).toEqual([[1, null, answers.items]]);
    for (const body of [mine, theirs]) expect(body.trendNotes).toEqual([expect.objectContaining({ sessionNumber: 2, text: 'Moved house', authorRole: 'client' })]);
    expect(theirs.closingReview!.trends).toMatchObject({ preference: 'client', preferredSteering: 2, points: [{ sessionNumber: 1, total: 28, steering: -1, steeringGap: -3 }], notes: [{ text: 'Moved house', atSession: 2 }] });
    expect(mine.closingReview!.trends.points.map((point) => point.sessionNumber)).toEqual([1, 2]);
    expect(JSON.stringify(theirs)).not.toContain('Only the scores for you');
    expect(JSON.stringify(theirs)).not.toContain('Next time');

    const text = (await http(members.therapist).get(`${ws}/export?format=md`)).body as string;
    expect(text).toContain('## Check-ins after sessions\n\nProcess feedback — not a validated measure.\n');
    expect(text).toContain('- I felt heard and respected: 8 of 10');
    expect(text).toContain('- Session 2 (client): Moved house');
    expect(text).not.toContain('Only the scores for you');
  });

  it('holds the repair items each member may see: one from a check-in kept for the next session reaches the therapist once it starts', async () => {
    const members = await createMemberPair(server.db.db);
    const ws = `/api/workspaces/${members.workspaceId}`;
    const hold = () => holdSession(members);
    const usual = { items: { heard: 8, wanted: 8, fit: 8, overall: 8 }, steering: 0, choicesOffered: 'yes', visibility: 'now' };
    for (let session = 0; session < 3; session++) expect((await http(members.client).post(`${ws}/checkins`, { sessionId: await hold(), ...usual })).status).toBe(201);
    const low = { ...usual, items: { ...usual.items, heard: 4 }, note: 'I was cut off', visibility: 'next_session' };
    expect((await http(members.client).post(`${ws}/checkins`, { sessionId: await hold(), ...low })).status).toBe(201);

    const [item] = (await exportOf(members.client, members.workspaceId)).repairItems;
    expect(item).toMatchObject({ source: { kind: 'checkin', sessionNumber: 4, drop: { items: [{ item: 'heard', baseline: 8, value: 4, points: 4 }] } }, acknowledgedAt: null, closedAt: null });
    expect((await http(members.client).request('PUT', `${ws}/repairs/${item!.id}`, { version: item!.version, clientView: 'It felt hurried' })).status).toBe(200);
    expect((await exportOf(members.therapist, members.workspaceId)).repairItems).toEqual([]);

    expect((await http(members.therapist).post(`${ws}/sessions`)).status).toBe(201);
    const theirs = await exportOf(members.therapist, members.workspaceId);
    expect(theirs.repairItems).toEqual([expect.objectContaining({ id: item!.id, clientView: 'It felt hurried' })]);
    expect(JSON.stringify(theirs.repairItems)).not.toContain('I was cut off');
    const text = (await http(members.therapist).get(`${ws}/export?format=md`)).body as string;
    expect(text).toContain('## Repair items\n\n### Check-in after session 4\n');
    expect(text).toContain('- Not acknowledged yet\n- Open\n');
    expect(text).toContain('How the client saw it:\n\n> It felt hurried\n');
  });

  it('refuses strangers and unknown formats, and records every export in the access log', async () => {
    const stranger = await createMember(server.db.db, 'Stranger');
    const refused = await http(stranger).get(`/api/workspaces/${pair.workspaceId}/export`);
    expect(refused.status).toBe(404);
    expect(refused.body.error.code).toBe('NOT_FOUND');
    expect((await http(null).get(`/api/workspaces/${pair.workspaceId}/export`)).status).toBe(401);
    const xml = await http(pair.client).get(`/api/workspaces/${pair.workspaceId}/export?format=xml`);
    expect(xml.status).toBe(400);
    expect(xml.body.error.code).toBe('VALIDATION_FAILED');
    const exports = (await listAudit(server.db.db, pair.workspaceId)).filter((event) => event.action === 'export');
    expect(exports.some((event) => event.target === 'md' && event.user_id === pair.client.userId)).toBe(true);
    expect(exports.some((event) => event.target === 'json' && event.user_id === pair.therapist.userId)).toBe(true);
    expect(exports.some((event) => event.user_id === stranger.userId)).toBe(false);
    // The next export lists the earlier ones.
    const later = await exportOf(pair.client);
    expect(later.accessLog.filter((entry) => entry.kind === 'action' && entry.action === 'export').length).toBe(exports.length);
  });
});
