import { addGoal, getGoals, readText, snapshotRoadmap } from '@alliance/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as Y from 'yjs';
import { DocSession } from './doc-session.js';
import type { Outbox } from './outbox.js';
import { MemoryOutbox } from './testing/memory-outbox.js';
import { MemoryServer, type MemoryConnection } from './testing/memory-server.js';

const WORKSPACE = '5b0f3c52-8f5e-4a51-9a43-2f1c8c1d7a10';

const KEY = `${WORKSPACE}/roadmap` as const;

function open(
  server: MemoryServer,
  name: string,
  role: 'therapist' | 'client' = 'client',
  outbox: Outbox | null = null,
  network: 'online' | 'offline' = 'online',
): { session: DocSession; connection: MemoryConnection } {
  const connection = server.connect(role);
  if (network === 'offline') connection.drop();
  const session = new DocSession(WORKSPACE, 'roadmap', connection, { id: `${name}-id`, name }, outbox);
  connection.attach(session);
  if (network === 'online') session.handleConnect();
  else session.handleDisconnect();
  return { session, connection };
}

/** Lets the outbox's reads and writes (promises) finish. */
const outboxSettles = () => new Promise((resolve) => setTimeout(resolve, 0));

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

  it('sends an edit the server could not take for now again by itself, after a pause, and then says saved', () => {
    vi.useFakeTimers();
    const server = new MemoryServer();
    const client = open(server, 'Sam');
    server.flush();
    server.refuseNext = 'NOT_SAVED'; // e.g. too much unsaved while the database is away
    addGoal(client.session.doc, { title: 'Journal', proposedBy: 'client' });
    server.flush();
    expect(client.session.saveStatus).toBe('unsaved');
    expect(storedTitles(server)).toEqual([]);

    vi.advanceTimersByTime(2_000);
    server.flush();
    expect(storedTitles(server)).toEqual(['Journal']);
    expect(client.session.saveStatus).toBe('saved');
  });

  it('joins again when its update builds on changes the server does not have', () => {
    const server = new MemoryServer();
    const client = open(server, 'Sam');
    server.flush();
    server.refuseNext = 'OUT_OF_SYNC';
    addGoal(client.session.doc, { title: 'Walk', proposedBy: 'client' });
    server.flush();
    expect(storedTitles(server)).toEqual(['Walk']);
    expect(client.session.saveStatus).toBe('saved');
  });

  it('keeps each local edit on the device until the server confirms it stored', async () => {
    const server = new MemoryServer();
    const outbox = new MemoryOutbox();
    const client = open(server, 'Sam', 'client', outbox);
    await outboxSettles();
    server.flush();
    expect(client.session.saveStatus).toBe('saved');

    server.autoAck = false;
    addGoal(client.session.doc, { title: 'Journal', proposedBy: 'client' });
    (getGoals(client.session.doc).get(0).get('title') as Y.Text).insert(7, ' daily');
    await outboxSettles();
    expect(outbox.size(KEY)).toBe(2);
    expect(client.session.keptCount).toBe(2);
    server.flush(); // applied and broadcast, not yet durable
    expect(outbox.size(KEY)).toBe(2);

    server.ackAll();
    server.flush();
    await outboxSettles();
    expect(client.session.saveStatus).toBe('saved');
    expect(client.session.keptCount).toBe(0);
    expect(outbox.size(KEY)).toBe(0);
    expect(storedTitles(server)).toEqual(['Journal daily']);
  });

  it('gives a page opened after a closed one the edits it kept, sends them in its first step 2 and forgets them once stored', async () => {
    const server = new MemoryServer();
    addGoal(server.room(KEY), { title: 'Sleep better', proposedBy: 'client' });
    const outbox = new MemoryOutbox();
    const first = open(server, 'Sam', 'client', outbox);
    await outboxSettles();
    server.flush();

    first.connection.drop();
    // One edit builds on what came from the server (so it cannot be applied without it), one is new.
    const title = getGoals(first.session.doc).get(0).get('title') as Y.Text;
    title.insert(title.length, ' at night');
    addGoal(first.session.doc, { title: 'Call my sister', proposedBy: 'client' });
    await outboxSettles();
    expect(first.session.keptCount).toBe(2);
    first.session.destroy(); // the tab is closed while offline
    expect(storedTitles(server)).toEqual(['Sleep better']);

    const therapist = open(server, 'Dana', 'therapist');
    server.flush();

    // A new page, still offline: it counts what the device kept.
    const second = open(server, 'Sam', 'client', outbox, 'offline');
    await outboxSettles();
    expect(second.session.saveStatus).toBe('offline');
    expect(second.session.keptCount).toBe(2);
    // Both edits sit after what came from the server: Yjs holds them as pending until its state
    // arrives, and the step 2 still carries them.
    expect(second.session.doc.store.pendingStructs).not.toBeNull();
    expect(titles(second.session)).toEqual([]);

    server.autoAck = false;
    second.connection.restore();
    await outboxSettles();
    server.flush();
    const expected = ['Sleep better at night', 'Call my sister'];
    expect(storedTitles(server)).toEqual(expected);
    expect(titles(therapist.session)).toEqual(expected);
    expect(second.session.saveStatus).toBe('saving');
    expect(outbox.size(KEY)).toBe(2); // not forgotten before the server says it is stored

    server.ackAll();
    server.flush();
    await outboxSettles();
    expect(second.session.saveStatus).toBe('saved');
    expect(titles(second.session)).toEqual(expected);
    expect(outbox.size(KEY)).toBe(0);
  });

  it('forgets an edit the server refused for good, and keeps one it could not store for the next page', async () => {
    const server = new MemoryServer();
    const outbox = new MemoryOutbox();
    const client = open(server, 'Sam', 'client', outbox);
    await outboxSettles();
    server.flush();

    server.refuseNext = 'INTERNAL'; // e.g. the server stopped before writing it
    addGoal(client.session.doc, { title: 'Journal', proposedBy: 'client' });
    server.flush();
    await outboxSettles();
    expect(client.session.saveStatus).toBe('unsaved');
    expect(outbox.size(KEY)).toBe(1);
    client.session.destroy();

    const reopened = open(server, 'Sam', 'client', outbox);
    await outboxSettles();
    server.flush();
    await outboxSettles();
    expect(storedTitles(server)).toEqual(['Journal']);
    expect(reopened.session.saveStatus).toBe('saved');
    expect(outbox.size(KEY)).toBe(0);

    server.refuseNext = 'PERMISSION_DENIED';
    addGoal(reopened.session.doc, { title: 'Not allowed', proposedBy: 'client' });
    server.flush();
    await outboxSettles();
    expect(reopened.session.saveStatus).toBe('unsaved');
    expect(outbox.size(KEY)).toBe(0);
    expect(reopened.session.hasUnkeptEdits).toBe(true); // the refusal is still shown and warned about
  });

  it('after a crash loses an edit it had shown, takes it back only from its author, so it stays theirs', () => {
    const server = new MemoryServer();
    const therapist = open(server, 'Dana', 'therapist');
    const client = open(server, 'Sam', 'client');
    server.flush();
    server.autoAck = false; // both edits are shown, and neither is stored yet
    addGoal(therapist.session.doc, { title: 'Walk daily', proposedBy: 'therapist' });
    addGoal(client.session.doc, { title: 'Journal', proposedBy: 'client' });
    server.flush();
    expect(titles(client.session).sort()).toEqual(['Journal', 'Walk daily']);

    server.crash();
    server.autoAck = true;
    client.connection.restore(); // the client is back first, holding the therapist's edit
    server.flush();
    expect(storedTitles(server)).toEqual(['Journal']);
    expect(server.claimOf(KEY, therapist.session.doc.clientID)).toBeUndefined();
    expect(client.session.saveStatus).toBe('saved');

    therapist.connection.restore();
    server.flush();
    expect(storedTitles(server).sort()).toEqual(['Journal', 'Walk daily']);
    expect(server.claimOf(KEY, therapist.session.doc.clientID)).toBe('therapist');
    expect(server.claimOf(KEY, client.session.doc.clientID)).toBe('client');
    // The therapist goes on editing as before: nothing of theirs is someone else's now.
    addGoal(therapist.session.doc, { title: 'Call a friend', proposedBy: 'therapist' });
    server.flush();
    expect(therapist.session.saveStatus).toBe('saved');
    expect(client.session.saveStatus).toBe('saved');
    expect(storedTitles(server)).toHaveLength(3);
  });

  it('keeps its edits that build on the other person’s lost one, tries again after longer and longer pauses, and sends them once the author is back', () => {
    vi.useFakeTimers();
    const server = new MemoryServer();
    const therapist = open(server, 'Dana', 'therapist');
    const client = open(server, 'Sam', 'client');
    const joins = vi.spyOn(client.connection, 'join');
    server.flush();
    server.autoAck = false;
    addGoal(therapist.session.doc, { title: 'Walk', proposedBy: 'therapist' });
    server.flush();
    (getGoals(client.session.doc).get(0).get('title') as Y.Text).insert(4, ' daily');
    server.flush();

    server.crash();
    server.autoAck = true;
    joins.mockClear();
    client.connection.restore();
    server.flush();
    // Joining again at once did not help: the client says why, and waits.
    expect(joins).toHaveBeenCalledTimes(2);
    expect(client.session.saveStatus).toBe('unsaved');
    expect(client.session.getState().refused?.code).toBe('OUT_OF_SYNC');
    expect(client.session.hasUnconfirmedEdits).toBe(true);
    vi.advanceTimersByTime(1_999);
    server.flush();
    expect(joins).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(1);
    server.flush();
    expect(joins).toHaveBeenCalledTimes(3);
    vi.advanceTimersByTime(4_999);
    server.flush();
    expect(joins).toHaveBeenCalledTimes(3);
    expect(storedTitles(server)).toEqual([]);

    therapist.connection.restore();
    server.flush();
    expect(storedTitles(server)).toEqual(['Walk']);
    vi.advanceTimersByTime(1);
    server.flush();
    expect(joins).toHaveBeenCalledTimes(4);
    expect(storedTitles(server)).toEqual(['Walk daily']);
    expect(client.session.saveStatus).toBe('saved');
    expect(titles(therapist.session)).toEqual(['Walk daily']);
    expect(server.claimOf(KEY, therapist.session.doc.clientID)).toBe('therapist');
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
