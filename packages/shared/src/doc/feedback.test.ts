import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, addDraft, createCard, createReply, editReply, findCard, getCards, removeCard, sendReply, setDraftShare, shareDraft, snapshotCards, textChange, validateDrafts, validateFeedback } from './feedback.js';
import { DOC_KINDS } from './kinds.js';
import type { Role } from './names.js';
import { StagingDoc } from './staging.js';

function board() {
  const doc = new Y.Doc();
  const card = createCard('power', 'I felt rushed today');
  doc.transact(() => getCards(doc).push([card]));
  return { doc, card };
}

/** The verdict the server gives `role` for everything `doc` did since `before` (its state then). */
function verdictFor(doc: Y.Doc, before: Uint8Array, role: Role) {
  const staging = new StagingDoc(DOC_KINDS.feedback, before);
  try {
    return staging.try(Y.encodeStateAsUpdate(doc, Y.encodeStateVectorFromUpdate(before)), role, Date.now()).verdict;
  } finally {
    staging.destroy();
  }
}

describe('the board', () => {
  it('validates the card shape', () => {
    const { doc, card } = board();
    expect(validateFeedback(doc)).toBeNull();
    card.set('column', 'elsewhere');
    expect(validateFeedback(doc)).toMatch(/column/);
  });
});

describe('private drafts', () => {
  it('keeps a new draft in the drafts document only, marked private', () => {
    const drafts = new Y.Doc();
    const feedback = new Y.Doc();
    const draft = addDraft(drafts, 'power', 'I did not feel heard');
    expect(snapshotCards(drafts)).toEqual([expect.objectContaining({ id: draft.get('id'), column: 'power', text: 'I did not feel heard', share: 'draft', flag: 'none' })]);
    expect(snapshotCards(feedback)).toEqual([]);
    expect(validateDrafts(drafts)).toBeNull();
  });

  it('shares a draft now by adding it to the board first, then removing it from the drafts', () => {
    const drafts = new Y.Doc();
    const feedback = new Y.Doc();
    const id = addDraft(drafts, 'change', 'Shorter homework').get('id') as string;
    const order: string[] = [];
    feedback.on('update', () => order.push('feedback'));
    drafts.on('update', () => order.push('drafts'));

    const before = Y.encodeStateAsUpdate(feedback);
    const card = shareDraft(drafts, feedback, id, new Date('2026-11-23T10:00:00Z'));

    expect(order).toEqual(['feedback', 'drafts']);
    expect(card?.get('id')).toBe(id);
    expect(snapshotCards(drafts)).toEqual([]);
    const shared = snapshotCards(feedback);
    expect(shared).toEqual([{ id, column: 'change', text: 'Shorter homework', authorRole: 'client', createdAt: '2026-11-23T10:00:00.000Z', flag: 'none', replies: [] }]);
    // What the client's app sends is what the server accepts from the client.
    expect(verdictFor(feedback, before, 'client')).toBeNull();
    expect(validateFeedback(feedback)).toBeNull();
  });

  it('does not share a draft twice when an earlier share stopped half-way', () => {
    const drafts = new Y.Doc();
    const feedback = new Y.Doc();
    const id = addDraft(drafts, 'working', 'The walks help').get('id') as string;
    // The board already has it (added before a crash), the drafts still do too.
    const copy = createCard('working', 'The walks help');
    copy.set('id', id);
    getCards(feedback).push([copy]);

    shareDraft(drafts, feedback, id);
    expect(snapshotCards(feedback).map((card) => card.id)).toEqual([id]);
    expect(snapshotCards(drafts)).toEqual([]);
    expect(shareDraft(drafts, feedback, id)).toBeNull();
  });

  it('schedules a draft for the next session and finds and removes cards by id', () => {
    const drafts = new Y.Doc();
    const first = addDraft(drafts, 'process', 'one').get('id') as string;
    const second = addDraft(drafts, 'process', 'two').get('id') as string;
    expect(setDraftShare(drafts, second, 'next-session')).toBe(true);
    expect(setDraftShare(drafts, 'missing', 'next-session')).toBe(false);
    expect(snapshotCards(drafts).map((card) => card.share)).toEqual(['draft', 'next-session']);
    expect(findCard(getCards(drafts), second)?.index).toBe(1);

    expect(removeCard(drafts, first)).toBe(true);
    expect(removeCard(drafts, first)).toBe(false);
    expect(snapshotCards(drafts).map((card) => card.id)).toEqual([second]);
  });

  it('adds a board card written by the client that the server accepts', () => {
    const feedback = new Y.Doc();
    const before = Y.encodeStateAsUpdate(feedback);
    addCard(feedback, 'working', 'Being asked what I want');
    expect(verdictFor(feedback, before, 'client')).toBeNull();
    expect(verdictFor(feedback, before, 'therapist')).toMatchObject({ code: 'PERMISSION_DENIED' });
  });
});

