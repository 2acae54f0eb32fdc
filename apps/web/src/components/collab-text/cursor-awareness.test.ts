import { addGoal, getGoals, validateRoadmap } from '@alliance/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import {
  clearLocalCursorIn,
  CURSOR_FIELD,
  describePresence,
  LocalCursor,
  localCursorIsIn,
  publishLocalCursor,
  readRelativePosition,
  RemoteCursorTracker,
  remoteCursorsIn,
  resolveCursorIn,
} from './cursor-awareness.js';
import { ROLE_COLORS } from './user-colors.js';

const REMOTE = 'test-remote';

interface Peer {
  doc: Y.Doc;
  awareness: Awareness;
  title: Y.Text;
  why: Y.Text;
}

const opened: Awareness[] = [];
afterEach(() => {
  for (const awareness of opened.splice(0)) awareness.destroy();
});

/** Two people on one roadmap: documents and awareness relayed to each other synchronously. */
function twoPeople(): { therapist: Peer; client: Peer } {
  const therapistDoc = new Y.Doc();
  addGoal(therapistDoc, { title: 'Sleep better', why: 'I feel calmer', proposedBy: 'client' });
  const clientDoc = new Y.Doc();
  Y.applyUpdate(clientDoc, Y.encodeStateAsUpdate(therapistDoc));
  const peers = [therapistDoc, clientDoc].map((doc, i): Peer => {
    const awareness = new Awareness(doc);
    opened.push(awareness);
    awareness.setLocalStateField('user', i === 0 ? { name: 'Dana', role: 'therapist', ...ROLE_COLORS.therapist } : { name: 'Sam', role: 'client', ...ROLE_COLORS.client });
    const goal = getGoals(doc).get(0);
    return { doc, awareness, title: goal.get('title') as Y.Text, why: goal.get('why') as Y.Text };
  });
  const [a, b] = peers as [Peer, Peer];
  for (const [from, to] of [
    [a, b],
    [b, a],
  ] as const) {
    from.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== REMOTE) Y.applyUpdate(to.doc, update, REMOTE);
    });
    from.awareness.on('update', ({ added, updated, removed }: Record<'added' | 'updated' | 'removed', number[]>, origin: unknown) => {
      if (origin !== REMOTE) applyAwarenessUpdate(to.awareness, encodeAwarenessUpdate(from.awareness, [...added, ...updated, ...removed]), REMOTE);
    });
  }
  // Announce both states now that the relay is in place.
  a.awareness.setLocalStateField('ready', true);
  b.awareness.setLocalStateField('ready', true);
  return { therapist: a, client: b };
}

