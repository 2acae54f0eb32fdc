import type { SeenArea } from '@alliance/shared';
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** Timestamps are read as Date and may be written as Date or ISO string. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A timestamp the database fills in on insert. */
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Bytes = ColumnType<Uint8Array, Uint8Array, Uint8Array>;

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string;
  password_hash: string;
  created_at: CreatedAt;
}

export interface AuthSessionsTable {
  /** sha256 of the cookie's token: a database leak does not leak live sessions. */
  id: string;
  user_id: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

/** A browser that has logged in to the account: its device cookie's token, as a sha256. */
export interface LoginDevicesTable {
  id: string;
  user_id: string;
  created_at: CreatedAt;
  last_used_at: Timestamp;
}

/** Rate-limit counters (written by rate-limiter-flexible's Postgres store). */
export interface RateLimitsTable {
  key: string;
  points: number;
  /** When the window ends, in epoch milliseconds; null for a counter that never expires. */
  expire: number | null;
}

export interface WorkspacesTable {
  id: Generated<string>;
  title: string;
  created_by: string;
  created_at: CreatedAt;
  archived_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  decision_preference: ColumnType<'client' | 'together' | 'therapist' | null, never, 'client' | 'together' | 'therapist' | null>;
  decision_preference_at: ColumnType<Date | null, never, Date | string | null>;
}

export interface MembershipsTable {
  workspace_id: string;
  user_id: string;
  role: 'therapist' | 'client';
  created_at: CreatedAt;
}

export interface InvitesTable {
  id: Generated<string>;
  workspace_id: string;
  token_hash: string;
  created_by: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
  used_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  used_by: string | null;
}

export interface DocumentsTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  created_at: CreatedAt;
}

export interface DocUpdatesTable {
  document_id: string;
  seq: number;
  update: Bytes;
  /** The member who sent the update, from their session; null for server-made changes. */
  user_id: string | null;
  /** Why the server made this change (it made it on its own, or for the member in user_id). */
  server_reason: string | null;
  created_at: CreatedAt;
}

export interface DocClientsTable {
  document_id: string;
  /** A Yjs client id seen in the document. */
  client_id: number;
  /** Whose it is; null: the server's own. */
  user_id: string | null;
  created_at: CreatedAt;
}

export interface DocLeasesTable {
  document_id: string;
  /** The server process that holds the document open for writing. */
  owner: string;
  /** Grows with every new holder: a write checks it is still the one it started with. */
  token: number;
  expires_at: Timestamp;
}

export interface DocCheckpointsTable {
  id: Generated<string>;
  document_id: string;
  /** The checkpoint holds every logged update with seq <= up_to_seq. */
  up_to_seq: number;
  state: Bytes;
  label: string | null;
  kind: 'auto' | 'session' | 'named';
  created_by: string | null;
  created_at: CreatedAt;
  /** The state holds exactly the log up to `up_to_seq` (older checkpoints could hold a little more). */
  exact: ColumnType<boolean, boolean | undefined, boolean>;
}

