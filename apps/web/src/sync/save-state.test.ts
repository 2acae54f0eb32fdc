import { describe, expect, it } from 'vitest';
import {
  combineSaveStatus,
  deriveSaveStatus,
  hasUnconfirmedEdits,
  hasUnkeptEdits,
  initialSyncState,
  isRefusedForGood,
  keptCount,
  reduceSync,
  type DocSyncState,
  type SyncEvent,
} from './save-state.js';

function run(...events: SyncEvent[]): DocSyncState {
  return events.reduce(reduceSync, initialSyncState);
}

const online: SyncEvent[] = [{ type: 'joining' }, { type: 'joined', role: 'client', readOnly: false }, { type: 'synced' }];

describe('save state', () => {
  it('is connecting until the server state arrives, then saved', () => {
    expect(deriveSaveStatus(run())).toBe('connecting');
    expect(deriveSaveStatus(run({ type: 'joining' }))).toBe('connecting');
    const state = run(...online);
    expect(deriveSaveStatus(state)).toBe('saved');
    expect(state.loaded).toBe(true);
    expect(state.role).toBe('client');
  });

  it('says saving while any sent edit is unconfirmed, and saved only when all are acked', () => {
    const twoSent = run(...online, { type: 'local-change' }, { type: 'sent', id: 1 }, { type: 'local-change' }, { type: 'sent', id: 2 });
    expect(deriveSaveStatus(twoSent)).toBe('saving');
    const firstAcked = reduceSync(twoSent, { type: 'acked', id: 1 });
    expect(deriveSaveStatus(firstAcked)).toBe('saving');
    expect(deriveSaveStatus(reduceSync(firstAcked, { type: 'acked', id: 2 }))).toBe('saved');
    // Out-of-order acks count too.
    expect(deriveSaveStatus(run(...online, { type: 'sent', id: 1 }, { type: 'sent', id: 2 }, { type: 'acked', id: 2 }, { type: 'acked', id: 1 }))).toBe('saved');
  });

  it('keeps edits lost in flight by a drop as unsent, says offline, and saved only after the resync is acked', () => {
    const dropped = run(...online, { type: 'local-change' }, { type: 'sent', id: 1 }, { type: 'disconnected' });
    expect(deriveSaveStatus(dropped)).toBe('offline');
    expect(dropped.unsent).toBe(true);
    expect(dropped.inFlight).toEqual([]);
    expect(hasUnconfirmedEdits(dropped)).toBe(true);

    // A late ack from the old connection changes nothing.
    expect(reduceSync(dropped, { type: 'acked', id: 1 })).toBe(dropped);

    const rejoining = reduceSync(reduceSync(dropped, { type: 'local-change' }), { type: 'joining' });
    expect(deriveSaveStatus(rejoining)).toBe('saving');
    const step2 = reduceSync(rejoining, { type: 'sent', id: 3 });
    expect(deriveSaveStatus(reduceSync(step2, { type: 'synced' }))).toBe('saving');
    const confirmed = reduceSync(reduceSync(step2, { type: 'synced' }), { type: 'acked', id: 3 });
    expect(deriveSaveStatus(confirmed)).toBe('saved');
    expect(hasUnconfirmedEdits(confirmed)).toBe(false);
  });

  it('counts edits still unconfirmed when the document is joined again as unsent, so the new step 2 carries them', () => {
    const rejoined = run(...online, { type: 'local-change' }, { type: 'sent', id: 1 }, { type: 'joining' });
    expect(rejoined.inFlight).toEqual([]);
    expect(rejoined.unsent).toBe(true);
    expect(deriveSaveStatus(rejoined)).toBe('saving');
  });

  it('says offline even with nothing pending, and keeps the content loaded', () => {
    const state = run(...online, { type: 'disconnected' });
    expect(deriveSaveStatus(state)).toBe('offline');
    expect(state.loaded).toBe(true);
    expect(hasUnconfirmedEdits(state)).toBe(false);
  });

  it('says not saved while the server reports it cannot store, until it reports saved', () => {
    const unsaved = run(...online, { type: 'server-status', state: 'unsaved' });
    expect(deriveSaveStatus(unsaved)).toBe('unsaved');
    expect(deriveSaveStatus(reduceSync(unsaved, { type: 'server-status', state: 'saved' }))).toBe('saved');
    // The server's own "saving" is about everyone's edits; ours are tracked by acks.
    expect(deriveSaveStatus(run(...online, { type: 'server-status', state: 'saving' }))).toBe('saved');
  });

  it('says not saved after a refused edit, and remembers it', () => {
    const refused = run(...online, { type: 'sent', id: 1 }, { type: 'refused', id: 1, problem: { code: 'SHAPE_VIOLATION', message: 'no' } });
    expect(refused.inFlight).toEqual([]);
    expect(deriveSaveStatus(refused)).toBe('unsaved');
    expect(deriveSaveStatus(reduceSync(refused, { type: 'sent', id: 2 }))).toBe('unsaved');
    expect(hasUnconfirmedEdits(refused)).toBe(true);
  });

  it('says error when the document cannot be opened, until a new join starts', () => {
    const failed = run({ type: 'joining' }, { type: 'failed', problem: { code: 'NOT_FOUND', message: 'gone' } });
    expect(deriveSaveStatus(failed)).toBe('error');
    expect(deriveSaveStatus(reduceSync(failed, { type: 'joining' }))).toBe('connecting');
  });
});

