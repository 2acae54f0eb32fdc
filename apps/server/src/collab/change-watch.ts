import type * as Y from 'yjs';
import type { ChangeOrigin } from './origin.js';

/**
 * Watches the changes a room accepts, to act on them once they are stored (e.g. a card flagged
 * "let's talk" opens a repair item). `read` runs inside each accepted transaction on the live
 * document — synchronously, so it must be cheap and should return null for most changes — and
 * `stored` gets what it found once the change is durably in the update log, never before and
 * never for a change that was refused or not stored. Neither may affect the change itself:
 * errors are caught and logged by the room.
 */
export interface ChangeWatcher<Found = unknown> {
  read(transaction: Y.Transaction): Found | null;
  stored(target: { workspaceId: string; documentId: string }, found: Found, origin: Omit<ChangeOrigin, 'connection'>): void;
}
