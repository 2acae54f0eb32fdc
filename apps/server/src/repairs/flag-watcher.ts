import { closeCardRepair, openCardRepair, type Database } from '@alliance/db';
import { describeRepairSource, FEEDBACK_COLUMNS, findCard, getCards, readFlagChanges, type FeedbackColumn } from '@alliance/shared';
import type { Kysely } from 'kysely';
import type { ChangeWatcher } from '../collab/change-watch.js';
import type { WorkspaceEvents } from '../events/workspace-events.js';
import { describeError, type Logger } from '../logger.js';

/** Cards an accepted change flagged: "let's talk" ones with their column, and ones marked repaired. */
export interface FlaggedCards {
  talk: { cardId: string; column: FeedbackColumn }[];
  repaired: string[];
}

/**
 * Watches the feedback board: a card whose flag becomes `talk` opens a repair item (one open item
 * per card, however often it is flagged), and the client marking a card repaired closes its open
 * item. Runs once the change is stored; the database keeps it to one open item per card even
 * when two changes race.
 */
export function createRepairFlagWatcher(deps: { db: Kysely<Database>; events: WorkspaceEvents; logger: Logger }): ChangeWatcher<FlaggedCards> {
  return {
    read(transaction) {
      const changes = readFlagChanges(transaction);
      if (!changes) return null;
      const cards = getCards(transaction.doc);
      const talk = changes.talk.map((cardId) => {
        const column = findCard(cards, cardId)?.card.get('column');
        return { cardId, column: (FEEDBACK_COLUMNS as readonly unknown[]).includes(column) ? (column as FeedbackColumn) : 'process' };
      });
      return { talk, repaired: changes.repaired };
    },
    stored({ workspaceId, documentId }, found, origin) {
      // Only the client marks a card repaired, as themselves (a restore by the therapist does not close an item).
      const closer = origin.author.kind === 'member' && origin.role === 'client' ? origin.author.userId : null;
      void (async () => {
        let changed = false;
        for (const { cardId, column } of found.talk) {
          const whatHappened = describeRepairSource({ kind: 'card', cardId, column });
          if (await openCardRepair(deps.db, { workspaceId, cardId, column, whatHappened })) changed = true;
        }
        if (closer) {
          for (const cardId of found.repaired) if (await closeCardRepair(deps.db, { workspaceId, cardId, userId: closer })) changed = true;
        }
        if (changed) deps.events.workspaceChanged(workspaceId, 'repairs');
      })().catch((error: unknown) => deps.logger.error('repairs.flag_failed', { documentId, ...describeError(error) }));
    },
  };
}
