import type { DocChange } from '../doc/compare.js';
import type { DocName, Role } from '../doc/names.js';
import type { WorkspaceNewsDto } from './seen.js';

/** Response bodies of the HTTP API. */
export interface UserDto {
  id: string;
  email: string;
  name: string;
}

export interface MemberDto {
  userId: string;
  name: string;
  role: Role;
  joinedAt: string;
}

export interface WorkspaceSummaryDto {
  id: string;
  title: string;
  role: Role;
  createdAt: string;
  archivedAt: string | null;
}

/** One row of `GET /api/workspaces`: the workspace, whether a session is on now, what is new for the caller, and the open repair items they can see. */
export interface WorkspaceListItemDto extends WorkspaceSummaryDto {
  inSession: boolean;
  news: WorkspaceNewsDto;
  openRepairs: number;
}

export interface WorkspaceDto {
  id: string;
  title: string;
  createdAt: string;
  archivedAt: string | null;
  /** When the therapist opened the closing review (null: not yet). */
  closingOpenedAt: string | null;
  role: Role;
  members: MemberDto[];
  docs: DocName[];
}

export interface InviteDto {
  token: string;
  url: string;
  expiresAt: string;
}

export type VersionKind = 'auto' | 'session' | 'named';

export interface VersionDto {
  id: string;
  label: string | null;
  kind: VersionKind;
  createdAt: string;
  createdBy: string | null;
  upToSeq: number;
}

export interface HealthDto {
  ok: true;
  db: 'pglite' | 'postgres';
}

/** What `GET /api/invites/:token` shows before accepting: nothing that could name the client. */
export interface InvitePreviewDto {
  therapistName: string;
  expiresAt: string;
}

export interface AcceptInviteDto {
  workspaceId: string;
}

/** One line of a workspace's access log: who did what, never any content. */
export interface AuditEventDto {
  id: string;
  action: string;
  target: string | null;
  userName: string | null;
  createdAt: string;
}

/** Who made a logged change, as the server recorded it (never what the client said). */
export type HistoryActorDto =
  | { kind: 'member'; userId: string; role: Role; name: string; /** The server made it at their request (e.g. a restore). */ via?: string }
  | { kind: 'server'; reason: string };

export interface HistoryChangeDto {
  seq: number;
  createdAt: string;
  actor: HistoryActorDto;
}

/** `GET /api/workspaces/:id/docs/:doc/history`: the accepted updates, oldest first. */
export interface HistoryPageDto {
  changes: HistoryChangeDto[];
  /** Pass as `after` for the next page; null when this page reached the end. */
  next: number | null;
  /** The last logged seq of the document. */
  lastSeq: number;
}

/** `POST …/restore`: the change the restore made, and the point to restore from to undo it. */
export interface RestoreResultDto {
  /** The seq of the restore (null: the document already read as the version). */
  seq: number | null;
  /** Restoring from here undoes it: the document just before the restore. */
  undo: string | null;
}

/** One end of a comparison: right after update `seq`, made at `at` (null: the beginning). */
export interface ComparePointDto {
  seq: number;
  at: string | null;
}

/**
 * `GET …/compare?from=A&to=B`: what changed from the earlier point to the later one (the two
 * are put in order), each change with who made it and when.
 */
export interface CompareDto {
  from: ComparePointDto;
  to: ComparePointDto;
  changes: DocChange[];
}
