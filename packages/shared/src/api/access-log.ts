import { z } from 'zod';
import { canOpenDoc } from '../doc/kinds.js';
import { DOC_NAMES, type DocName, type Role } from '../doc/names.js';

/**
 * The access log of a workspace: who opened, changed or exported what, and when — never any
 * content. Shared by the server (which records and groups it) and the web app (which words it).
 */

/** Actions that only read: written once per visit, and shown folded into one line per visit. */
export const VIEW_ACTIONS = ['workspace.view', 'terms.view', 'doc.open', 'version.list', 'version.view', 'audit.view', 'closing.view', 'checkins.view', 'trends.view', 'repairs.view'] as const;
export type ViewAction = (typeof VIEW_ACTIONS)[number];

/** Actions whose target is a document name: hidden from a member who may not open that document. */
export const DOC_AUDIT_ACTIONS = ['doc.open', 'version.list', 'version.create', 'version.view', 'doc.restore'] as const;

/** The documents a member in `role` may not open: their log shows nothing done to them. */
export function docsHiddenFrom(role: Role): DocName[] {
  return DOC_NAMES.filter((doc) => !canOpenDoc(role, doc));
}

/**
 * Request header by which the web app says a read is its own refresh of something already on
 * screen (after the other person changed something, or a poll), not the person opening it.
 * The server never lets it hide a first look: see `recordView`.
 */
export const READ_KIND_HEADER = 'Alliance-Read';
export const READ_KINDS = ['open', 'refresh'] as const;
export type ReadKind = (typeof READ_KINDS)[number];

/** Who did something: a member, or Alliance itself (e.g. sharing drafts when a session starts). */
export type AccessActorDto = { kind: 'member'; userId: string; name: string } | { kind: 'server' };

interface AccessEntryBase {
  /** Stable across pages and reloads. */
  id: string;
  actor: AccessActorDto;
  /** When it began and when it last happened (the same instant for a single action). */
  from: string;
  to: string;
}

/** One thing done: an export, a change of How we work, a session started, a version saved… */
export interface AccessActionDto extends AccessEntryBase {
  kind: 'action';
  action: string;
  target: string | null;
}

/** One person's edits of one document, without a pause of more than `EDIT_PAUSE_MS` between them. */
export interface AccessEditsDto extends AccessEntryBase {
  kind: 'edits';
  doc: DocName;
  /** How many changes (accepted updates) the group holds. */
  changes: number;
}

/** What one person opened during one visit (reads with less than `VIEW_PAUSE_MS` between them). */
export interface AccessViewsDto extends AccessEntryBase {
  kind: 'views';
  views: { action: ViewAction; target: string | null }[];
}

export type AccessEntryDto = AccessActionDto | AccessEditsDto | AccessViewsDto;

/** A page of the access log, newest first; `next` is the `before` of the following page. */
export interface AccessLogDto {
  entries: AccessEntryDto[];
  next: string | null;
}

/** A pause longer than this between one person's edits of a document starts a new group. */
export const EDIT_PAUSE_MS = 10 * 60_000;
/** A pause longer than this between one person's reads starts a new visit. */
export const VIEW_PAUSE_MS = 30 * 60_000;

export const ACCESS_LOG_DEFAULT_LIMIT = 50;
export const ACCESS_LOG_MAX_LIMIT = 200;

/** A page cursor: the time (µs since the epoch) and id of the last entry of the page before. */
const CURSOR = /^(\d{1,17})\.([aev]-[0-9a-f-]{1,100})$/;

export interface AccessCursor {
  atMicros: number;
  id: string;
}

export function formatAccessCursor(cursor: AccessCursor): string {
  return `${cursor.atMicros}.${cursor.id}`;
}

export function parseAccessCursor(value: string): AccessCursor | null {
  const match = CURSOR.exec(value);
  return match ? { atMicros: Number(match[1]), id: match[2]! } : null;
}

export const accessLogQuery = z.object({
  before: z
    .string()
    .max(130)
    .refine((value) => parseAccessCursor(value) !== null, 'Not a cursor from this log.')
    .optional(),
  limit: z.coerce.number().int().min(1).max(ACCESS_LOG_MAX_LIMIT).default(ACCESS_LOG_DEFAULT_LIMIT),
});
