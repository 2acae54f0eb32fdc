import { goalStatus, readString } from '@alliance/shared';
import * as Y from 'yjs';
import { useYMap, useYText } from '../../sync/hooks.js';
import { GOAL_STATUS_LABELS } from './goal-status.js';
import { Icon } from './icons.js';

/** The id of the archive's summary, so focus can go there after a goal is archived. */
export const archivedGoalId = 'roadmap-archived-summary';

export interface ArchivedGoalsProps {
  goals: readonly Y.Map<unknown>[];
  readOnly: boolean;
  onUnarchive(goal: Y.Map<unknown>): void;
}

/** Goals set aside: kept (with everything in them), folded away, and can come back. */
export function ArchivedGoals({ goals, readOnly, onUnarchive }: ArchivedGoalsProps) {
  return (
    <details className="roadmap-archived">
      <summary id={archivedGoalId} className="roadmap-archived__summary">
        <Icon name="chevron" />
        Archived goals ({goals.length})
      </summary>
      <ul className="roadmap-archived__list">
        {goals.map((goal) => (
          <ArchivedGoal key={readString(goal, 'id')} goal={goal} readOnly={readOnly} onUnarchive={() => onUnarchive(goal)} />
        ))}
      </ul>
    </details>
  );
}

const EMPTY = new Y.Text();

function ArchivedGoal({ goal, readOnly, onUnarchive }: { goal: Y.Map<unknown>; readOnly: boolean; onUnarchive(): void }) {
  const fields = useYMap(goal);
  const title = fields.get('title');
  const text = useYText(title instanceof Y.Text ? title : EMPTY).trim();
  const status = goalStatus(goal);
  return (
    <li className="roadmap-archived__goal">
      <div className="roadmap-archived__text">
        <span className="roadmap-archived__title">{text || 'A goal without a title'}</span>
        <span className={`goal-pill goal-pill--${status}`}>{GOAL_STATUS_LABELS[status]}</span>
      </div>
      {!readOnly && (
        <button type="button" className="rm-small-button" onClick={onUnarchive} aria-label={`Unarchive ${text ? `“${text}”` : 'goal'}`}>
          <Icon name="restore" size={16} />
          Unarchive
        </button>
      )}
    </li>
  );
}
