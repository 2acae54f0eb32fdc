import { useSyncExternalStore } from 'react';
import * as Y from 'yjs';
import { yTypeStore } from '../../sync/y-store.js';

const readProgress = (steps: Y.Array<unknown>): string => {
  const items = steps.toArray().filter((step): step is Y.Map<unknown> => step instanceof Y.Map);
  return `${items.filter((step) => step.get('done') === true).length}/${items.length}`;
};
const EMPTY = new Y.Array<unknown>();

/** How many of a goal's steps are done, and how many there are; follows every tick. */
export function useStepProgress(steps: Y.Array<Y.Map<unknown>> | null): { done: number; total: number } {
  const store = yTypeStore((steps ?? EMPTY) as Y.Array<unknown>, readProgress, true);
  const [done, total] = useSyncExternalStore(store.subscribe, store.getSnapshot).split('/').map(Number);
  return { done: done ?? 0, total: total ?? 0 };
}
