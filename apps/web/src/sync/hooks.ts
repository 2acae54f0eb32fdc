import type { DocName, Role } from '@alliance/shared';
import { createContext, useContext, useEffect, useRef, useSyncExternalStore } from 'react';
import type * as Y from 'yjs';
import type { DocSession, PresenceState } from './doc-session.js';
import { deriveSaveStatus, keptCount, type DocSyncState, type SaveStatus, type SyncProblem } from './save-state.js';
import type { ConnectionStatus, SyncClient } from './sync-client.js';
import { awarenessStore, yTypeStore } from './y-store.js';

/** The signed-in person's realtime connection; provided once near the root of the app. */
export const SyncClientContext = createContext<SyncClient | null>(null);

export function useSyncClient(): SyncClient {
  const client = useContext(SyncClientContext);
  if (!client) throw new Error('useSyncClient: no SyncClientContext above this component');
  return client;
}

export function useConnectionStatus(): ConnectionStatus {
  const client = useSyncClient();
  return useSyncExternalStore(client.subscribe, client.getStatus);
}

/**
 * Runs `onChange` when the server says this workspace changed (members, title, …), and when
 * the connection starts again: what was said while it was down, or before it first came up
 * (a page's first requests race it), never arrived. An empty `workspaceId` listens to nothing.
 */
export function useWorkspaceChanged(workspaceId: string, onChange: () => void): void {
  const client = useSyncClient();
  const latest = useRef(onChange);
  useEffect(() => {
    latest.current = onChange;
  });
  useEffect(
    () =>
      client.onWorkspaceChanged((id) => {
        if (workspaceId !== '' && (id === null || id === workspaceId)) latest.current();
      }),
    [client, workspaceId],
  );
}

/** A shared document, opened while the calling component is mounted. */
export type DocHandle =
  | { status: 'loading'; session: DocSession }
  | { status: 'ready'; session: DocSession; doc: Y.Doc; role: Role | null; readOnly: boolean }
  | { status: 'error'; session: DocSession; error: SyncProblem };

/**
 * Opens a workspace document and keeps it joined and synced while the calling component is
 * mounted. `ready` once the server's state has been merged; from then on the content stays
 * usable (and editable) offline.
 */
export function useDoc(workspaceId: string, name: DocName): DocHandle {
  const client = useSyncClient();
  const session = client.session(workspaceId, name);
  useEffect(() => client.retain(session), [client, session]);
  const state = useSyncExternalStore(session.subscribe, session.getState);
  if (state.fatal) return { status: 'error', session, error: state.fatal };
  if (!state.loaded) return { status: 'loading', session };
  return { status: 'ready', session, doc: session.doc, role: state.role, readOnly: state.readOnly };
}

/** Everything the sync layer knows about a document (role, problems, what is unconfirmed). */
export function useDocSyncState(session: DocSession): DocSyncState {
  return useSyncExternalStore(session.subscribe, session.getState);
}

/** Whether the local edits of a document are confirmed by the server (see `SaveStatus`). */
export function useSaveState(session: DocSession): SaveStatus {
  return useSyncExternalStore(session.subscribe, () => deriveSaveStatus(session.getState()));
}

/** How many local edits of a document wait for the server, kept on this device meanwhile. */
export function useKeptCount(session: DocSession): number {
  return useSyncExternalStore(session.subscribe, () => keptCount(session.getState()));
}

/**
 * Asks the browser to warn before the tab closes while any open document has local edits that
 * closing would lose: not yet written to the device's outbox (or there is none), or refused by
 * the server. Edits waiting in the outbox are sent by the next page, so they need no warning.
 */
export function useUnloadGuard(client: SyncClient | null): void {
  const subscribe = client?.subscribeEdits ?? noSubscription;
  const unkept = useSyncExternalStore(subscribe, client?.getHasUnkeptEdits ?? never);
  useEffect(() => {
    if (!unkept) return;
    const onBeforeUnload = (event: BeforeUnloadEvent): void => {
      event.preventDefault();
      // Some browsers show the prompt only when returnValue is set.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [unkept]);
}

const noSubscription = (): (() => void) => () => {};
const never = (): boolean => false;

const readArray = <T,>(array: Y.Array<T>): T[] => array.toArray();
const readMap = <T,>(map: Y.Map<T>): ReadonlyMap<string, T> => new Map(map.entries());
const readText = (text: Y.Text): string => text.toString();

/** The items of a `Y.Array` (the items themselves, e.g. `Y.Map`s, not copies). */
export function useYArray<T>(array: Y.Array<T>): readonly T[] {
  const store = yTypeStore(array, readArray<T>);
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

/** The entries of a `Y.Map`, updated when a key is set or deleted (not on changes inside values). */
export function useYMap<T>(map: Y.Map<T>): ReadonlyMap<string, T> {
  const store = yTypeStore(map, readMap<T>);
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

/** The current string of a `Y.Text`, for display (edit it with `CollabText`). */
export function useYText(text: Y.Text): string {
  const store = yTypeStore(text, readText);
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

/** Everyone present in a document, this client included, keyed by Yjs client id. */
export function usePresence(session: DocSession): ReadonlyMap<number, PresenceState> {
  const store = awarenessStore(session.awareness);
  return useSyncExternalStore(store.subscribe, store.getSnapshot) as ReadonlyMap<number, PresenceState>;
}

/**
 * `useDoc` for a document this person may or may not open (the client's drafts): null, and
 * nothing joined, when `enabled` is false. `enabled` should not change for a mounted component.
 */
export function useOptionalDoc(workspaceId: string, name: DocName, enabled: boolean): DocHandle | null {
  const client = useSyncClient();
  const session = enabled ? client.session(workspaceId, name) : null;
  useEffect(() => (session ? client.retain(session) : undefined), [client, session]);
  const state = useSyncExternalStore(session?.subscribe ?? noSubscription, () => session?.getState() ?? null);
  if (!session || !state) return null;
  if (state.fatal) return { status: 'error', session, error: state.fatal };
  if (!state.loaded) return { status: 'loading', session };
  return { status: 'ready', session, doc: session.doc, role: state.role, readOnly: state.readOnly };
}
