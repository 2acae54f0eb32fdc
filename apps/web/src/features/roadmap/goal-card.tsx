import {
  GOAL_STATUSES,
  goalList,
  goalSpec,
  goalStatus,
  isRole,
  readString,
  reconcileAgreement,
  selectableStatuses,
  setGoalStatus,
  statusForAgreement,
  type GoalStatus,
} from '@alliance/shared';
import { useEffect, useId, useRef, type CSSProperties } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CollabText, type CollabTextHandle } from '../../components/collab-text/index.js';
import { useYMap } from '../../sync/hooks.js';
import { Agreement, useChangedSinceAgreed } from './agreement.js';
import { Attainment } from './attainment.js';
import { formatDay } from '../../lib/dates.js';
import { GoalWeights } from './goal-weights.js';
import { dateInputValue, personName, type People } from './format.js';
import { DateField } from './goal-section.js';
import { GOAL_STATUS_LABELS } from './goal-status.js';
import { HomeworkList } from './homework-list.js';
import { Icon } from './icons.js';
import { publishGoalEditing, useClearEditingOnUnmount, useGoalEditors } from './presence.js';
import { StepList } from './step-list.js';
import { StrategyList } from './strategy-list.js';
import { useCollapsed } from './use-collapsed.js';
import { useStepProgress } from './use-progress.js';
import type { Reorder } from './use-reorder.js';

export interface GoalCardProps {
  goal: Y.Map<unknown>;
  /** Its position among the goals shown (1-based) and how many there are. */
  number: number;
  count: number;
  people: People;
  readOnly: boolean;
  awareness: Awareness | null;
  reorder: Reorder;
  /** Describes how the handle moves the goal (id of a hidden hint). */
  reorderHintId: string;
  autoFocus?: boolean;
  onMove(toIndex: number): void;
  onArchive(): void;
  announce(message: string): void;
}

const titleSpec = goalSpec.fields.title;
const TITLE_MAX_LENGTH = titleSpec?.kind === 'text' ? titleSpec.maxLength : undefined;
const NO_MARKS = new Y.Map<unknown>();

/** The element id of a goal's drag handle, so focus can be put back on it. */
export function goalHandleId(id: string): string {
  return `goal-${id}-handle`;
}

/**
 * One goal, edited live by both: title, why it matters (the client's words), status, who
 * proposed it, agreement by both, target date, progress, and its steps, strategies and
 * homework. Folds to its title in this browser; shows who else is working in it.
 */
