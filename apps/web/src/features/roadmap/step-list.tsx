import { addStep, moveItem, readString, removeItem, setStepDone, type Role } from '@alliance/shared';
import { useEffect, useId, useRef, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CollabText, type CollabTextHandle } from '../../components/collab-text/index.js';
import { useYMap, useYText } from '../../sync/hooks.js';
import { formatDay, formatMoment } from '../../lib/dates.js';
import { personName, type People } from './format.js';
import { AddButton, GoalSection } from './goal-section.js';
import { Icon } from './icons.js';
import { useOrderedItems } from './use-list-view.js';
import { useStepProgress } from './use-progress.js';
import { REORDER_ITEM, useReorder, type Reorder } from './use-reorder.js';

export interface StepListProps {
  goal: Y.Map<unknown>;
  steps: Y.Array<Y.Map<unknown>> | null;
  people: People;
  readOnly: boolean;
  awareness: Awareness | null;
  announce(message: string): void;
}

/** A goal's ordered steps: add, edit, tick done or undone, delete, reorder (drag or keyboard). */
export function StepList({ goal, steps, people, readOnly, awareness, announce }: StepListProps) {
  const items = useOrderedItems(steps);
  const ids = items.map((step) => readString(step, 'id'));
  const [focusId, setFocusId] = useState<string | null>(null);
  const addRef = useRef<HTMLButtonElement>(null);
  const hintId = useId();
  const progress = useStepProgress(steps);

  const reorder = useReorder({
    ids,
    disabled: readOnly,
    onMove: (id, to) => {
      if (steps && moveItem(steps, id, to)) announce(`Step moved to position ${to + 1} of ${ids.length}.`);
    },
  });

  const add = () => {
    const step = addStep(goal);
    if (step) setFocusId(readString(step, 'id'));
  };

  return (
    <GoalSection
      title="Steps"
      note={items.length > 0 ? `${progress.done} of ${progress.total} done` : undefined}
      empty={items.length === 0}
      emptyText="Small, concrete steps that lead towards this goal."
      actions={!readOnly && steps && <AddButton ref={addRef} label="Add step" onClick={add} />}
    >
      <p className="visually-hidden" id={hintId}>
        Drag to move, or use the up and down arrow keys.
      </p>
      <ol className="item-list item-list--steps">
        {items.map((step, index) => {
          const id = ids[index]!;
          return (
            <StepRow
              key={id}
              step={step}
              id={id}
              number={index + 1}
              people={people}
              readOnly={readOnly}
              awareness={awareness}
              reorder={reorder}
              hintId={hintId}
              autoFocus={focusId === id}
              onEnter={() => (index === items.length - 1 ? add() : setFocusId(ids[index + 1]!))}
              onDelete={() => {
                if (steps && removeItem(steps, id)) {
                  announce('Step deleted.');
                  addRef.current?.focus();
                }
              }}
            />
          );
        })}
      </ol>
    </GoalSection>
  );
}

const EMPTY_TEXT = new Y.Text();

interface StepRowProps {
  step: Y.Map<unknown>;
  id: string;
  number: number;
  people: People;
  readOnly: boolean;
  awareness: Awareness | null;
  reorder: Reorder;
  hintId: string;
  autoFocus: boolean;
  onEnter(): void;
  onDelete(): void;
}

function StepRow({ step, id, number, people, readOnly, awareness, reorder, hintId, autoFocus, onEnter, onDelete }: StepRowProps) {
  const fields = useYMap(step);
  const text = fields.get('text');
  const done = fields.get('done') === true;
  const doneBy = fields.get('doneBy');
  const doneAt = fields.get('doneAt');
  const value = useYText(text instanceof Y.Text ? text : EMPTY_TEXT).trim();
  const textRef = useRef<CollabTextHandle>(null);

  useEffect(() => {
    if (autoFocus) textRef.current?.focus();
  }, [autoFocus]);

  return (
    <li
      {...{ [REORDER_ITEM]: '' }}
      className={['step', done ? 'step--done' : '', reorder.dragging === id ? 'is-dragging' : ''].filter(Boolean).join(' ')}
      style={reorder.itemStyle(id)}
    >
      {!readOnly && (
        <button type="button" className="rm-handle" aria-label={`Move step ${number}`} aria-describedby={hintId} title="Drag, or use the arrow keys, to move" {...reorder.handleProps(id)}>
          <Icon name="grip" />
        </button>
      )}
      <span className="step__check">
        <input
          type="checkbox"
          checked={done}
          disabled={readOnly}
          aria-label={`Done: ${value || `step ${number}`}`}
          onChange={(event) => setStepDone(step, event.target.checked, people.viewer)}
        />
      </span>
      <div className="step__body">
        {text instanceof Y.Text ? (
          <CollabText
            ref={textRef}
            text={text}
            awareness={awareness}
            label="Step"
            className="step__text"
            placeholder="A small next step"
            readOnly={readOnly}
            onEnter={onEnter}
          />
        ) : (
          <p className="step__text">This step cannot be shown.</p>
        )}
        {done && (doneBy === 'therapist' || doneBy === 'client') && typeof doneAt === 'string' && (
          <p className="step__meta">
            Done by {personName(people, doneBy as Role)} ·{' '}
            <time dateTime={doneAt} title={formatMoment(doneAt)}>
              {formatDay(doneAt)}
            </time>
          </p>
        )}
      </div>
      {!readOnly && (
        <button type="button" className="rm-icon-button" aria-label={`Delete step ${number}`} title="Delete step" onClick={onDelete}>
          <Icon name="remove" size={16} />
        </button>
      )}
    </li>
  );
}
