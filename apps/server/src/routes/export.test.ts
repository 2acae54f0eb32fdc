import { listAudit } from '@alliance/db';
import { addGoal, createCard, createReply, createStep, getCards } from '@alliance/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { createMember, createMemberPair, SocketClient, type Member, type MemberPair } from '../test/fixtures.js';
import { startTestServer, TestClient, testBackends, type TestServer } from '../test/harness.js';
import type { WorkspaceExport } from './export.js';

describe.each(testBackends())('workspace export on %s', (kind) => {
  let server: TestServer;
  let pair: MemberPair;
  const sockets: SocketClient[] = [];

  function http(member: Member | null): TestClient {
    const client = new TestClient(server.url);
    client.cookie = member?.cookie ?? '';
    return client;
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
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server.stop();
  });

  it('gives the client the roadmap, the feedback and their own drafts as JSON, as a download', async () => {
    const response = await http(pair.client).get(`/api/workspaces/${pair.workspaceId}/export?format=json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="alliance-roadmap-[\w-]+\.json"$/);
    const body = response.body as WorkspaceExport;
    expect(body.role).toBe('client');
    expect(body.roadmap.title).toBe(pair.title);
    expect(body.roadmap.goals[0]).toMatchObject({ title: 'Sleep *better*', why: 'I want calmer\nmornings' });
    expect(body.roadmap.goals[0]!.steps[0]).toMatchObject({ text: 'Lights out at 23:00' });
    expect(body.feedback.cards[0]).toMatchObject({ text: 'I felt heard', replies: [{ text: 'Glad to hear it', authorRole: 'therapist' }] });
    expect(body.drafts?.cards.map((card) => card.text)).toEqual(['A private thought']);
  });

  it('never gives the therapist the client’s drafts', async () => {
    const json = await http(pair.therapist).get(`/api/workspaces/${pair.workspaceId}/export`);
    expect(json.status).toBe(200);
    expect(json.body.drafts).toBeUndefined();
    expect(JSON.stringify(json.body)).not.toContain('A private thought');
    const md = await http(pair.therapist).get(`/api/workspaces/${pair.workspaceId}/export?format=md`);
    expect(md.body).not.toContain('A private thought');
  });

  it('writes readable Markdown with the document text escaped', async () => {
    const response = await http(pair.client).get(`/api/workspaces/${pair.workspaceId}/export?format=md`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(response.headers.get('content-disposition')).toMatch(/\.md"$/);
    const text = response.body as string;
    expect(text).toContain(`# ${pair.title}`);
    expect(text).toContain('### Sleep \\*better\\*');
    expect(text).toContain('- [ ] Lights out at 23:00');
    expect(text).toContain('### How power feels here');
    expect(text).toContain('- I felt heard');
    expect(text).toContain('  - therapist: Glad to hear it');
    expect(text).toContain('## My private drafts');
  });

  it('refuses strangers and unknown formats, and records every export', async () => {
    const stranger = await createMember(server.db.db, 'Stranger');
    expect((await http(stranger).get(`/api/workspaces/${pair.workspaceId}/export`)).status).toBe(404);
    expect((await http(null).get(`/api/workspaces/${pair.workspaceId}/export`)).status).toBe(401);
    const xml = await http(pair.client).get(`/api/workspaces/${pair.workspaceId}/export?format=xml`);
    expect(xml.status).toBe(400);
    expect(xml.body.error.code).toBe('VALIDATION_FAILED');
    const exports = (await listAudit(server.db.db, pair.workspaceId)).filter((event) => event.action === 'export');
    expect(exports.length).toBeGreaterThanOrEqual(3);
    expect(exports.some((event) => event.target === 'md')).toBe(true);
  });
});
