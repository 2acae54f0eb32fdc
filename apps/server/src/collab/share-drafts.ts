import { listMembers } from '@alliance/db';
import { encodeSyncUpdate, getCards, snapshotCard, createCard, type FeedbackColumn } from '@alliance/shared';
import * as Y from 'yjs';
import type { AppDeps } from '../http/context.js';
import { resolveDocAccess } from './access.js';
import type { RoomConnection, RoomSession } from './room-registry.js';

/** A connection for a change the server makes on a member's behalf: it listens to nothing. */
function silentConnection(userId: string, role: 'client'): RoomConnection {
  return { id: `server:${userId}`, userId, role, send: () => {}, sendStatus: () => {} };
}

/** Applies `change` to a copy of the document and sends the difference through the room. */
async function changeThrough(session: RoomSession, current: Uint8Array, change: (doc: Y.Doc) => void): Promise<void> {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, current);
  const before = Y.encodeStateVector(copy);
  change(copy);
  const diff = Y.encodeStateAsUpdate(copy, before);
  copy.destroy();
  const { durable } = session.receiveSync(encodeSyncUpdate(diff));
  await durable;
}

/**
 * Moves the drafts the client set to "at the start of our next session" onto the feedback
 * board. Done as the client (it is their scheduled action) through the same rooms, checks and
 * update log as a live edit: first the cards are added to the board and stored, then removed
 * from the drafts, so a crash in between leaves a copy, never a loss.
 */
export async function shareScheduledDrafts(deps: Pick<AppDeps, 'db' | 'rooms'>, workspaceId: string): Promise<number> {
  const client = (await listMembers(deps.db, workspaceId)).find((member) => member.role === 'client');
  if (!client) return 0;
  const connection = silentConnection(client.userId, 'client');
  const draftsAccess = await resolveDocAccess(deps.db, { userId: client.userId, workspaceId, doc: 'drafts' });
  const feedbackAccess = await resolveDocAccess(deps.db, { userId: client.userId, workspaceId, doc: 'feedback' });

  const drafts = await deps.rooms.join(draftsAccess, connection);
  try {
    const [draftsState, scheduled] = await deps.rooms.withDocument({ workspaceId, doc: 'drafts' }, (doc) => [
      Y.encodeStateAsUpdate(doc),
      getCards(doc)
        .toArray()
        .filter((card) => card instanceof Y.Map && card.get('share') === 'next-session')
        .map((card) => snapshotCard(card)),
    ] as const);
    if (scheduled.length === 0) return 0;

    const feedback = await deps.rooms.join(feedbackAccess, connection);
    try {
      const feedbackState = await deps.rooms.withDocument({ workspaceId, doc: 'feedback' }, (doc) => Y.encodeStateAsUpdate(doc));
      await changeThrough(feedback, feedbackState, (doc) => {
        const cards = getCards(doc);
        const existing = new Set(cards.toArray().map((card) => card.get('id')));
        const now = new Date();
        for (const draft of scheduled) {
          if (existing.has(draft.id)) continue; // shared already (an earlier attempt stopped half-way)
          const card = createCard(draft.column as FeedbackColumn, draft.text, now);
          card.set('id', draft.id);
          cards.push([card]);
        }
      });
    } finally {
      feedback.leave();
    }

    const ids = new Set(scheduled.map((draft) => draft.id));
    await changeThrough(drafts, draftsState, (doc) => {
      const cards = getCards(doc);
      for (let index = cards.length - 1; index >= 0; index--) {
        if (ids.has(cards.get(index).get('id') as string)) cards.delete(index, 1);
      }
    });
    return scheduled.length;
  } finally {
    drafts.leave();
  }
}
