import type { Awareness } from 'y-protocols/awareness';

/**
 * What people say about themselves in a document's awareness, beyond their `user`:
 * - `editing`: `{ kind, id }` of what they are working in (the roadmap publishes
 *   `{ kind: 'goal', id }`, the feedback board `{ kind: 'card', id }`), or null;
 * - `away`: their tab is in the background.
 */
export const EDITING_FIELD = 'editing';
export const AWAY_FIELD = 'away';

export interface Editing {
  kind: string;
  id: string;
}

export function readEditing(state: Record<string, unknown> | null | undefined): Editing | null {
  const editing = state?.[EDITING_FIELD];
  if (typeof editing !== 'object' || editing === null) return null;
  const { kind, id } = editing as Record<string, unknown>;
  return typeof kind === 'string' && typeof id === 'string' ? { kind, id } : null;
}

/** Says in awareness what this person is working in (or nowhere, with null). */
export function publishEditing(awareness: Awareness | null, editing: Editing | null): void {
  if (!awareness || awareness.getLocalState() === null) return;
  const current = readEditing(awareness.getLocalState());
  if (current?.kind === editing?.kind && current?.id === editing?.id) return;
  awareness.setLocalStateField(EDITING_FIELD, editing);
}

/** Says in awareness whether this person's tab is in the background. */
export function publishAway(awareness: Awareness, away: boolean): void {
  const state = awareness.getLocalState();
  if (state === null || state[AWAY_FIELD] === away) return;
  awareness.setLocalStateField(AWAY_FIELD, away);
}

/** One person present, merged over every document and tab they have open. */
export interface Person {
  id: string;
  name: string;
  self: boolean;
  /** Every tab of theirs is in the background. */
  away: boolean;
  /** What they are working in, if anything (the first found). */
  editing: Editing | null;
}

interface UserField {
  id?: unknown;
  name?: unknown;
}

/**
 * The people present in any of `states` (awareness states of several documents), one entry
 * per person, the viewer first. A person is away only when none of their tabs is in front.
 */
export function peoplePresent(states: Iterable<Record<string, unknown>>, selfId: string): Person[] {
  const people = new Map<string, Person>();
  for (const state of states) {
    const user = (typeof state.user === 'object' && state.user !== null ? state.user : {}) as UserField;
    if (typeof user.id !== 'string' || typeof user.name !== 'string' || !user.name.trim()) continue;
    const away = state[AWAY_FIELD] === true;
    const editing = readEditing(state);
    const known = people.get(user.id);
    if (known) {
      known.away &&= away;
      known.editing ??= editing;
    } else {
      people.set(user.id, { id: user.id, name: user.name.trim().slice(0, 80), self: user.id === selfId, away, editing });
    }
  }
  return [...people.values()].sort((a, b) => Number(b.self) - Number(a.self));
}

/** What a person is doing, in a few words ("editing a goal"), or null. */
export function describeActivity(person: Pick<Person, 'away' | 'editing'>): string | null {
  if (person.away) return 'away';
  if (person.editing?.kind === 'goal') return 'editing a goal';
  if (person.editing?.kind === 'card') return 'on a feedback card';
  return null;
}
