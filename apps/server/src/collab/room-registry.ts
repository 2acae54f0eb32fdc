import type { DocVersion } from '@alliance/db';
import { frameYWebsocket, MESSAGE_AWARENESS, MESSAGE_SYNC, type DocKey, type DocName, type ErrorCode, type Role, type SaveState } from '@alliance/shared';
import type * as Y from 'yjs';
import type { ChangeOrigin } from './origin.js';

/**
 * A message for one or more connections. Built once per broadcast; each transport wraps the
 * payload its own way (Socket.IO event, y-websocket frame) and the framing is built once too.
 */
export class OutgoingMessage {
  private frame: Uint8Array | null = null;

  constructor(
    /** `sync`: a y-protocols sync message; `awareness`: an awareness update. */
    readonly kind: 'sync' | 'awareness',
    readonly payload: Uint8Array,
  ) {}

  /** The message in y-websocket's outer framing. */
  get yWebsocketFrame(): Uint8Array {
    return (this.frame ??= frameYWebsocket(this.kind === 'sync' ? MESSAGE_SYNC : MESSAGE_AWARENESS, this.payload));
  }
}

/** Durability of a document's edits, as told to its members. */
export interface SaveStatus {
  state: SaveState;
  /** Updates accepted but not yet durably written. */
  pending: number;
}

/** What a transport gives the room for one client in one document. */
export interface RoomConnection {
  /** For logs only. */
  readonly id: string;
  /** From the session: the author recorded with every update this connection sends. */
  readonly userId: string;
  /** From the session: the name shown to the other person with this connection's presence. */
  readonly name: string;
  /** From the membership. */
  readonly role: Role;
  send(message: OutgoingMessage): void;
  /** Transports without a status channel ignore it. */
  sendStatus(status: SaveStatus): void;
  /**
   * The room is going away (closed, or no longer this process's to write): the connection stops
   * being part of it and the client is told why (`NOT_JOINED`: join again).
   */
  close(code: ErrorCode, message: string): void;
}

/** Who may open which document: the result of checking a member's access (see access.ts). */
export interface DocAccess {
  workspaceId: string;
  doc: DocName;
  documentId: string;
  userId: string;
  role: Role;
  /** The workspace is archived: nobody writes. */
  readOnly: boolean;
}

/** The result of a sync message: `durable` settles once its edits are stored (null for step 1). */
export interface SyncOutcome {
  durable: Promise<unknown> | null;
}

/** One connection's handle on an open document. Every method throws RoomError on refusal. */
export interface RoomSession {
  readonly key: DocKey;
  readonly role: Role;
  readonly readOnly: boolean;
  /** Sends the opening messages: sync step 1, (with `withState`) step 2, others' awareness, status. */
  start(options: { withState: boolean }): void;
  /** A y-protocols sync message from the client (step 1, step 2 or update). */
  receiveSync(message: Uint8Array): SyncOutcome;
  /** An awareness update from the client; relayed to the others. */
  receiveAwareness(update: Uint8Array): void;
  /** Everyone's awareness (y-websocket's query), or null when nobody has any. */
  awarenessStates(): OutgoingMessage | null;
  /** Detaches the connection (idempotent); the room unloads once nobody is left. */
  leave(): void;
}

export interface CreateVersionInput {
  workspaceId: string;
  doc: DocName;
  label: string | null;
  kind: DocVersion['kind'];
  userId: string | null;
}

export interface RoomStats {
  /** Documents loaded in memory. */
  openRooms: number;
  /** Updates accepted but not yet written, over all rooms. */
  unsavedUpdates: number;
  /**
   * Update received → durably stored (the moment its confirmation goes out), in ms, since the
   * last `resetStats()`: what DESIGN.md's confirmation target measures.
   */
  confirmationMs: LatencySummary;
  /** How long each update-log write took, in ms, since the last `resetStats()`. */
  logWriteMs: LatencySummary;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/**
 * The seam between the transports / HTTP routes and the collaborative documents. Access is
 * checked by the caller (`resolveDocAccess`); the registry trusts the DocAccess it is given.
 */
export interface RoomRegistry {
  /** Opens the document (one load, however many join at once) and attaches the connection. */
  join(access: DocAccess, connection: RoomConnection): Promise<RoomSession>;
  /** Saves a version of the document as it is now (after writing its pending updates). */
  createVersion(input: CreateVersionInput): Promise<DocVersion>;
  /** Runs `read` on the document as it is now (the open room's, or loaded for the call). */
  withDocument<T>(target: { workspaceId: string; doc: DocName }, read: (doc: Y.Doc) => T): Promise<T>;
  /**
   * The one entry point for changes the server makes: `edit` runs on a copy of the document as
   * it is now, and the difference goes through the same checks (as `origin.role`), client-id
   * rules and update log as a member's edit, recorded with `origin`'s author and reason.
   * Resolves once stored, with the seq of the change (null when it changed nothing); throws
   * RoomError when refused.
   */
  change(target: { workspaceId: string; doc: DocName }, origin: Omit<ChangeOrigin, 'connection'>, edit: (doc: Y.Doc) => void): Promise<number | null>;
  /** Tells open rooms that a workspace became read-only (archived) or writable again. */
  setReadOnly(workspaceId: string, readOnly: boolean): void;
  /** The workspaces with a document open here. */
  openWorkspaceIds(): string[];
  stats(): RoomStats;
  /** Starts new latency windows for `stats()`. */
  resetStats(): void;
  /** Writes every pending update and a checkpoint of every open room, then unloads them. */
  close(): Promise<void>;
}
