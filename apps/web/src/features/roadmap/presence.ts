import { isRole } from '@alliance/shared';
import { useContext, useEffect, useMemo, useSyncExternalStore } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { colorsForUser } from '../../components/collab-text/index.js';
import { AWAY_FIELD, publishEditing, readEditing } from '../../lib/presence.js';
import { useRoute } from '../../lib/router.js';
import { SyncClientContext } from '../../sync/hooks.js';
import { awarenessStore } from '../../sync/y-store.js';

export interface Editor {
  /** The person's user id (or Yjs client id): one entry per person, however many tabs. */
  key: string;
  name: string;
  color: string;
}

/**
 * The awareness of the roadmap document. Given by the page when it passes one; otherwise the
 * open session of the workspace in the address bar, if `doc` is that session's document.
 */
export function useRoadmapAwareness(doc: Y.Doc, given: Awareness | null | undefined): Awareness | null {
  const client = useContext(SyncClientContext);
  const route = useRoute();
  if (given !== undefined) return given;
  if (!client || route.name !== 'workspace') return null;
  const session = client.session(route.workspaceId, 'roadmap');
  return session.doc === doc ? session.awareness : null;
}

const noSubscription = () => () => {};

/** The goal a person works in, from their awareness state (`{ kind: 'goal', id }`), or null. */
function goalOf(state: Record<string, unknown> | null): string | null {
  const editing = readEditing(state);
  return editing?.kind === 'goal' ? editing.id : null;
}

/** Who else (not this browser tab, nor this person in another tab) works inside goal `goalId`. */
export function editorsOf(awareness: Awareness, goalId: string): Editor[] {
  const selfId = (awareness.getLocalState()?.user as { id?: unknown } | undefined)?.id;
  const editors: Editor[] = [];
  for (const [clientId, state] of awareness.getStates()) {
    // A tab in the background says nothing about what its person is doing now.
    if (clientId === awareness.clientID || goalOf(state) !== goalId || state[AWAY_FIELD] === true) continue;
    const user = (typeof state.user === 'object' && state.user !== null ? state.user : {}) as { id?: unknown; name?: unknown; role?: unknown };
    const key = typeof user.id === 'string' ? user.id : String(clientId);
    if (key === selfId || editors.some((editor) => editor.key === key)) continue;
    const name = typeof user.name === 'string' && user.name.trim() ? user.name.trim().slice(0, 40) : isRole(user.role) ? `The ${user.role}` : 'Someone';
    editors.push({ key, name, color: colorsForUser(user, clientId).color });
  }
  return editors;
}

/**
 * The people editing inside goal `goalId`. Awareness changes with every caret move; this
 * re-renders only when the list of editors of this goal changes.
 */
export function useGoalEditors(awareness: Awareness | null, goalId: string): Editor[] {
  const store = awareness ? awarenessStore(awareness) : null;
  const signature = useSyncExternalStore(store?.subscribe ?? noSubscription, () => (awareness ? JSON.stringify(editorsOf(awareness, goalId)) : '[]'));
  return useMemo(() => JSON.parse(signature) as Editor[], [signature]);
}

/**
 * Says in awareness that this person works inside goal `id` (or nowhere, with null), in the
 * app's shared `editing` field, which the presence list reads too.
 */
export function publishGoalEditing(awareness: Awareness | null, id: string | null): void {
  publishEditing(awareness, id ? { kind: 'goal', id } : null);
}

/** Clears this person's "editing" mark for goal `id` when the goal leaves the screen while marked. */
export function useClearEditingOnUnmount(awareness: Awareness | null, id: string): void {
  useEffect(
    () => () => {
      if (awareness && goalOf(awareness.getLocalState()) === id) publishGoalEditing(awareness, null);
    },
    [awareness, id],
  );
}
