import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readFlagChanges, type FlagChanges } from './card-flags.js';
import { addCard, getCards } from './feedback.js';

/** A board with two cards, and what each later transaction on it changed about flags. */
function board() {
  const doc = new Y.Doc();
  const first = addCard(doc, 'power', 'I feel rushed');
  const second = addCard(doc, 'working', 'The homework helps');
  const seen: (FlagChanges | null)[] = [];
  doc.on('afterTransaction', (transaction: Y.Transaction) => seen.push(readFlagChanges(transaction)));
  return { doc, first, second, seen };
}

describe('readFlagChanges', () => {
  it('names a card whose flag becomes talk, and one marked repaired', () => {
    const { first, second, seen } = board();
    first.set('flag', 'talk');
    second.set('flag', 'repaired');
    expect(seen).toEqual([
      { talk: [first.get('id')], repaired: [] },
      { talk: [], repaired: [second.get('id')] },
    ]);
  });

  it('ignores typing, replies, other keys and a flag written again with the value it had', () => {
    const { doc, first, seen } = board();
    (first.get('text') as Y.Text).insert(0, 'Sometimes ');
    first.set('column', 'process');
    first.set('flag', 'none');
    doc.transact(() => first.set('flag', 'talk'));
    first.set('flag', 'talk');
    expect(seen).toEqual([null, null, null, { talk: [first.get('id')], repaired: [] }, null]);
  });

  it('counts a card that arrives already flagged, and the same change arriving from another copy', () => {
    const { doc, seen } = board();
    const remote = new Y.Doc();
    Y.applyUpdate(remote, Y.encodeStateAsUpdate(doc));
    const card = addCard(remote, 'change', 'Fewer worksheets');
    card.set('flag', 'talk');
    getCards(remote).get(0).set('flag', 'talk');
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(remote, Y.encodeStateVector(doc)));
    expect(seen).toEqual([{ talk: expect.arrayContaining([card.get('id'), getCards(doc).get(0).get('id')]), repaired: [] }]);
  });

  it('ignores a card removed in the same change', () => {
    const { doc, first, seen } = board();
    doc.transact(() => {
      first.set('flag', 'talk');
      getCards(doc).delete(0, 1);
    });
    expect(seen).toEqual([null]);
  });
});
