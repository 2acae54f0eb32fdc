import { z } from 'zod';
import { CHECKIN_ITEM_PHRASES } from './trends.js';
import { FEEDBACK_COLUMN_LABELS, type FeedbackColumn } from '../doc/feedback.js';
import { formatPoints, type CheckinDrop } from '../checkins/drop.js';

/**
 * Repair items: when a check-in drops against the client's own baseline, or a card is flagged
 * "let's talk about this", the server opens a shared item both write in — what happened, how each
 * saw it, what we will change. The therapist acknowledges it; only the client closes it as repaired.
 */

/** The longest text of one field of a repair item. */
export const MAX_REPAIR_TEXT = 4_000;

/** Where a repair item came from. */
export type RepairSourceDto =
  | {
      kind: 'checkin';
      checkinId: string;
      sessionNumber: number;
      /** Which items fell below the client's usual and by how much; the total when it fell. */
      drop: CheckinDrop;
    }
  | { kind: 'card'; cardId: string; column: FeedbackColumn };

export interface RepairItemDto {
  id: string;
  source: RepairSourceDto;
  openedAt: string;
  /** When the therapist acknowledged it (null: not yet). */
  acknowledgedAt: string | null;
  whatHappened: string;
  /** How the client saw it: only the client writes it. */
  clientView: string;
  /** How the therapist saw it: only the therapist writes it. */
  therapistView: string;
  /** What we will change: both write it. */
  willChange: string;
  /** Grows with every change of the text: a write names the version it changes (else 409 CONFLICT). */
  version: number;
  updatedAt: string;
  /** When the client closed it as repaired (null: still open). */
  closedAt: string | null;
}

/** `GET /api/workspaces/:id/repairs`: open ones first, then closed, newest first within each. */
export interface RepairItemsDto {
  repairs: RepairItemDto[];
}

const repairText = z.string().max(MAX_REPAIR_TEXT);

/**
 * `PUT /api/workspaces/:id/repairs/:repairId`: the fields to change, and the version they change.
 * `whatHappened` and `willChange` are both members'; `clientView` the client's, `therapistView`
 * the therapist's own.
 */
export const updateRepairInput = z
  .object({
    version: z.number().int().min(1),
    whatHappened: repairText.optional(),
    clientView: repairText.optional(),
    therapistView: repairText.optional(),
    willChange: repairText.optional(),
  })
  .strict();
export type UpdateRepairInput = z.input<typeof updateRepairInput>;

export const repairParams = z.object({ id: z.uuid(), repairId: z.uuid() });

/** What a repair item is about, as its heading. */
export function repairTitle(item: Pick<RepairItemDto, 'source'>): string {
  return item.source.kind === 'checkin' ? `Check-in after session ${item.source.sessionNumber}` : `A card in “${FEEDBACK_COLUMN_LABELS[item.source.column]}”`;
}

/** The neutral words a repair item opens with: what happened, from its source (never the client's note or card text). */
export function describeRepairSource(source: RepairSourceDto): string {
  if (source.kind === 'card') return `A card in “${FEEDBACK_COLUMN_LABELS[source.column]}” was flagged: let's talk about this.`;
  const parts = source.drop.items.map((drop) => `‘${CHECKIN_ITEM_PHRASES[drop.item]}’ was ${formatPoints(drop.points)} below usual`);
  if (parts.length === 0 && source.drop.total) parts.push(`the answers together were ${formatPoints(source.drop.total.points)} below usual`);
  return `Check-in after session ${source.sessionNumber}: ${parts.join('; ')}.`;
}
