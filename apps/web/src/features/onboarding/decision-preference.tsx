import { DECISION_PREFERENCE_LABELS, DECISION_PREFERENCES, type DecisionPreference } from '@alliance/shared';
import { useId } from 'react';

export const DECISION_QUESTION = 'How would you like decisions to be made?';

const HINTS: Record<DecisionPreference, string> = {
  client: 'You choose the direction; your therapist offers ideas.',
  together: 'You and your therapist talk it through and agree.',
  therapist: 'Your therapist suggests the way; you can always say no.',
};

/** The client's choice of how decisions about their therapy are made: a radio group. */
export function DecisionPreferenceField({
  value,
  onChange,
  hint,
  error,
  disabled,
}: {
  value: DecisionPreference | null;
  onChange: (value: DecisionPreference) => void;
  hint?: string;
  error?: string | null;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <fieldset className="choice-group" aria-describedby={[hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined} disabled={disabled}>
      <legend className="choice-group__legend">{DECISION_QUESTION}</legend>
      {hint && (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <div className="choice-group__options">
        {DECISION_PREFERENCES.map((preference) => (
          <label key={preference} className={value === preference ? 'choice choice--checked' : 'choice'}>
            <input type="radio" name={`${id}-preference`} value={preference} checked={value === preference} onChange={() => onChange(preference)} aria-describedby={`${id}-${preference}`} />
            <span className="choice__text">
              <span className="choice__label">{DECISION_PREFERENCE_LABELS[preference]}</span>
              <span className="choice__hint" id={`${id}-${preference}`}>
                {HINTS[preference]}
              </span>
            </span>
          </label>
        ))}
      </div>
      {error && (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </fieldset>
  );
}
