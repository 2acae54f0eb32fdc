import { ROLES, setAgreement, type Role } from '@alliance/shared';
import type * as Y from 'yjs';
import { formatDay, formatMoment, otherRole, personName, sentenceName, type People } from './format.js';
import { Icon } from './icons.js';

export interface AgreementProps {
  goal: Y.Map<unknown>;
  /** The goal's `agreedBy` entries (role → ISO time), as read by `useYMap`. */
  marks: ReadonlyMap<string, unknown>;
  people: People;
  readOnly: boolean;
}

function markOf(marks: ReadonlyMap<string, unknown>, role: Role): string | null {
  const at = marks.get(role);
  return typeof at === 'string' ? at : null;
}

/**
 * Agreement by both: each member toggles only their own mark; each mark shows who and when.
 * The goal's status follows the marks (see `setAgreement`).
 */
export function Agreement({ goal, marks, people, readOnly }: AgreementProps) {
  const mine = markOf(marks, people.viewer);
  const theirs = markOf(marks, otherRole(people.viewer));
  const both = mine !== null && theirs !== null;
  const order: Role[] = [people.viewer, ...ROLES.filter((role) => role !== people.viewer)];

  return (
    <div className={both ? 'agreement agreement--both' : 'agreement'}>
      <button
        type="button"
        className="agree-toggle"
        aria-pressed={mine !== null}
        disabled={readOnly}
        onClick={() => setAgreement(goal, people.viewer, mine === null)}
      >
        <span className="agree-toggle__box" aria-hidden="true">
          <Icon name="check" size={16} />
        </span>
        I agree
      </button>
      <ul className="agreement__marks" aria-label="Who agrees">
        {order.map((role) => {
          const at = markOf(marks, role);
          const name = sentenceName(people, role);
          const waitingFor = personName(people, role);
          return (
            <li key={role} className={at ? 'agreement__mark agreement__mark--set' : 'agreement__mark'}>
              {at ? (
                <>
                  {name} agreed ·{' '}
                  <time dateTime={at} title={formatMoment(at)}>
                    {formatDay(at)}
                  </time>
                </>
              ) : role === people.viewer ? (
                'You have not agreed yet'
              ) : (
                `Waiting for ${waitingFor}`
              )}
            </li>
          );
        })}
      </ul>
      <p className="agreement__note">{both ? 'You both agree on this goal.' : 'A goal is agreed once you have both marked it.'}</p>
    </div>
  );
}
