import { listMembers } from '@alliance/db';
import { encodeSyncUpdate, getCards, placeDraftOnBoard, removeCard, snapshotCard } from '@alliance/shared';
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
        const now = new Date();
        doc.transact(() => {
          for (const draft of scheduled) placeDraftOnBoard(doc, draft, now);
        });
      });
    } finally {
      feedback.leave();
    }

    const ids = new Set(scheduled.map((draft) => draft.id));
    await changeThrough(drafts, draftsState, (doc) => {
      doc.transact(() => {
        for (const id of ids) removeCard(doc, id);
      });
    });
    return scheduled.length;
  } finally {
    drafts.leave();
  }
}
