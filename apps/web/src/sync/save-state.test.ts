import { describe, expect, it } from 'vitest';
import { combineSaveStatus, deriveSaveStatus, hasUnconfirmedEdits, initialSyncState, reduceSync, type DocSyncState, type SyncEvent } from './save-state.js';

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
