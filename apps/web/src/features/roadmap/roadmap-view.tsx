import './roadmap.css';
import { addGoal, getGoals, moveItem, readString, readText, type Role } from '@alliance/shared';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { ArchivedGoals, archivedGoalId } from './archived-goals.js';
import type { People } from './format.js';
import { GoalCard, goalHandleId } from './goal-card.js';
import { Icon } from './icons.js';
import { useRoadmapAwareness } from './presence.js';
import { useOrderedItems } from './use-list-view.js';
import { REORDER_ITEM, useReorder } from './use-reorder.js';

export interface RoadmapViewProps {
  doc: Y.Doc;
  /** The viewer's role: new goals are proposed, agreement marked and steps ticked in their name. */
  role: Role;
  readOnly: boolean;
  /** How to name each role's member ("you" for the viewer). */
  names: Partial<Record<Role, string>>;
  /**
   * Awareness of `doc`, for the other person's carets and "is editing" marks (e.g.
   * `session.awareness` from `useDoc`). When left out, the open roadmap session of the
   * workspace in the address bar is used if `doc` is its document; null shows none.
   */
  awareness?: Awareness | null;
}

const isShown = (goal: Y.Map<unknown>) => goal.get('archived') !== true;

/** What to focus once the next render has happened. */
type FocusRequest = { kind: 'title' | 'handle'; id: string } | { kind: 'archived' } | { kind: 'add' };

/** The shared roadmap: the goals both people set, edited live by both. */
export function RoadmapView({ doc, role, readOnly, names, awareness: givenAwareness }: RoadmapViewProps) {
  const awareness = useRoadmapAwareness(doc, givenAwareness);
  const list = getGoals(doc);
  const all = useOrderedItems(list);
  const visible = all.filter(isShown);
  const archived = all.filter((goal) => !isShown(goal));
  const ids = visible.map((goal) => readString(goal, 'id'));
  const people = useMemo<People>(() => ({ viewer: role, names }), [role, names]);
  const [newGoalId, setNewGoalId] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const focusRequest = useRef<FocusRequest | null>(null);
  const addRef = useRef<HTMLButtonElement>(null);
  const hintId = useId();

  // A repeated message must still be read out: alternate an invisible suffix.
  const announce = (message: string) => setAnnouncement((previous) => (previous === message ? `${message}\u00a0` : message));

  const titleOf = (id: string): string => {
    const goal = all.find((item) => readString(item, 'id') === id);
    const title = goal ? readText(goal, 'title').trim() : '';
    return title ? `“${title}”` : 'The goal';
  };

  const moveGoal = (id: string, to: number) => {
    if (!moveItem(list, id, to, isShown)) return;
    announce(`${titleOf(id)} moved to position ${to + 1} of ${ids.length}.`);
  };
  const reorder = useReorder({ ids, onMove: moveGoal, disabled: readOnly });

  const onAddGoal = () => {
    const goal = addGoal(doc, { title: '', proposedBy: role });
    setNewGoalId(readString(goal, 'id'));
    announce(`Goal ${ids.length + 1} added.`);
  };

  const setArchived = (goal: Y.Map<unknown>, value: boolean) => {
    const id = readString(goal, 'id');
    const name = titleOf(id);
    goal.set('archived', value);
    if (value) {
      announce(`${name} archived. It is kept under Archived goals.`);
      focusRequest.current = visible.length > 1 ? { kind: 'archived' } : { kind: 'add' };
    } else {
      announce(`${name} is back among the goals.`);
      focusRequest.current = { kind: 'handle', id };
    }
  };

  useEffect(() => {
    const request = focusRequest.current;
    if (!request) return;
    focusRequest.current = null;
    const target =
      request.kind === 'archived'
        ? document.getElementById(archivedGoalId)
        : request.kind === 'add'
          ? (addRef.current ?? document.getElementById(archivedGoalId))
          : document.getElementById(goalHandleId(request.id));
    target?.focus();
  });

  const addButton = !readOnly && (
    <button type="button" ref={addRef} className="button button--primary" onClick={onAddGoal}>
      <Icon name="plus" />
      Add goal
    </button>
  );

  return (
    <section className="roadmap" aria-labelledby="roadmap-heading">
      <div className="roadmap__head">
        <h2 id="roadmap-heading">Goals</h2>
        {visible.length > 0 && <p className="roadmap__count">{visible.length === 1 ? '1 goal' : `${visible.length} goals`}</p>}
      </div>
      <p className="visually-hidden" id={hintId}>
        Drag to move the goal, or press Alt with the up or down arrow key.
      </p>
      <p className="visually-hidden" aria-live="polite" aria-atomic="true">
        {announcement}
      </p>

      {visible.length === 0 ? (
        <div className="roadmap-empty">
          <div className="roadmap-empty__art" aria-hidden="true">
            <span />
            <span />
            <span />
          </div>
          <h3 className="roadmap-empty__title">{all.length === 0 ? 'Add your first goal' : 'No goals in progress'}</h3>
          <p className="roadmap-empty__text">
            {all.length === 0
              ? 'Start with what matters most, in the client’s own words. You can both write at the same time, then agree on it together.'
              : 'Every goal is archived. Add a new one, or bring one back from the archive.'}
          </p>
          {readOnly ? null : addButton}
        </div>
      ) : (
        <>
          <ol className="goal-list-rm">
            {visible.map((goal, index) => {
              const id = ids[index]!;
              return (
                <li key={id} className="goal-list-rm__item" {...{ [REORDER_ITEM]: '' }} style={reorder.itemStyle(id)}>
                  <GoalCard
                    goal={goal}
                    number={index + 1}
                    count={visible.length}
                    people={people}
                    readOnly={readOnly}
                    awareness={awareness}
                    reorder={reorder}
                    reorderHintId={hintId}
                    autoFocus={id === newGoalId}
                    onMove={(to) => moveGoal(id, to)}
                    onArchive={() => setArchived(goal, true)}
                    announce={announce}
                  />
                </li>
              );
            })}
          </ol>
          {addButton && <div className="roadmap__add">{addButton}</div>}
        </>
      )}

      {archived.length > 0 && <ArchivedGoals goals={archived} readOnly={readOnly} onUnarchive={(goal) => setArchived(goal, false)} />}
    </section>
  );
}
