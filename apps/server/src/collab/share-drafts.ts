import { getCards, placeDraftOnBoard, removeCard, snapshotCard } from '@alliance/shared';
import * as Y from 'yjs';
import type { AppDeps } from '../http/context.js';
import { fromServer } from './origin.js';

/**
 * Moves the drafts the client set to "at the start of our next session" onto the feedback
 * board. The server does it (it is the client's scheduled wish, carried out when the session
 * starts), through its one entry point for changes — the same checks, as the client, and the
 * same update log, recorded as the server's with the reason `drafts.shared`. First the cards are
 * added to the board and stored, then removed from the drafts, so a crash in between leaves a
 * copy, never a loss.
 */
export async function shareScheduledDrafts(deps: Pick<AppDeps, 'rooms'>, workspaceId: string): Promise<number> {
  const scheduled = await deps.rooms.withDocument({ workspaceId, doc: 'drafts' }, (doc) =>
    getCards(doc)
      .toArray()
      .filter((card) => card instanceof Y.Map && card.get('share') === 'next-session')
      .map((card) => snapshotCard(card)),
  );
  if (scheduled.length === 0) return 0;
  const origin = fromServer('drafts.shared', 'client');
  await deps.rooms.change({ workspaceId, doc: 'feedback' }, origin, (doc) => {
    const now = new Date();
    doc.transact(() => {
      for (const draft of scheduled) placeDraftOnBoard(doc, draft, now);
    });
  });
  await deps.rooms.change({ workspaceId, doc: 'drafts' }, origin, (doc) => {
    doc.transact(() => {
      for (const draft of scheduled) removeCard(doc, draft.id);
    });
  });
  return scheduled.length;
}
