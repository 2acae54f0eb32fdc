import { useId } from 'react';
import type * as Y from 'yjs';
import { ATTAINMENT_LEVELS } from './goal-status.js';

export interface AttainmentProps {
  goal: Y.Map<unknown>;
  goalId: string;
  value: number | null;
  readOnly: boolean;
}

/**
 * Progress on the goal attainment scale (−2 … +2), as radio buttons with plain-language
 * labels. The wording says what it is: a shared reflection on the process, not a validated
 * measure.
 */
export function Attainment({ goal, goalId, value, readOnly }: AttainmentProps) {
  const hintId = useId();
  const current = ATTAINMENT_LEVELS.find((level) => level.value === value);
  return (
    <fieldset className="attainment" aria-describedby={hintId}>
      <legend className="rm-label">Progress</legend>
      <p className="attainment__hint" id={hintId}>
        Goal attainment scaling, −2 to +2: how it is going compared with what you expected. Process feedback for the two of you, not a validated measure.
      </p>
      <div className="attainment__scale">
        {ATTAINMENT_LEVELS.map((level) => (
          <label key={level.value} className="attainment__option">
            <input
              type="radio"
              className="attainment__input"
              name={`attainment-${goalId}`}
              value={level.value}
              checked={value === level.value}
              disabled={readOnly}
              onChange={() => goal.set('attainment', level.value)}
            />
            <span className="attainment__sign">{level.sign}</span>
            <span className="attainment__label">{level.label}</span>
          </label>
        ))}
      </div>
      <div className="attainment__foot">
        <p className="attainment__current" aria-hidden="true">
          {current ? `${current.sign} · ${current.label}` : 'Not rated yet'}
        </p>
        {value !== null && !readOnly && (
          <button type="button" className="rm-link" onClick={() => goal.set('attainment', null)}>
            Clear rating
          </button>
        )}
      </div>
    </fieldset>
  );
}
