import type { DocName, Role } from '../doc/names.js';

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

export interface WorkspaceDto {
  id: string;
  title: string;
  createdAt: string;
  archivedAt: string | null;
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