export function GoalCard({ goal, number, count, people, readOnly, awareness, reorder, reorderHintId, autoFocus, onMove, onArchive, announce }: GoalCardProps) {
  const fields = useYMap(goal);
  const id = readString(goal, 'id') || `goal-${number}`;
  const title = fields.get('title');
  const why = fields.get('why');
  const status = goalStatus(goal);
  const proposedBy = fields.get('proposedBy');
  const attainment = fields.get('attainment');
  const importance = fields.get('importance');
  const difficulty = fields.get('difficulty');
  const targetDate = dateInputValue(fields.get('targetDate'));
  const agreedBy = fields.get('agreedBy');
  const marks = useYMap(agreedBy instanceof Y.Map ? (agreedBy as Y.Map<unknown>) : NO_MARKS);
  const [collapsed, setCollapsed] = useCollapsed(id);
  const editors = useGoalEditors(awareness, id);
  const titleRef = useRef<CollabTextHandle>(null);
  const upRef = useRef<HTMLButtonElement>(null);
  const downRef = useRef<HTMLButtonElement>(null);
  const bodyId = useId();
  const numberId = `goal-${id}-number`;
  const whyLabelId = `goal-${id}-why-label`;
  const whyHintId = `goal-${id}-why-hint`;
  const statusId = `goal-${id}-status`;
  const allowed = selectableStatuses(goal);
  const stepsList = goalList(goal, 'steps');
  const progress = useStepProgress(stepsList);
  const changedSinceAgreed = useChangedSinceAgreed(goal).length > 0;

  // Two people marking at the same moment each saw only their own mark; whoever notices first
  // sets the status the marks call for (both would write the same value).
  const statusNeedsFix = statusForAgreement(goal) !== null;
  useEffect(() => {
    if (statusNeedsFix && !readOnly) reconcileAgreement(goal);
  }, [statusNeedsFix, readOnly, goal]);

  useEffect(() => {
    if (autoFocus) titleRef.current?.focus();
  }, [autoFocus]);

  useClearEditingOnUnmount(awareness, id);

  const move = (delta: -1 | 1) => {
    const target = number - 1 + delta;
    onMove(target);
    // The pressed button may have moved with the card or become unusable at an end: keep
    // focus on a move button of this goal.
    requestAnimationFrame(() => {
      const atEnd = target === 0 || target === count - 1;
      const same = delta < 0 ? upRef.current : downRef.current;
      const other = delta < 0 ? downRef.current : upRef.current;
      (atEnd ? other : same)?.focus();
    });
  };

  const editorStyle = editors[0] ? ({ '--editor-color': editors[0].color } as CSSProperties) : undefined;
  const dragging = reorder.dragging === id;

  return (
    <article
      className={['goal-card', `goal-card--${status}`, editors.length > 0 ? 'goal-card--shared' : '', dragging ? 'is-dragging' : ''].filter(Boolean).join(' ')}
      aria-labelledby={numberId}
      style={editorStyle}
      onFocus={() => publishGoalEditing(awareness, id)}
      onBlur={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) publishGoalEditing(awareness, null);
      }}
    >
      <header className="goal-card__head">
        {!readOnly && (
          <button
            type="button"
            id={goalHandleId(id)}
            className="rm-handle goal-card__handle"
            aria-label={`Move goal ${number}`}
            aria-describedby={reorderHintId}
            title="Drag, or use Alt + arrow keys, to move"
            {...reorder.handleProps(id)}
          >
            <Icon name="grip" />
          </button>
        )}
        <p className="goal-card__number" id={numberId}>
          Goal {number}
        </p>
        <span className={`goal-pill goal-pill--${status}`}>{GOAL_STATUS_LABELS[status]}</span>
        {changedSinceAgreed && <span className="goal-pill goal-pill--changed">Changed since agreed</span>}
        {editors.map((editor) => (
          <span key={editor.key} className="goal-card__editing" style={{ '--editor-color': editor.color } as CSSProperties}>
            <span className="goal-card__editing-dot" aria-hidden="true" />
            {editor.name} is editing
          </span>
        ))}
        <button
          type="button"
          className="rm-icon-button goal-card__fold"
          aria-expanded={!collapsed}
          aria-controls={bodyId}
          aria-label={`Details of goal ${number}`}
          title={collapsed ? 'Show details' : 'Hide details'}
          onClick={() => setCollapsed(!collapsed)}
        >
          <Icon name="chevron" />
        </button>
      </header>

      {title instanceof Y.Text ? (
        <CollabText
          ref={titleRef}
          text={title}
          awareness={awareness}
          label="Goal title"
          className="goal-card__title"
          placeholder="What would you like to work towards?"
          maxLength={TITLE_MAX_LENGTH}
          readOnly={readOnly}
        />
      ) : (
        <p className="goal-card__title">This goal&rsquo;s title cannot be shown.</p>
      )}

      {collapsed && (
        <p className="goal-card__summary">
          {isRole(proposedBy) && <span>Proposed by {personName(people, proposedBy)}</span>}
          {progress.total > 0 && (
            <span>
              {progress.done} of {progress.total} steps done
            </span>
          )}
          {targetDate && <span>Target {formatDay(targetDate)}</span>}
        </p>
      )}

      <div className="goal-card__body" id={bodyId} hidden={collapsed}>
        {!collapsed && (
          <>
            <div className="rm-field">
              <span className="rm-label" id={whyLabelId}>
                Why this matters to me
              </span>
              {why instanceof Y.Text ? (
                <CollabText
                  text={why}
                  awareness={awareness}
                  labelledBy={whyLabelId}
                  describedBy={whyHintId}
                  multiline
                  placeholder="What will be different when you get there?"
                  readOnly={readOnly}
                />
              ) : (
                <p>This text cannot be shown.</p>
              )}
              <p className="rm-hint" id={whyHintId}>
                In the client&rsquo;s own words.
              </p>
            </div>

            <div className="goal-card__facts">
              <div className="rm-inline-field">
                <label className="rm-label" htmlFor={statusId}>
                  Status
                </label>
                <select id={statusId} className="rm-input" value={status} disabled={readOnly} onChange={(event) => setGoalStatus(goal, event.target.value as GoalStatus)}>
                  {GOAL_STATUSES.map((option) => (
                    <option key={option} value={option} disabled={!allowed.includes(option)}>
                      {GOAL_STATUS_LABELS[option]}
                      {option === 'agreed' && !allowed.includes(option) ? ' (when you both agree)' : ''}
                    </option>
                  ))}
                </select>
              </div>
              <DateField label="Target date" value={targetDate} readOnly={readOnly} onChange={(value) => goal.set('targetDate', value)} />
              {isRole(proposedBy) && (
                <p className="goal-card__proposer">
                  Proposed by <strong>{personName(people, proposedBy)}</strong>
                </p>
              )}
            </div>

            <Agreement goal={goal} marks={marks} people={people} readOnly={readOnly} />

            <Attainment goal={goal} goalId={id} value={typeof attainment === 'number' ? attainment : null} readOnly={readOnly} />
            <GoalWeights goal={goal} importance={typeof importance === 'number' ? importance : null} difficulty={typeof difficulty === 'number' ? difficulty : null} people={people} readOnly={readOnly} />

            <StepList goal={goal} steps={stepsList} people={people} readOnly={readOnly} awareness={awareness} announce={announce} />
            <StrategyList goal={goal} strategies={goalList(goal, 'strategies')} readOnly={readOnly} awareness={awareness} announce={announce} />
            <HomeworkList goal={goal} homework={goalList(goal, 'homework')} people={people} readOnly={readOnly} awareness={awareness} announce={announce} />

            {!readOnly && (
              <footer className="goal-card__foot">
                <div className="goal-card__moves">
                  <button type="button" ref={upRef} className="rm-small-button" disabled={number === 1} onClick={() => move(-1)}>
                    <Icon name="up" size={16} />
                    Move up
                  </button>
                  <button type="button" ref={downRef} className="rm-small-button" disabled={number === count} onClick={() => move(1)}>
                    <Icon name="down" size={16} />
                    Move down
                  </button>
                </div>
                <button type="button" className="rm-small-button" onClick={onArchive}>
                  <Icon name="archive" size={16} />
                  Archive goal
                </button>
              </footer>
            )}
          </>
        )}
      </div>
    </article>
  );
}
