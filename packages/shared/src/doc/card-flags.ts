import * as Y from 'yjs';
import { readChangeSet, valueBefore } from './change-set.js';
import { insertedMaps } from './change-rules.js';
import { getCards } from './feedback.js';

/** Cards whose flag one transaction on the feedback board changed, by what it changed to. */
export interface FlagChanges {
  /** Cards that became "let's talk about this" (or arrived flagged so). */
  talk: string[];
  /** Cards marked talked through. */
  repaired: string[];
}

/**
 * Which cards a transaction on the feedback board flagged `talk` or `repaired` — those whose
 * flag it set to a new value, and new cards that arrive flagged. Must run inside the
 * transaction's `afterTransaction` event (see `readChangeSet`). Null when it changed no flag.
 */
export function readFlagChanges(transaction: Y.Transaction): FlagChanges | null {
  const cards = getCards(transaction.doc);
  // Cheap first: most transactions on the board (typing) touch no card's own keys or the list.
  let touchesCards = false;
  for (const type of transaction.changed.keys()) {
    if (type === cards || (type instanceof Y.Map && type.parent === cards)) touchesCards = true;
  }
  if (!touchesCards) return null;

  const found: FlagChanges = { talk: [], repaired: [] };
  const note = (card: Y.Map<unknown>, flag: unknown) => {
    const id = card.get('id');
    if (typeof id !== 'string') return;
    if (flag === 'talk') found.talk.push(id);
    if (flag === 'repaired') found.repaired.push(id);
  };
  for (const [type, change] of readChangeSet(transaction).types) {
    if (type === cards) {
      for (const card of insertedMaps(change)) note(card, card.get('flag'));
    } else if (type instanceof Y.Map && type.parent === cards && change.written.has('flag') && !type._item?.deleted) {
      const flag = type.get('flag');
      if (flag !== valueBefore(type, 'flag', transaction)) note(type as Y.Map<unknown>, flag);
    }
  }
  return found.talk.length > 0 || found.repaired.length > 0 ? found : null;
}
