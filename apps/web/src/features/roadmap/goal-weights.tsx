import { GOAL_WEIGHT_LABELS, GOAL_WEIGHT_OWNER, setGoalWeight, weightKeyOf } from '@alliance/shared';
import { useId } from 'react';
import type * as Y from 'yjs';
import { personName, type People } from './format.js';

export interface GoalWeightsProps {
  goal: Y.Map<unknown>;
  importance: number | null;
  difficulty: number | null;
  people: People;
  readOnly: boolean;
}

/**
 * The two halves of a goal's weight in the goal attainment score, each one person's say: how
 * much the goal matters (the client) and how hard it looks (the therapist). Each member sets
 * their own and sees the other's.
 */
export function GoalWeights({ goal, importance, difficulty, people, readOnly }: GoalWeightsProps) {
  const hintId = useId();
  const own = weightKeyOf(people.viewer);
  return (
    <fieldset className="goal-weights" aria-describedby={hintId}>
      <legend className="rm-label">Weight in the score</legend>
      <p className="attainment__hint" id={hintId}>
        When you have both said, goals count in the closing score by how much they matter and how hard they are.
      </p>
      <div className="goal-weights__row">
        <WeightSelect label={`How much it matters to ${personName(people, GOAL_WEIGHT_OWNER.importance)}`} value={importance} editable={!readOnly && own === 'importance'} onChange={(value) => setGoalWeight(goal, people.viewer, value)} />
        <WeightSelect label={`How hard ${personName(people, GOAL_WEIGHT_OWNER.difficulty) === 'you' ? 'you expect' : `${personName(people, GOAL_WEIGHT_OWNER.difficulty)} expects`} it to be`} value={difficulty} editable={!readOnly && own === 'difficulty'} onChange={(value) => setGoalWeight(goal, people.viewer, value)} />
      </div>
    </fieldset>
  );
}

function WeightSelect({ label, value, editable, onChange }: { label: string; value: number | null; editable: boolean; onChange: (value: number | null) => void }) {
  const id = useId();
  return (
    <div className="goal-weights__field">
      <label className="goal-weights__label" htmlFor={id}>
        {label}
      </label>
      {editable ? (
        <select id={id} className="rm-input" value={value ?? ''} onChange={(event) => onChange(event.target.value === '' ? null : Number(event.target.value))}>
          <option value="">Not said yet</option>
          {[1, 2, 3].map((level) => (
            <option key={level} value={level}>
              {GOAL_WEIGHT_LABELS[level]}
            </option>
          ))}
        </select>
      ) : (
        <output id={id} className="goal-weights__value">
          {value === null ? 'Not said yet' : GOAL_WEIGHT_LABELS[value]}
        </output>
      )}
    </div>
  );
}