describe('carets of several fields on one awareness', () => {
  it('shows a caret only in the field whose text it is in', () => {
    const { therapist, client } = twoPeople();
    publishLocalCursor(therapist.awareness, therapist.title, 5, 5);

    expect(remoteCursorsIn(client.title, client.awareness)).toEqual([
      expect.objectContaining({ clientId: therapist.doc.clientID, anchor: 5, head: 5, name: 'Dana', color: ROLE_COLORS.therapist.color }),
    ]);
    expect(remoteCursorsIn(client.why, client.awareness)).toEqual([]);
    // Nobody sees their own caret as someone else's.
    expect(remoteCursorsIn(therapist.title, therapist.awareness)).toEqual([]);
  });

  it('keeps a remote caret on the same character while text is typed before it', () => {
    const { therapist, client } = twoPeople();
    publishLocalCursor(therapist.awareness, therapist.title, 6, 12); // selects "better"
    client.title.insert(0, 'Really ');
    expect(remoteCursorsIn(client.title, client.awareness)[0]).toMatchObject({ anchor: 13, head: 19 });
    expect(client.title.toString().slice(13, 19)).toBe('better');
  });

  it('lets an unfocused field take remote edits without touching the caret of the focused one', () => {
    const { therapist, client } = twoPeople();
    const titleEditor = new LocalCursor(client.awareness, client.title);
    const whyEditor = new LocalCursor(client.awareness, client.why);
    titleEditor.update(true, true, { anchor: 3, head: 3 }); // the client is typing in the title

    // The therapist edits "why": the client's unfocused "why" editor gets a changed document.
    therapist.why.insert(0, 'Because ');
    expect(client.why.toString()).toBe('Because I feel calmer');
    whyEditor.update(false, false, { anchor: 8, head: 8 });

    expect(localCursorIsIn(client.awareness, client.title)).toBe(true);
    expect(remoteCursorsIn(therapist.title, therapist.awareness)).toEqual([expect.objectContaining({ anchor: 3, head: 3 })]);
  });

  it('moves the caret from one field to the next without the field left behind erasing it', () => {
    const { therapist, client } = twoPeople();
    const titleEditor = new LocalCursor(client.awareness, client.title);
    const whyEditor = new LocalCursor(client.awareness, client.why);
    titleEditor.select(2, 2);

    // Focus moves to "why" and the title learns about its blur only afterwards.
    whyEditor.update(true, true, { anchor: 0, head: 0 });
    titleEditor.update(false, true, null);
    expect(remoteCursorsIn(therapist.why, therapist.awareness)).toHaveLength(1);
    expect(remoteCursorsIn(therapist.title, therapist.awareness)).toHaveLength(0);

    // And in the usual order: blur first, then focus.
    whyEditor.update(false, true, null);
    titleEditor.update(true, true, { anchor: 1, head: 1 });
    expect(remoteCursorsIn(therapist.title, therapist.awareness)).toHaveLength(1);
    expect(remoteCursorsIn(therapist.why, therapist.awareness)).toHaveLength(0);
  });

  it('takes the caret away when the person leaves the field', () => {
    const { therapist, client } = twoPeople();
    const titleEditor = new LocalCursor(client.awareness, client.title);
    titleEditor.select(4, 4);
    expect(remoteCursorsIn(therapist.title, therapist.awareness)).toHaveLength(1);
    titleEditor.release();
    expect(remoteCursorsIn(therapist.title, therapist.awareness)).toHaveLength(0);
    expect(client.awareness.getLocalState()?.[CURSOR_FIELD]).toBeNull();
  });

  it('leaves the caret alone when a field that never had it goes away', () => {
    const { therapist, client } = twoPeople();
    const titleEditor = new LocalCursor(client.awareness, client.title);
    const whyEditor = new LocalCursor(client.awareness, client.why);
    titleEditor.update(true, true, { anchor: 2, head: 2 });
    whyEditor.release(); // e.g. the "why" field unmounts
    expect(remoteCursorsIn(therapist.title, therapist.awareness)).toHaveLength(1);
  });

  it('does not send an awareness update when the caret did not move', () => {
    const { client } = twoPeople();
    expect(publishLocalCursor(client.awareness, client.title, 1, 1)).toBe(true);
    expect(publishLocalCursor(client.awareness, client.title, 1, 1)).toBe(false);
    expect(publishLocalCursor(client.awareness, client.title, 1, 2)).toBe(true);
  });

  it('only clears a caret that is in the given text', () => {
    const { client } = twoPeople();
    publishLocalCursor(client.awareness, client.title, 0, 0);
    expect(clearLocalCursorIn(client.awareness, client.why)).toBe(false);
    expect(localCursorIsIn(client.awareness, client.title)).toBe(true);
    expect(clearLocalCursorIn(client.awareness, client.title)).toBe(true);
  });

  it('tells an editor whether an awareness change concerns its text', () => {
    const { therapist, client } = twoPeople();
    const titleTracker = new RemoteCursorTracker(client.awareness, client.title);
    const whyTracker = new RemoteCursorTracker(client.awareness, client.why);
    titleTracker.cursors();
    whyTracker.cursors();
    const dana = therapist.doc.clientID;

    publishLocalCursor(therapist.awareness, therapist.title, 1, 1);
    expect(titleTracker.concerns([dana])).toBe(true);
    expect(whyTracker.concerns([dana])).toBe(false);
    titleTracker.cursors();

    // Dana moves to "why": the title must redraw (to remove her caret) and "why" too.
    publishLocalCursor(therapist.awareness, therapist.why, 0, 0);
    expect(titleTracker.concerns([dana])).toBe(true);
    expect(whyTracker.concerns([dana])).toBe(true);
    // Our own changes never concern the remote view.
    expect(titleTracker.concerns([client.doc.clientID])).toBe(false);
  });
});

describe('untrusted awareness states', () => {
  it('ignores malformed cursors instead of throwing', () => {
    const { client } = twoPeople();
    for (const cursor of [
      'x',
      42,
      { anchor: 'x', head: 'y' },
      { anchor: { item: { client: 'a', clock: 1 } }, head: { item: { client: 'a', clock: 1 } } },
      { anchor: { item: { client: -1, clock: 0 } }, head: null },
      { anchor: {}, head: {} },
      { anchor: { item: { client: 123456, clock: 99 } }, head: { item: { client: 123456, clock: 99 } } },
    ]) {
      expect(resolveCursorIn(client.title, cursor)).toBeNull();
    }
    expect(readRelativePosition({ tname: 5 })).toBeNull();
  });

  it('does not create a root type when a cursor names one the document lacks', () => {
    const { client } = twoPeople();
    const cursor = { anchor: { tname: 'evil', type: null, item: null, assoc: 0 }, head: { tname: 'evil', type: null, item: null, assoc: 0 } };
    expect(resolveCursorIn(client.title, cursor)).toBeNull();
    expect(client.doc.share.has('evil')).toBe(false);
    expect(validateRoadmap(client.doc)).toBeNull();
  });

  it('draws with plain hex colours only and a short, non-empty name', () => {
    expect(describePresence({ user: { name: 'Sam', color: 'red; background: url(x)', role: 'client' } }, 1)).toEqual({ name: 'Sam', ...ROLE_COLORS.client });
    expect(describePresence({ user: { name: 'Sam', color: '#123456' } }, 1)).toEqual({ name: 'Sam', color: '#123456', colorLight: '#1234564d' });
    expect(describePresence(null, 1).name).toBe('Someone');
    expect([...describePresence({ user: { name: 'x'.repeat(200) } }, 1).name]).toHaveLength(32);
  });
});