describe('replies written in private and sent whole', () => {
  const repliesOf = (card: Y.Map<unknown>) => card.get('replies') as Y.Array<Y.Map<unknown>>;

  it('sends a reply with its whole text in one update the server accepts from its author', () => {
    const { doc, card } = board();
    const before = Y.encodeStateAsUpdate(doc);
    let updates = 0;
    doc.on('update', () => updates++);
    sendReply(doc, card, 'therapist', 'Thank you for telling me.');
    expect(updates).toBe(1);
    expect(snapshotCards(doc)[0]!.replies).toEqual([expect.objectContaining({ text: 'Thank you for telling me.', authorRole: 'therapist' })]);
    expect(snapshotCards(doc)[0]!.replies[0]).not.toHaveProperty('editedAt');
    expect(verdictFor(doc, before, 'therapist')).toBeNull();
    expect(verdictFor(doc, before, 'client')).toMatchObject({ code: 'PERMISSION_DENIED' });
  });

  it('edits a sent reply in one update: only what differs is replaced, and it is marked edited', () => {
    const { doc, card } = board();
    const reply = sendReply(doc, card, 'therapist', 'Let us slow down next time.')!;
    const text = reply.get('text') as Y.Text;
    const before = Y.encodeStateAsUpdate(doc);
    const deltas: unknown[] = [];
    text.observe((event) => deltas.push(event.delta));
    let updates = 0;
    doc.on('update', () => updates++);
    expect(editReply(doc, reply, 'Let us go slower next time.', new Date('2026-12-01T10:00:00Z'))).toBe(true);
    expect(updates).toBe(1);
    expect(deltas).toEqual([[{ retain: 7 }, { delete: 9 }, { insert: 'go slower' }]]);
    expect(snapshotCards(doc)[0]!.replies[0]).toMatchObject({ text: 'Let us go slower next time.', editedAt: '2026-12-01T10:00:00.000Z' });
    expect(verdictFor(doc, before, 'therapist')).toBeNull();
    expect(verdictFor(doc, before, 'client')).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(editReply(doc, reply, 'Let us go slower next time.')).toBe(false);
    expect(validateFeedback(doc)).toBeNull();
  });

  it("refuses marking the other person's reply edited, and an edit time in the future", () => {
    const { doc, card } = board();
    const reply = createReply('client', 'and tired');
    doc.transact(() => repliesOf(card).push([reply]));
    const before = Y.encodeStateAsUpdate(doc);
    reply.set('editedAt', new Date().toISOString());
    expect(verdictFor(doc, before, 'therapist')).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(verdictFor(doc, before, 'client')).toBeNull();
    reply.set('editedAt', new Date(Date.now() + 24 * 3_600_000).toISOString());
    expect(verdictFor(doc, before, 'client')).toMatchObject({ code: 'PERMISSION_DENIED' });
  });

  it('finds the one run that changed, never inside a surrogate pair', () => {
    expect(textChange('abc', 'abc')).toEqual({ start: 3, removed: 0, inserted: '' });
    expect(textChange('hello world', 'hello there world')).toEqual({ start: 6, removed: 0, inserted: 'there ' });
    expect(textChange('aaa', 'aa')).toEqual({ start: 2, removed: 1, inserted: '' });
    expect(textChange('x\u{1F600}y', 'x\u{1F601}y')).toEqual({ start: 1, removed: 2, inserted: '\u{1F601}' });
    for (const [a, b] of [['', 'new'], ['old', ''], ['same start, new end', 'same start, other end'], ['🙂🙂', '🙂🙃🙂']]) {
      const { start, removed, inserted } = textChange(a!, b!);
      expect(a!.slice(0, start) + inserted + a!.slice(start + removed)).toBe(b);
    }
  });
});
