import * as Y from 'yjs';
import { readKey } from './change-set.js';
import { deletedMaps, firstRefusal, idTakenInList, insertedMaps, isPastTime, parentMap, writtenValue, type ChangeContext, type ChangeRule } from './change-rules.js';

/**
 * Who may write what on the feedback board, judged by identity — the very card, reply or text
 * the change touches, and who wrote it — never by comparing what the board looks like:
 *
 * - Only the client writes cards: adds them (as their own, with a fresh id), edits their words,
 *   moves them between columns and removes them (a removed card takes its replies with it).
 * - Each member writes their own replies: adds them (as themselves, with an id no other reply of
 *   the card has), edits them (marking when, a time not in the future) and removes them; nobody
 *   touches the other person's.
 * - The therapist may flag a card "let's talk" and nothing else of a card; the client sets any
 *   flag (only they mark a card repaired).
 * - A card's and a reply's id, author, time, text and list of replies are set once (the shape
 *   says so): they cannot be swapped for look-alikes.
 */
export const feedbackRules: readonly ChangeRule[] = [
  (context) =>
    firstRefusal(context, ({ type, node, change }) => {
      const { role } = context;
      switch (node.path) {
        case 'cards': {
          if (change.deleted.length > 0 && role !== 'client') return 'only the client removes cards';
          for (const card of insertedMaps(change)) {
            if (role !== 'client' || card.get('authorRole') !== 'client') return 'cards are written by the client';
            if (idTakenInList(type, card.get('id'), card)) return 'another card has this id';
            const reason = checkNewReplies(card, context);
            if (reason) return reason;
          }
          return null;
        }
        case 'cards[]': {
          if (change.written.has('column') && role !== 'client') return 'only the client moves a card';
          if (change.written.has('flag')) {
            const flag = writtenValue(change, 'flag');
            if (role === 'therapist' && flag !== 'talk') return 'the therapist may only flag a card to talk about';
          }
          return null;
        }
        case 'cards[].text':
          return authorOf(parentMap(type)) === role ? null : "only the client writes their card's words";
        case 'cards[].replies': {
          for (const reply of deletedMaps(change)) {
            if (readKey(reply, 'authorRole') !== role) return "nobody removes the other person's reply";
          }
          for (const reply of insertedMaps(change)) {
            if (reply.get('authorRole') !== role) return 'replies are written as yourself';
            if (idTakenInList(type, reply.get('id'), reply)) return 'another reply has this id';
          }
          return null;
        }
        case 'cards[].replies[]': {
          if (change.written.size > 0 && authorOf(type as Y.Map<unknown>) !== role) return "nobody changes the other person's reply";
          if (change.written.has('editedAt') && !isPastTime(writtenValue(change, 'editedAt'), context.now)) return "a reply's edit time cannot be in the future";
          return null;
        }
        case 'cards[].replies[].text':
          return authorOf(parentMap(type)) === role ? null : "nobody changes the other person's reply";
        default:
          return null;
      }
    }),
];

function authorOf(map: Y.Map<unknown> | null): unknown {
  return map ? readKey(map, 'authorRole') : undefined;
}

/** The replies of a new card: the client's own, with ids unique within the card. */
function checkNewReplies(card: Y.Map<unknown>, context: ChangeContext): string | null {
  const replies = card.get('replies');
  if (!(replies instanceof Y.Array)) return null;
  const ids = new Set<unknown>();
  for (const reply of replies) {
    if (!(reply instanceof Y.Map)) continue;
    if (reply.get('authorRole') !== context.role) return 'replies are written as yourself';
    const id = reply.get('id');
    if (ids.has(id)) return 'another reply has this id';
    ids.add(id);
  }
  return null;
}

