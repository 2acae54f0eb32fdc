import { addGoal, getGoals, readText, snapshotRoadmap } from '@alliance/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as Y from 'yjs';
import { DocSession } from './doc-session.js';
import { MemoryServer, type MemoryConnection } from './testing/memory-server.js';

const WORKSPACE = '5b0f3c52-8f5e-4a51-9a43-2f1c8c1d7a10';

function open(server: MemoryServer, name: string, role: 'therapist' | 'client' = 'client'): { session: DocSession; connection: MemoryConnection } {
  const connection = server.connect(role);
  const session = new DocSession(WORKSPACE, 'roadmap', connection, { id: `${name}-id`, name });
  connection.attach(session);
  session.handleConnect();
  return { session, connection };
}

/** The goal titles the server has. */
function storedTitles(server: MemoryServer): string[] {
  return snapshotRoadmap(server.room(`${WORKSPACE}/roadmap`)).goals.map((goal) => goal.title);
}

function titles(session: DocSession): string[] {
  return getGoals(session.doc)
    .toArray()
    .map((goal) => readText(goal, 'title'));
}

afterEach(() => {
  vi.useRealTimers();
});

describe('DocSession', () => {
  it('loads the server state, then shows each edit to the other person and says saved once confirmed', () => {
    const server = new MemoryServer();
    addGoal(server.room(`${WORKSPACE}/roadmap`), { title: 'Sleep better', proposedBy: 'client' });
    const therapist = open(server, 'Dana', 'therapist');
    const client = open(server, 'Sam', 'client');
    expect(therapist.session.saveStatus).toBe('connecting');
    server.flush();
    expect(titles(therapist.session)).toEqual(['Sleep better']);
    expect(therapist.session.getState()).toMatchObject({ loaded: true, role: 'therapist' });
    expect(therapist.session.saveStatus).toBe('saved');

    server.autoAck = false; // the database is slow
    addGoal(therapist.session.doc, { title: 'Walk daily', proposedBy: 'therapist' });
    expect(therapist.session.saveStatus).toBe('saving');
    server.flush();
    expect(titles(client.session)).toEqual(['Sleep better', 'Walk daily']);
    expect(therapist.session.saveStatus).toBe('saving');
    expect(therapist.session.hasUnconfirmedEdits).toBe(true);
    server.ackAll();
    server.flush();
    expect(therapist.session.saveStatus).toBe('saved');
    expect(client.session.saveStatus).toBe('saved');
  });

  it('keeps edits made offline, sends them on reconnect and merges them with the other edits', () => {
    const server = new MemoryServer();
    const therapist = open(server, 'Dana', 'therapist');
    const client = open(server, 'Sam', 'client');
    server.flush();
    addGoal(therapist.session.doc, { title: 'Sleep better', proposedBy: 'therapist' });
    server.flush();

    client.connection.drop();
    expect(client.session.saveStatus).toBe('offline');
    const title = getGoals(client.session.doc).get(0).get('title') as Y.Text;
    title.insert(title.length, ' at night');
    addGoal(client.session.doc, { title: 'Call my sister', proposedBy: 'client' });
    // Meanwhile the therapist edits the same title at the other end.
    (getGoals(therapist.session.doc).get(0).get('title') as Y.Text).insert(0, 'Try to ');
    server.flush();
    expect(client.session.saveStatus).toBe('offline');
    expect(client.session.hasUnconfirmedEdits).toBe(true);

    server.autoAck = false;
    client.connection.restore();
    server.flush();
    expect(client.session.saveStatus).toBe('saving'); // sent in sync step 2, not confirmed yet
    server.ackAll();
    server.flush();
    expect(client.session.saveStatus).toBe('saved');

    const expected = ['Try to Sleep better at night', 'Call my sister'];
    expect(titles(client.session)).toEqual(expected);
    expect(titles(therapist.session)).toEqual(expected);
    expect(storedTitles(server)).toEqual(expected);
  });

  it('resends edits whose confirmation was lost in a drop', () => {
    const server = new MemoryServer();
    const client = open(server, 'Sam');
    server.flush();
    addGoal(client.session.doc, { title: 'Journal', proposedBy: 'client' });
    client.connection.drop(); // the update never reaches the server
    expect(client.session.saveStatus).toBe('offline');
    client.connection.restore();
    server.flush();
    expect(client.session.saveStatus).toBe('saved');
    expect(storedTitles(server)).toEqual(['Journal']);
  });

  it('joins again when the server says it forgot the document, and still gets every edit confirmed', () => {
    const server = new MemoryServer();
    const client = open(server, 'Sam');
    server.flush();
    server.autoAck = false;
    addGoal(client.session.doc, { title: 'Journal', proposedBy: 'client' });
    server.flush();
    expect(client.session.saveStatus).toBe('saving');
    // e.g. the room was unloaded and reloaded on the server
    client.session.handleError({ key: client.session.key, code: 'NOT_JOINED', message: 'Join the document first.' });
    server.autoAck = true;
    server.flush();
    expect(client.session.saveStatus).toBe('saved');
    expect(storedTitles(server)).toEqual(['Journal']);
  });

  it('says not saved when the server refuses an edit', () => {
    const server = new MemoryServer();
    const client = open(server, 'Sam');
    server.flush();
    server.refuseNext = 'PERMISSION_DENIED';
    addGoal(client.session.doc, { title: 'Not allowed', proposedBy: 'client' });
    server.flush();
    expect(client.session.saveStatus).toBe('unsaved');
    expect(client.session.getState().refused?.code).toBe('PERMISSION_DENIED');
  });

  it('retries a join the server could not load, and gives up on one it refuses', () => {
    vi.useFakeTimers();
    const server = new MemoryServer();
    server.failJoins = { code: 'LOAD_FAILED', times: 1 };
    const client = open(server, 'Sam');
    server.flush();
    expect(client.session.saveStatus).toBe('connecting');
    vi.advanceTimersByTime(1_000);
    server.flush();
    expect(client.session.saveStatus).toBe('saved');

    server.failJoins = { code: 'NOT_FOUND', times: 1 };
    const stranger = open(server, 'Eve');
    server.flush();
    expect(stranger.session.saveStatus).toBe('error');
    expect(stranger.session.getState().fatal?.code).toBe('NOT_FOUND');
  });

  it('tells the server that joining again after a reconnect is no new opening, and a join it never accepted is', () => {
    vi.useFakeTimers();
    const server = new MemoryServer();
    server.failJoins = { code: 'LOAD_FAILED', times: 1 };
    const connection = server.connect('client');
    const join = vi.spyOn(connection, 'join');
    const session = new DocSession(WORKSPACE, 'roadmap', connection, { id: 'sam-id', name: 'Sam' });
    connection.attach(session);
    session.handleConnect();
    server.flush();
    vi.advanceTimersByTime(1_000);
    server.flush();
    connection.drop();
    connection.restore();
    server.flush();
    expect(join.mock.calls.map(([request]) => request.reopen === true)).toEqual([false, false, true]);
  });

  it('shares presence and forgets the other person when the connection drops', () => {
    const server = new MemoryServer();
    const therapist = open(server, 'Dana', 'therapist');
    const client = open(server, 'Sam', 'client');
    server.flush();
    const names = (session: DocSession) =>
      [...session.awareness.getStates().values()].map((state) => (state as { user?: { name: string } }).user?.name).sort();
    expect(names(therapist.session)).toEqual(['Dana', 'Sam']);
    client.connection.drop();
    therapist.session.handleDisconnect();
    expect(names(therapist.session)).toEqual(['Dana']);
  });
});
