import { changedSinceAgreed, diffWords, ROLES, setAgreement, type AgreedWords, type Role } from '@alliance/shared';
import * as Y from 'yjs';
import { Button } from '../../components/button.js';
import { useYMap, useYText } from '../../sync/hooks.js';
import { formatDay, formatMoment } from '../../lib/dates.js';
import { otherRole, personName, sentenceName, type People } from './format.js';
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
  const changed = useChangedSinceAgreed(goal);

  return (
    <div className={changed.length > 0 ? 'agreement agreement--changed' : both ? 'agreement agreement--both' : 'agreement'}>
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
      {changed.length > 0 ? (
        <ChangedSinceAgreed goal={goal} changed={changed} people={people} readOnly={readOnly} />
      ) : (
        <p className="agreement__note">{both ? 'You both agree on this goal.' : 'A goal is agreed once you have both marked it.'}</p>
      )}
    </div>
  );
}

const EMPTY = new Y.Map<unknown>();
const NO_TEXT = new Y.Text();

function mapField(goal: Y.Map<unknown>, key: string): Y.Map<unknown> {
  const value = goal.get(key);
  return value instanceof Y.Map ? (value as Y.Map<unknown>) : EMPTY;
}

function textField(goal: Y.Map<unknown>, key: string): Y.Text {
  const value = goal.get(key);
  return value instanceof Y.Text ? value : NO_TEXT;
}

/** The marks whose words changed since, kept up to date as either person types or agrees. */
export function useChangedSinceAgreed(goal: Y.Map<unknown>): AgreedWords[] {
  // Subscribed for their changes; `changedSinceAgreed` reads the goal itself.
  useYMap(mapField(goal, 'agreedTitle'));
  useYMap(mapField(goal, 'agreedWhy'));
  useYText(textField(goal, 'title'));
  useYText(textField(goal, 'why'));
  return changedSinceAgreed(goal);
}

/**
 * An agreement is for the words agreed to: when the title or the why changed after someone
 * agreed, both see the change, word by word, and each confirms the new words again.
 */
function ChangedSinceAgreed({ goal, changed, people, readOnly }: { goal: Y.Map<unknown>; changed: AgreedWords[]; people: People; readOnly: boolean }) {
  const mine = changed.find((entry) => entry.role === people.viewer);
  // The change since the viewer agreed, or else since the other person did.
  const shown = mine ?? changed[0]!;
  const since =
    changed.length === 2 && changed[0]!.title.agreed === changed[1]!.title.agreed && changed[0]!.why.agreed === changed[1]!.why.agreed
      ? 'you both agreed'
      : mine
        ? 'you agreed'
        : `${personName(people, shown.role)} agreed`;
  const waitingOn = changed.filter((entry) => entry.role !== people.viewer).map((entry) => personName(people, entry.role));
  return (
    <div className="agreement__changed" role="note" aria-label="Changed since agreed">
      <p className="agreement__changed-title">
        <Icon name="alert" size={18} /> Changed since {since}
      </p>
      {shown.title.agreed !== shown.title.now && <WordsChange label="Title" before={shown.title.agreed} after={shown.title.now} />}
      {shown.why.agreed !== shown.why.now && <WordsChange label="Why this matters" before={shown.why.agreed} after={shown.why.now} />}
      <p className="agreement__changed-ask">
        {mine ? 'Read the change, then confirm you agree with the words as they are now.' : `${waitingOn.join(' and ')} will be asked to confirm the new words.`}
        {mine && waitingOn.length > 0 ? ` ${waitingOn.join(' and ')} will be asked too.` : ''}
      </p>
      {mine && !readOnly && (
        <Button variant="primary" className="agreement__confirm" onClick={() => setAgreement(goal, people.viewer, true)}>
          I agree to the new words
        </Button>
      )}
    </div>
  );
}

/** A text as it was and as it is, the removed words struck through and the added ones marked. */
function WordsChange({ label, before, after }: { label: string; before: string; after: string }) {
  return (
    <p className="words-change">
      <span className="words-change__label">{label}: </span>
      {diffWords(before, after).map((run, index) => {
        if (run.kind === 'same') return <span key={index}>{run.text}</span>;
        // The spaces around a change stay outside its mark, so only words are struck or underlined.
        const [, lead = '', words = '', trail = ''] = /^(\s*)([\s\S]*?)(\s*)$/.exec(run.text) ?? [];
        const Mark = run.kind === 'removed' ? 'del' : 'ins';
        return (
          <span key={index}>
            {lead}
            <Mark>
              <span className="visually-hidden">{run.kind === 'removed' ? 'removed: ' : 'added: '}</span>
              {words}
            </Mark>
            {trail}
          </span>
        );
      })}
    </p>
  );
}
