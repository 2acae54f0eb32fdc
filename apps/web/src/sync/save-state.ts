import type { ErrorCode, Role, SaveState as ServerSaveState } from '@alliance/shared';

/**
 * What the UI says about a document's edits.
 * - `connecting`: the document is being opened (nothing of ours is waiting).
 * - `saved`: the server has confirmed every local edit as durably stored.
 * - `saving`: some local edits are sent or about to be sent but not yet confirmed.
 * - `offline`: the connection is down; local edits are kept and sent on reconnect.
 * - `unsaved`: the server says it cannot store edits right now, or it refused one of ours.
 * - `error`: the document cannot be opened at all (no access, signed out, …).
 */
export type SaveStatus = 'connecting' | 'saved' | 'saving' | 'offline' | 'unsaved' | 'error';

/** Codes a sync problem can carry: the server's codes plus the client's own. */
export type SyncErrorCode = ErrorCode | 'TIMEOUT';

export interface SyncProblem {
  code: SyncErrorCode;
  message: string;
}

/**
 * Everything the client knows about one open document's sync, kept as plain data so the
 * transitions are a pure function ({@link reduceSync}) that tests drive directly.
 */
export interface DocSyncState {
  /** `connecting`: the socket is up and the document is being joined and synced. */
  connection: 'connecting' | 'online' | 'offline';
  /** The server's state has been merged on the current connection. */
  synced: boolean;
  /** The server's state has been merged at least once: the content is worth showing. */
  loaded: boolean;
  role: Role | null;
  readOnly: boolean;
  /** Ids of sent messages carrying local edits that the server has not confirmed yet. */
  inFlight: readonly number[];
  /** Local edits exist that were not sent on the current connection (made offline, or lost in flight by a drop). */
  unsent: boolean;
  /** The last durability state the server reported for the document. */
  server: ServerSaveState;
  /** The server refused one of our edits: it is kept locally but will not be stored. */
  refused: SyncProblem | null;
  /** The document cannot be opened. */
  fatal: SyncProblem | null;
}

export type SyncEvent =
  /** The socket is connected and the document is being joined. */
  | { type: 'joining' }
  | { type: 'joined'; role: Role; readOnly: boolean }
  /** The server's full state has been applied. */
  | { type: 'synced' }
  | { type: 'local-change' }
  /** A message carrying every local edit not yet sent went out on this connection. */
  | { type: 'sent'; id: number }
  | { type: 'acked'; id: number }
  | { type: 'refused'; id: number | null; problem: SyncProblem }
  | { type: 'server-status'; state: ServerSaveState }
  | { type: 'disconnected' }
  | { type: 'failed'; problem: SyncProblem };

export const initialSyncState: DocSyncState = {
  connection: 'connecting',
  synced: false,
  loaded: false,
  role: null,
  readOnly: false,
  inFlight: [],
  unsent: false,
  server: 'saved',
  refused: null,
  fatal: null,
};

export function reduceSync(state: DocSyncState, event: SyncEvent): DocSyncState {
  switch (event.type) {
    case 'joining':
      // A (re)join ends with a fresh sync step 2 that carries every edit the server lacks, so
      // messages still unconfirmed from before count as unsent until that step 2 goes out.
      return {
        ...state,
        connection: 'connecting',
        synced: false,
        fatal: null,
        unsent: state.unsent || state.inFlight.length > 0,
        inFlight: [],
      };
    case 'joined':
      return { ...state, role: event.role, readOnly: event.readOnly };
    case 'synced':
      return { ...state, connection: 'online', synced: true, loaded: true };
    case 'local-change':
      return state.unsent ? state : { ...state, unsent: true };
    case 'sent':
      return { ...state, unsent: false, inFlight: [...state.inFlight, event.id] };
    case 'acked':
      return state.inFlight.includes(event.id) ? { ...state, inFlight: state.inFlight.filter((id) => id !== event.id) } : state;
    case 'refused':
      return { ...state, inFlight: state.inFlight.filter((id) => id !== event.id), refused: event.problem };
    case 'server-status':
      return state.server === event.state ? state : { ...state, server: event.state };
    case 'disconnected':
      // Whatever was in flight may or may not have arrived: it is still in the document and
      // goes out again (idempotently) in the sync step 2 of the next connection.
      return {
        ...state,
        connection: 'offline',
        synced: false,
        unsent: state.unsent || state.inFlight.length > 0,
        inFlight: [],
        server: 'saved',
      };
    case 'failed':
      return { ...state, fatal: event.problem };
  }
}

/** Local edits on their way to the server: they can still be confirmed if the document stays open. */
export function hasEditsInTransit(state: DocSyncState): boolean {
  return state.unsent || state.inFlight.length > 0;
}

/** Local edits that the server has not confirmed (or refused). */
export function hasUnconfirmedEdits(state: DocSyncState): boolean {
  return state.unsent || state.inFlight.length > 0 || state.refused !== null;
}

export function deriveSaveStatus(state: DocSyncState): SaveStatus {
  if (state.fatal) return 'error';
  if (state.refused) return 'unsaved';
  if (state.connection === 'offline') return 'offline';
  if (state.server === 'unsaved') return 'unsaved';
  if (state.unsent || state.inFlight.length > 0) return 'saving';
  if (state.connection === 'connecting') return 'connecting';
  return 'saved';
}

/** From most to least in need of attention: what several documents' statuses add up to. */
const ATTENTION: readonly SaveStatus[] = ['error', 'unsaved', 'offline', 'saving', 'connecting', 'saved'];

/**
 * One status for several open documents (the workspace's save indicator): the one that most
 * needs attention, so "Saved" means every document's edits are stored.
 */
export function combineSaveStatus(statuses: readonly SaveStatus[]): SaveStatus {
  let worst: SaveStatus = 'saved';
  for (const status of statuses) if (ATTENTION.indexOf(status) < ATTENTION.indexOf(worst)) worst = status;
  return worst;
}
