import { z } from 'zod';
import type { HistoryActorDto } from './types.js';

/**
 * What one edit was about, as people name it: a goal by its title, a card by its first words,
 * or the document itself (its title, or several goals and cards at once, as a restore does).
 */
export type EditSubjectDto = { kind: 'goal' | 'card'; id: string; title: string } | { kind: 'document' };

/**
 * One edit, as people think of one: consecutive changes by one person (or by the server, for
 * one reason) to one goal, card or the document, with no long pause between them (see
 * `EDIT_BREAK_MS`, `EDIT_MAX_SPAN_MS`).
 */
export interface EditDto {
  /** The first and last logged update of the edit (the document before it is `seq:fromSeq-1`). */
  fromSeq: number;
  toSeq: number;
  startedAt: string;
  endedAt: string;
  actor: HistoryActorDto;
  subject: EditSubjectDto;
  /** How many logged updates it holds. */
  changes: number;
}

/** `GET /api/workspaces/:id/docs/:doc/edits`: edits, newest first. */
export interface EditPageDto {
  edits: EditDto[];
  /** Pass as `before` for the next (older) page; null when this page reached the first update. */
  next: number | null;
}

/**
 * A page of a document's edits, newest first: those that end at or before update `before`
 * (the newest when left out), at most `limit` of them.
 */
export const editsQuery = z.object({
  before: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
