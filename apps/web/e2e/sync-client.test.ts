import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addGoal, createCard, getCards, getGoals, readText, type DocName } from '@alliance/shared';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import * as Y from 'yjs';
import type { DocSession } from '../src/sync/doc-session.js';
import { SyncClient } from '../src/sync/sync-client.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

/** One person talking to the real server: their session cookie and their realtime client. */
interface Person {
  cookie: string;
  sync: SyncClient;
}

async function api(server: ServerProcess, path: string, body: unknown, cookie = ''): Promise<{ body: unknown; cookie: string }> {
  const response = await fetch(`${server.url}/api${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  const session = response.headers.getSetCookie().find((line) => line.startsWith(`${server.sessionCookieName}=`));
  return { body: await response.json(), cookie: session ? session.split(';')[0]! : cookie };
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const titles = (session: DocSession) =>
  getGoals(session.doc)
    .toArray()
    .map((goal) => readText(goal, 'title'));

describe('the sync layer against the real server', () => {
  let webDist = '';
  let server: ServerProcess | undefined;
  let url = '';
  let workspaceId = '';
  let therapist: Person;
  let client: Person;
  const clients: SyncClient[] = [];

  function person(cookie: string): Person {
    const sync = new SyncClient({ user: { id: cookie.slice(-8), name: 'test' }, url, idleCloseMs: 100, socketOptions: { extraHeaders: { cookie } } });
    clients.push(sync);
    return { cookie, sync };
  }

  /** Opens a document and waits until the server's state is in it. */
  async function open(who: Person, doc: DocName = 'roadmap'): Promise<{ session: DocSession; release: () => void }> {
    const session = who.sync.session(workspaceId, doc);
    const release = who.sync.retain(session);
    await until(() => session.getState().loaded || session.getState().fatal !== null, `${doc} to load`);
    return { session, release };
  }

  beforeAll(async () => {
    webDist = mkdtempSync(join(tmpdir(), 'alliance-no-web-'));
    const started = await startServerProcess(webDist);
    server = started;
    url = started.url;
    const dana = await api(started, '/auth/signup', { email: 'dana@example.com', password: 'a calm long password', name: 'Dana' });
    const workspace = await api(started, '/workspaces', { title: 'Sam' }, dana.cookie);
    workspaceId = (workspace.body as { id: string }).id;
    const invite = await api(started, `/workspaces/${workspaceId}/invites`, {}, dana.cookie);
    const sam = await api(started, '/auth/signup', { email: 'sam@example.com', password: 'another long password', name: 'Sam' });
    await api(started, `/invites/${(invite.body as { token: string }).token}/accept`, {}, sam.cookie);
    therapist = person(dana.cookie);
    client = person(sam.cookie);
  }, 180_000);

  afterAll(async () => {
    for (const sync of clients) sync.close();
    await server?.stop();
    if (webDist) rmSync(webDist, { recursive: true, force: true });
  }, 60_000);

  it('confirms edits only once stored, and merges edits made offline after a reconnect', async () => {
    onTestFailed(() => console.error(server?.output().slice(-6_000)));
    const a = await open(therapist);
    const b = await open(client);
    expect(a.session.getState().role).toBe('therapist');
    expect(b.session.getState().role).toBe('client');

    addGoal(a.session.doc, { title: 'Sleep better', proposedBy: 'therapist' });
    expect(a.session.saveStatus).toBe('saving');
    await until(() => a.session.saveStatus === 'saved', 'the new goal to be confirmed');
    await until(() => titles(b.session).length === 1, 'the client to see the goal');

    client.sync.disconnect();
    await until(() => b.session.saveStatus === 'offline', 'the client to be offline');
    const title = getGoals(b.session.doc).get(0).get('title') as Y.Text;
    title.insert(title.length, ' at night');
    addGoal(b.session.doc, { title: 'Call my sister', proposedBy: 'client' });
    expect(b.session.hasUnconfirmedEdits).toBe(true);
    (getGoals(a.session.doc).get(0).get('title') as Y.Text).insert(0, 'Try to ');
    await until(() => a.session.saveStatus === 'saved', 'the therapist edit to be confirmed');

    client.sync.connect();
    await until(() => b.session.saveStatus === 'saved', 'the offline edits to be confirmed after reconnecting');
    const expected = ['Try to Sleep better at night', 'Call my sister'];
    await until(() => titles(a.session).join('|') === expected.join('|'), 'the therapist to see the merged roadmap');
    expect(titles(b.session)).toEqual(expected);

    // A fresh connection loads exactly what was confirmed.
    const later = person(client.cookie);
    const reopened = await open(later);
    expect(titles(reopened.session)).toEqual(expected);
    a.release();
    b.release();
    reopened.release();
  }, 60_000);

  it('keeps a closed document open until its offline edits are stored', async () => {
    const b = await open(client);
    client.sync.disconnect();
    await until(() => b.session.saveStatus === 'offline', 'the client to be offline');
    addGoal(b.session.doc, { title: 'Written on the train', proposedBy: 'client' });
    b.release();
    await new Promise((resolve) => setTimeout(resolve, 400)); // well past idleCloseMs
    expect(client.sync.session(workspaceId, 'roadmap')).toBe(b.session);

    client.sync.connect();
    await until(() => b.session.saveStatus === 'saved', 'the edit to be stored');
    await until(() => client.sync.session(workspaceId, 'roadmap') !== b.session, 'the idle document to close');
    const check = await open(person(therapist.cookie));
    expect(titles(check.session)).toContain('Written on the train');
    check.release();
  }, 60_000);

  it('sends the server only its own edits after a reconnect, and waits for the author of an edit the server lost', async () => {
    onTestFailed(() => console.error(server?.output().slice(-6_000)));
    const a = await open(therapist);
    const b = await open(client);
    // A goal of the therapist's that the client was shown and the server then lost (it stopped
    // before storing it): written on a copy of the document, given to the client alone.
    const elsewhere = new Y.Doc();
    Y.applyUpdate(elsewhere, Y.encodeStateAsUpdate(b.session.doc));
    const before = Y.encodeStateVector(elsewhere);
    addGoal(elsewhere, { title: 'Walk by the river', proposedBy: 'therapist' });
    const lost = Y.encodeStateAsUpdate(elsewhere, before);
    client.sync.disconnect();
    await until(() => b.session.saveStatus === 'offline', 'the client to be offline');
    Y.applyUpdate(b.session.doc, lost, b.session); // as the server showed it
    client.sync.connect();
    await until(() => b.session.saveStatus === 'saved', 'the client to be back');
    const check = await open(person(therapist.cookie));
    expect(titles(check.session)).not.toContain('Walk by the river');

    // The client's own edit builds on the lost goal: it waits, kept, and says why.
    const goals = getGoals(b.session.doc).toArray();
    const title = goals.find((goal) => readText(goal, 'title') === 'Walk by the river')!.get('title') as Y.Text;
    title.insert(title.length, ' at dawn');
    await until(() => b.session.getState().refused?.code === 'OUT_OF_SYNC', 'the client to wait for the missing goal');
    expect(b.session.saveStatus).toBe('unsaved');
    expect(b.session.hasUnconfirmedEdits).toBe(true);

    // Its author's page sends it, as the therapist's; the client's edit follows by itself.
    Y.applyUpdate(a.session.doc, lost);
    await until(() => a.session.saveStatus === 'saved', 'the therapist’s goal to be stored');
    await until(() => b.session.saveStatus === 'saved', 'the client’s edit to be stored after its pause', 15_000);
    await until(() => titles(check.session).includes('Walk by the river at dawn'), 'a third page to see both');
    check.release();
    a.release();
    b.release();
  }, 60_000);

  it('says not saved when the server refuses an edit, and error for a document nobody may open', async () => {
    // Only the client writes feedback cards.
    const feedback = await open(therapist, 'feedback');
    feedback.session.doc.transact(() => getCards(feedback.session.doc).push([createCard('working', 'not mine to write')]));
    await until(() => feedback.session.saveStatus === 'unsaved', 'the refusal');
    expect(feedback.session.getState().refused?.code).toBe('PERMISSION_DENIED');
    feedback.release();

    const drafts = await open(therapist, 'drafts');
    expect(drafts.session.saveStatus).toBe('error');
    drafts.release();
  }, 60_000);

  it('tells the page of workspace news as it happens, and to look again once reconnected (news meanwhile never arrives)', async () => {
    const sam = person(client.cookie);
    const heard: (string | null)[] = [];
    const stop = sam.sync.onWorkspaceChanged((id) => heard.push(id));
    const roadmap = await open(sam);
    await until(() => heard.includes(null), 'the first connection to say so');
    heard.length = 0;
    // News while connected arrives as it is.
    await api(server!, `/workspaces/${workspaceId}/sessions`, {}, therapist.cookie);
    await until(() => heard.includes(workspaceId), 'the session start to be told');
    // News while disconnected is lost on the way: the reconnection says to look again.
    sam.sync.disconnect();
    await until(() => sam.sync.getStatus() === 'offline', 'the client to be offline');
    heard.length = 0;
    await api(server!, `/workspaces/${workspaceId}/sessions/current/end`, {}, therapist.cookie);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(heard).toEqual([]);
    sam.sync.connect();
    await until(() => heard.includes(null), 'the reconnection to say news may have been missed');
    stop();
    roadmap.release();
  }, 60_000);

  it('stops reconnecting once its login session has ended, and says so', async () => {
    const login = await api(server!, '/auth/login', { email: 'sam@example.com', password: 'another long password' });
    const sam = person(login.cookie);
    const roadmap = await open(sam);
    expect(roadmap.session.getState().loaded).toBe(true);
    // Logged out elsewhere (same session): the server closes the connection, and refuses it back.
    const logout = await fetch(`${url}/api/auth/logout`, { method: 'POST', headers: { cookie: login.cookie } });
    expect(logout.status).toBe(204);
    await until(() => sam.sync.getStatus() === 'refused', 'the connection to be refused');
    expect(roadmap.session.getState().fatal).toEqual({ code: 'UNAUTHORIZED', message: 'Your session has ended. Log in again to keep working.' });
    expect(roadmap.session.saveStatus).toBe('error');
    roadmap.release();
  }, 60_000);
});