/** A version people see: the document as the log had it at `seq`. */
export interface DocVersionsTable {
  id: Generated<string>;
  document_id: string;
  seq: number;
  kind: 'periodic' | 'session' | 'named';
  label: string | null;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface AuditEventsTable {
  id: Generated<string>;
  workspace_id: string | null;
  user_id: string | null;
  action: string;
  target: string | null;
  created_at: CreatedAt;
  /** Insertion order, the tie-break for events within one clock tick. */
  seq: Generated<number>;
  /** A view repeated soon after is folded into its row: when it was last repeated (null: once). */
  last_at: ColumnType<Date | null, never, Date | string | null>;
}

export interface WorkspaceTermsTable {
  workspace_id: string;
  body: string;
  version: number;
  updated_by: string | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** The text of every version of "How we work", so a client can see what changed since the one they read. */
export interface TermsVersionsTable {
  workspace_id: string;
  version: number;
  body: string;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface TermsAcknowledgementsTable {
  workspace_id: string;
  user_id: string;
  version: number;
  acknowledged_at: CreatedAt;
}

export interface TherapySessionsTable {
  id: Generated<string>;
  workspace_id: string;
  /** 1, 2, 3… per workspace. */
  number: number;
  started_at: CreatedAt;
  started_by: string | null;
  ended_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  ended_by: string | null;
}

/** The closing review of a workspace, once the therapist has opened it. */
export interface ClosingReviewsTable {
  workspace_id: string;
  opened_at: CreatedAt;
  opened_by: string | null;
}

/** A member's closing reflection, in their own words. */
export interface ClosingReflectionsTable {
  workspace_id: string;
  user_id: string;
  helped: string;
  keep: string;
  if_hard: string;
  updated_at: Timestamp;
}

/** A member's word that the workspace may become a read-only archive. */
export interface ClosingConfirmationsTable {
  workspace_id: string;
  user_id: string;
  confirmed_at: CreatedAt;
}

/** The client's after-session check-in on one ended therapy session (process feedback). */
export interface CheckinsTable {
  id: Generated<string>;
  workspace_id: string;
  session_id: string;
  user_id: string;
  /** 0–10 each. */
  heard: number;
  wanted: number;
  fit: number;
  overall: number;
  /** −2 therapist-led … 0 shared … +2 me-led. */
  steering: number;
  choices_offered: 'yes' | 'some' | 'no';
  note: string | null;
  /** When the therapist may see it: now, once the next session starts, or only as scores in the trend. */
  visibility: 'now' | 'next_session' | 'trend';
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** A note beside the check-in trend, tied to a session or to a day (exactly one). */
export interface TrendNotesTable {
  id: Generated<string>;
  workspace_id: string;
  session_id: string | null;
  /** A day, YYYY-MM-DD. */
  noted_on: ColumnType<string | null, string | null | undefined, never>;
  /** Null once the author's account is gone. */
  author_id: string | null;
  author_role: 'therapist' | 'client';
  text: string;
  created_at: CreatedAt;
}

/** A shared item for talking a rupture through: from a check-in that dropped, or a flagged card. */
export interface RepairItemsTable {
  id: Generated<string>;
  workspace_id: string;
  source_kind: 'checkin' | 'card';
  checkin_id: string | null;
  card_id: string | null;
  card_column: string | null;
  /** A check-in's drop against the baseline (which items fell, by how much), as JSON. */
  drop: ColumnType<unknown, string | null | undefined, string | null>;
  what_happened: ColumnType<string, string | undefined, string>;
  client_view: ColumnType<string, string | undefined, string>;
  therapist_view: ColumnType<string, string | undefined, string>;
  will_change: ColumnType<string, string | undefined, string>;
  version: ColumnType<number, number | undefined, number>;
  opened_at: CreatedAt;
  updated_at: Timestamp;
  acknowledged_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  acknowledged_by: string | null;
  closed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  closed_by: string | null;
}

/** When a member last looked at an area of a workspace. */
export interface WorkspaceSeenTable {
  workspace_id: string;
  user_id: string;
  area: SeenArea;
  seen_at: Timestamp;
}

export interface Database {
  users: UsersTable;
  auth_sessions: AuthSessionsTable;
  login_devices: LoginDevicesTable;
  rate_limits: RateLimitsTable;
  workspaces: WorkspacesTable;
  memberships: MembershipsTable;
  invites: InvitesTable;
  documents: DocumentsTable;
  doc_updates: DocUpdatesTable;
  doc_checkpoints: DocCheckpointsTable;
  doc_versions: DocVersionsTable;
  doc_clients: DocClientsTable;
  doc_leases: DocLeasesTable;
  audit_events: AuditEventsTable;
  workspace_terms: WorkspaceTermsTable;
  terms_acknowledgements: TermsAcknowledgementsTable;
  terms_versions: TermsVersionsTable;
  therapy_sessions: TherapySessionsTable;
  closing_reviews: ClosingReviewsTable;
  closing_reflections: ClosingReflectionsTable;
  closing_confirmations: ClosingConfirmationsTable;
  checkins: CheckinsTable;
  trend_notes: TrendNotesTable;
  repair_items: RepairItemsTable;
  workspace_seen: WorkspaceSeenTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type Workspace = Selectable<WorkspacesTable>;
export type Membership = Selectable<MembershipsTable>;
export type Invite = Selectable<InvitesTable>;
export type DocumentRow = Selectable<DocumentsTable>;
export type DocUpdate = Selectable<DocUpdatesTable>;
export type DocCheckpoint = Selectable<DocCheckpointsTable>;
export type DocVersion = Selectable<DocVersionsTable>;
export type AuditEvent = Selectable<AuditEventsTable>;
export type TherapySession = Selectable<TherapySessionsTable>;
export type WorkspaceTerms = Selectable<WorkspaceTermsTable>;
