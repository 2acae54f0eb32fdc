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
 * Refusals after which the server will never accept the same edits (their content or the
 * sender's rights are the problem). Any other failure — a timeout, "not saved yet", a server
 * that stopped or could not load the document, a code this client does not know — may pass on
 * a later try, so the edits stay kept on the device for it.
 */
const REFUSED_FOR_GOOD: ReadonlySet<SyncErrorCode> = new Set([
  'BAD_REQUEST',
  'VALIDATION_FAILED',
  'FORBIDDEN',
  'NOT_FOUND',
  'INVALID_MESSAGE',
  'UPDATE_TOO_LARGE',
  'DOCUMENT_TOO_LARGE',
  'SHAPE_VIOLATION',
  'PERMISSION_DENIED',
  'READ_ONLY',
]);

export function isRefusedForGood(code: SyncErrorCode): boolean {
  return REFUSED_FOR_GOOD.has(code);
}

/** One local update the server has not confirmed, by its outbox entry id. */
export interface OutboxItem {
  id: string;
  /** Written to the device (or read back from it): it survives a reload or a closed tab. */
  kept: boolean;
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
  /** Every local update not yet confirmed (nor refused for good), oldest first. */
  outbox: readonly OutboxItem[];
  /** For each message in flight, the outbox entries it carries: its ack settles exactly those. */
  carrying: Readonly<Record<number, readonly string[]>>;
  /** The document cannot be opened. */
  fatal: SyncProblem | null;
}

export type SyncEvent =
  /** The socket is connected and the document is being joined. */
  | { type: 'joining' }
  | { type: 'joined'; role: Role; readOnly: boolean }
  /** The server's full state has been applied. */
  | { type: 'synced' }
  /** A local update; `entry` is its outbox entry, settled by the ack of a message that carries it. */
  | { type: 'local-change'; entry?: string }
  /** The outbox entry of a local update is written to the device. */
  | { type: 'kept'; entry: string }
  /** Entries written to the device by an earlier page (or another tab) were applied to the document. */
  | { type: 'restored'; entries: readonly string[] }
  /**
   * A message carrying local edits went out on this connection. A sync step 2 carries `'all'`:
   * every local edit the server lacks, so every entry in the outbox when it was built; a live
   * update carries its own entry.
   */
  | { type: 'sent'; id: number; carries?: 'all' | readonly string[] }
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
  outbox: [],
  carrying: {},
};

/** The outbox without the entries that message `id` carried (its ack or final refusal settled them). */
function settle(state: DocSyncState, id: number, settled: boolean): Pick<DocSyncState, 'outbox' | 'carrying'> {
  const carried = state.carrying[id];
  if (!carried) return { outbox: state.outbox, carrying: state.carrying };
  const { [id]: _settledMessage, ...carrying } = state.carrying;
  if (!settled || carried.length === 0) return { outbox: state.outbox, carrying };
  const done = new Set(carried);
  return { outbox: state.outbox.filter((item) => !done.has(item.id)), carrying };
}

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
        carrying: {},
        // A refusal that may pass on a later try is tried again by this very join.
        refused: state.refused && !isRefusedForGood(state.refused.code) ? null : state.refused,
      };
    case 'joined':
      return { ...state, role: event.role, readOnly: event.readOnly };
    case 'synced':
      return { ...state, connection: 'online', synced: true, loaded: true };
    case 'local-change': {
      const outbox = event.entry === undefined ? state.outbox : [...state.outbox, { id: event.entry, kept: false }];
      return state.unsent && outbox === state.outbox ? state : { ...state, unsent: true, outbox };
    }
    case 'kept':
      // An entry settled before its write finished stays settled (its removal follows the write).
      return state.outbox.some((item) => item.id === event.entry && !item.kept)
        ? { ...state, outbox: state.outbox.map((item) => (item.id === event.entry ? { id: item.id, kept: true } : item)) }
        : state;
    case 'restored': {
      const known = new Set(state.outbox.map((item) => item.id));
      const added = event.entries.filter((id) => !known.has(id)).map((id) => ({ id, kept: true }));
      return added.length === 0 ? state : { ...state, unsent: true, outbox: [...state.outbox, ...added] };
    }
    case 'sent': {
      const carries = event.carries === 'all' ? state.outbox.map((item) => item.id) : (event.carries ?? []);
      return { ...state, unsent: false, inFlight: [...state.inFlight, event.id], carrying: { ...state.carrying, [event.id]: carries } };
    }
    case 'acked':
      return state.inFlight.includes(event.id) ? { ...state, inFlight: state.inFlight.filter((id) => id !== event.id), ...settle(state, event.id, true) } : state;
    case 'refused': {
      // Edits refused for good will never be stored: keeping them would only resend them after every reload.
      const settled = event.id === null ? {} : settle(state, event.id, isRefusedForGood(event.problem.code));
      return { ...state, inFlight: state.inFlight.filter((id) => id !== event.id), refused: event.problem, ...settled };
    }
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
        carrying: {},
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

/** How many local updates are waiting for the server's confirmation, kept on this device meanwhile. */
export function keptCount(state: DocSyncState): number {
  let count = 0;
  for (const item of state.outbox) if (item.kept) count++;
  return count;
}

/**
 * Local edits that a closed tab would lose: not yet written to the device, or refused by the
 * server (only in this tab's memory, never to be stored).
 */
export function hasUnkeptEdits(state: DocSyncState): boolean {
  return state.refused !== null || state.outbox.some((item) => !item.kept);
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