describe('the outbox: which kept entries an ack settles', () => {
  const ids = (state: DocSyncState) => state.outbox.map((item) => item.id);
  const edit = (entry: string): SyncEvent[] => [{ type: 'local-change', entry }, { type: 'kept', entry }];

  it('settles a live update by its own entry, and a step 2 by every entry there was when it was built', () => {
    const offline = run(...online, { type: 'disconnected' }, ...edit('a'), ...edit('b'));
    expect(ids(offline)).toEqual(['a', 'b']);
    // Back online: the step 2 carries a and b; c is typed after it went out and travels on its own.
    const step2 = run(...online, { type: 'disconnected' }, ...edit('a'), ...edit('b'), { type: 'joining' }, { type: 'sent', id: 1, carries: 'all' });
    const live = reduceSync(reduceSync(reduceSync(step2, { type: 'local-change', entry: 'c' }), { type: 'kept', entry: 'c' }), { type: 'sent', id: 2, carries: ['c'] });
    expect(live.carrying).toEqual({ 1: ['a', 'b'], 2: ['c'] });

    const liveAcked = reduceSync(live, { type: 'acked', id: 2 });
    expect(ids(liveAcked)).toEqual(['a', 'b']);
    const allAcked = reduceSync(liveAcked, { type: 'acked', id: 1 });
    expect(ids(allAcked)).toEqual([]);
    expect(allAcked.carrying).toEqual({});
    // The other order ends the same way.
    expect(ids(reduceSync(reduceSync(live, { type: 'acked', id: 1 }), { type: 'acked', id: 2 }))).toEqual([]);
  });

  it('keeps every entry through a drop and a retryable failure, and forgets those refused for good', () => {
    const sent = run(...online, ...edit('a'), { type: 'sent', id: 1, carries: ['a'] }, ...edit('b'), { type: 'sent', id: 2, carries: ['b'] });
    const dropped = reduceSync(sent, { type: 'disconnected' });
    expect(ids(dropped)).toEqual(['a', 'b']);
    expect(dropped.carrying).toEqual({});
    // A late ack from the old connection settles nothing.
    expect(ids(reduceSync(dropped, { type: 'acked', id: 1 }))).toEqual(['a', 'b']);

    const timedOut = reduceSync(sent, { type: 'refused', id: 1, problem: { code: 'TIMEOUT', message: 'late' } });
    expect(ids(timedOut)).toEqual(['a', 'b']);
    const notStored = reduceSync(sent, { type: 'refused', id: 2, problem: { code: 'INTERNAL', message: 'stopped before saving' } });
    expect(ids(notStored)).toEqual(['a', 'b']);

    const denied = reduceSync(sent, { type: 'refused', id: 2, problem: { code: 'PERMISSION_DENIED', message: 'no' } });
    expect(ids(denied)).toEqual(['a']);
    expect(deriveSaveStatus(denied)).toBe('unsaved');
    // A refusal that names no message (a doc:error) settles nothing.
    expect(ids(reduceSync(sent, { type: 'refused', id: null, problem: { code: 'SHAPE_VIOLATION', message: 'no' } }))).toEqual(['a', 'b']);
  });

  it('knows which refusals are final', () => {
    for (const code of ['PERMISSION_DENIED', 'SHAPE_VIOLATION', 'READ_ONLY', 'UPDATE_TOO_LARGE', 'INVALID_MESSAGE', 'FORBIDDEN', 'NOT_FOUND'] as const) expect(isRefusedForGood(code)).toBe(true);
    for (const code of ['TIMEOUT', 'INTERNAL', 'LOAD_FAILED', 'NOT_JOINED', 'RATE_LIMITED', 'UNAUTHORIZED', 'CONFLICT'] as const) expect(isRefusedForGood(code)).toBe(false);
  });

  it('counts the entries written to the device, and those an earlier page left at once', () => {
    const typing = run(...online, { type: 'disconnected' }, { type: 'local-change', entry: 'a' }, { type: 'local-change', entry: 'b' });
    expect(keptCount(typing)).toBe(0);
    expect(hasUnkeptEdits(typing)).toBe(true);
    const written = reduceSync(reduceSync(typing, { type: 'kept', entry: 'a' }), { type: 'kept', entry: 'b' });
    expect(keptCount(written)).toBe(2);
    expect(hasUnkeptEdits(written)).toBe(false);
    expect(deriveSaveStatus(written)).toBe('offline');

    const reopened = run({ type: 'restored', entries: ['x', 'y', 'z'] }, { type: 'disconnected' });
    expect(keptCount(reopened)).toBe(3);
    expect(reopened.unsent).toBe(true);
    expect(hasUnconfirmedEdits(reopened)).toBe(true);
    // Restoring what is already known adds nothing.
    expect(reduceSync(reopened, { type: 'restored', entries: ['x'] })).toBe(reopened);
  });

  it('leaves an entry settled when its write finishes after the ack', () => {
    const acked = run(...online, { type: 'local-change', entry: 'a' }, { type: 'sent', id: 1, carries: ['a'] }, { type: 'acked', id: 1 });
    expect(reduceSync(acked, { type: 'kept', entry: 'a' })).toBe(acked);
    expect(keptCount(acked)).toBe(0);
    expect(deriveSaveStatus(acked)).toBe('saved');
  });

  it('has nothing unkept once an edit is refused for good, but still warns about the refusal', () => {
    const refused = run(...online, ...edit('a'), { type: 'sent', id: 1, carries: ['a'] }, { type: 'refused', id: 1, problem: { code: 'SHAPE_VIOLATION', message: 'no' } });
    expect(refused.outbox).toEqual([]);
    expect(hasUnkeptEdits(refused)).toBe(true);
  });
});

describe('combineSaveStatus', () => {
  it('says saved only when every document is saved', () => {
    expect(combineSaveStatus([])).toBe('saved');
    expect(combineSaveStatus(['saved', 'saved'])).toBe('saved');
    expect(combineSaveStatus(['saved', 'saving'])).toBe('saving');
  });

  it('shows the status that most needs attention', () => {
    expect(combineSaveStatus(['saving', 'offline', 'connecting'])).toBe('offline');
    expect(combineSaveStatus(['offline', 'unsaved'])).toBe('unsaved');
    expect(combineSaveStatus(['saved', 'error', 'unsaved'])).toBe('error');
  });
});
