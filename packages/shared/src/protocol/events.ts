import { isDocName, type DocName, type Role } from '../doc/names.js';
import type { ErrorCode } from './errors.js';

/**
 * Bumped when the realtime protocol changes incompatibly; sent in the handshake `auth`.
 * 2: the client reads and sends each Socket.IO packet in one frame (`packedFramesParser`).
 */
export const PROTOCOL_VERSION = 2;

/** Identifies one open document on a socket: `${workspaceId}/${doc}`. */
export type DocKey = `${string}/${DocName}`;

export function docKey(workspaceId: string, doc: DocName): DocKey {
  return `${workspaceId}/${doc}`;
}

/** Splits a key received from the network; null unless it is `<workspaceId>/<doc name>`. */
export function parseDocKey(key: unknown): { workspaceId: string; doc: DocName } | null {
  if (typeof key !== 'string' || key.length > 100) return null;
  const slash = key.indexOf('/');
  if (slash <= 0) return null;
  const doc = key.slice(slash + 1);
  return isDocName(doc) ? { workspaceId: key.slice(0, slash), doc } : null;
}

/** What changed in a workspace outside its shared documents (`versions`: a named version was saved). */
export const WORKSPACE_CHANGES = ['members', 'terms', 'session', 'versions', 'closing', 'checkins', 'trends', 'repairs'] as const;
export type WorkspaceChange = (typeof WORKSPACE_CHANGES)[number];

export type Ack<T> = { ok: true; data: T } | { ok: false; code: ErrorCode; message: string };

/** What the server says about durability of a document's edits. */
export type SaveState = 'saved' | 'saving' | 'unsaved';

export interface JoinRequest {
  workspaceId: string;
  doc: DocName;
  /** Joining again after the connection came back: for the access log, no new opening. */
  reopen?: boolean;
}

export interface JoinResult {
  key: DocKey;
  role: Role;
  readOnly: boolean;
}

/** Answer to a document update: the update is durably stored (`saved`). */
export interface UpdateResult {
  saved: true;
}

export interface DocStatus {
  key: DocKey;
  state: SaveState;
  /** Updates received but not yet durably written. */
  pending: number;
}

export interface DocError {
  key: DocKey;
  code: ErrorCode;
  message: string;
}

/**
 * Events the web app sends. Yjs payloads are raw `y-protocols` messages without the
 * y-websocket outer type byte: `doc:sync` carries a sync message (step 1, step 2 or update),
 * `doc:awareness` an awareness update.
 */
export interface ClientToServerEvents {
  'doc:join': (request: JoinRequest, ack: (result: Ack<JoinResult>) => void) => void;
  'doc:leave': (key: DocKey) => void;
  /** The ack fires once every update in the message is durably stored. */
  'doc:sync': (key: DocKey, message: Uint8Array, ack: (result: Ack<UpdateResult | null>) => void) => void;
  'doc:awareness': (key: DocKey, message: Uint8Array) => void;
}

export interface ServerToClientEvents {
  'doc:sync': (key: DocKey, message: Uint8Array) => void;
  'doc:awareness': (key: DocKey, message: Uint8Array) => void;
  'doc:status': (status: DocStatus) => void;
  'doc:error': (error: DocError) => void;
  /** The workspace changed outside its documents; members' pages refetch what `change` names. */
  'workspace:changed': (workspaceId: string, change: WorkspaceChange) => void;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface InterServerEvents {}

export interface SocketData {
  userId: string;
  sessionId: string;
}
