import { useMemo, useSyncExternalStore } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import { readEditing } from '../../lib/presence.js';
import { awarenessStore } from '../../sync/y-store.js';

const noSubscription = () => () => {};

/** The names of the other people working on card `id` (not this person, in any tab). */
export function useCardEditors(awareness: Awareness | null, id: string): string[] {
  const store = awareness ? awarenessStore(awareness) : null;
  const signature = useSyncExternalStore(store?.subscribe ?? noSubscription, () => {
    if (!awareness) return '[]';
    const selfId = (awareness.getLocalState()?.user as { id?: unknown } | undefined)?.id;
    const names = new Map<string, string>();
    for (const [clientId, state] of awareness.getStates()) {
      if (clientId === awareness.clientID) continue;
      const editing = readEditing(state);
      if (editing?.kind !== 'card' || editing.id !== id) continue;
      const user = (state.user ?? {}) as { id?: unknown; name?: unknown };
      if (typeof user.id !== 'string' || user.id === selfId || typeof user.name !== 'string') continue;
      names.set(user.id, user.name.trim().slice(0, 40));
    }
    return JSON.stringify([...names.values()]);
  });
  return useMemo(() => JSON.parse(signature) as string[], [signature]);
}
