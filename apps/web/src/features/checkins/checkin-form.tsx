import './checkins.css';
import {
  CHECKIN_ITEM_LABELS,
  CHECKIN_ITEMS,
  CHECKIN_VISIBILITIES,
  CHOICES_OFFERED,
  CHOICES_OFFERED_LABELS,
  MAX_CHECKIN_NOTE,
  STEERING_LABELS,
  TREND_DISCLAIMER,
  type CheckinDto,
  type CheckinItem,
  type CheckinVisibility,
  type ChoicesOffered,
} from '@alliance/shared';
import { useId, useState, type FormEvent } from 'react';
import { Button } from '../../components/button.js';
import { createCheckin, errorMessage, updateCheckin } from '../../lib/api.js';

/** Each item's question, with what its two ends mean. */
const ITEM_ENDS: Record<CheckinItem, [string, string]> = {
  heard: ['not at all', 'completely'],
  wanted: ['not at all', 'completely'],
  fit: ['not at all', 'completely'],
  overall: ['not good', 'very good'],
};

const STEERING_STEPS = [-2, -1, 0, 1, 2] as const;

/** Who sees the answer, and when, in plain words. */
export const VISIBILITY_CHOICES: Record<CheckinVisibility, { label: string; hint: string }> = {
  now: { label: 'Now', hint: 'Your therapist can read your answers and your note straight away.' },
  next_session: { label: 'At the next session', hint: 'Your therapist sees your answers and your note once your next session starts, so you can talk about it together.' },
  trend: { label: 'Only in the trend', hint: 'Your therapist sees only the numbers, as part of the trend over sessions. Your note stays with you.' },
};

interface Answers {
  items: Record<CheckinItem, number>;
  steering: number;
  choicesOffered: ChoicesOffered | null;
  note: string;
  visibility: CheckinVisibility | null;
}

function answersOf(existing: CheckinDto | null): Answers {
  if (!existing) return { items: { heard: 5, wanted: 5, fit: 5, overall: 5 }, steering: 0, choicesOffered: null, note: '', visibility: null };
  return { items: { ...existing.items }, steering: existing.steering, choicesOffered: existing.choicesOffered, note: existing.note ?? '', visibility: existing.visibility };
}

/**
 * The after-session check-in: four 0–10 items in our own words, who steered, whether choices
 * were offered, a note, and when the therapist sees it. Answers a new check-in or changes one.
 */
export function CheckinForm({ workspaceId, sessionId, sessionNumber, existing, onSaved, onCancel }: { workspaceId: string; sessionId: string; sessionNumber: number; existing: CheckinDto | null; onSaved: (checkin: CheckinDto) => void; onCancel?: () => void }) {
  const id = useId();
  const [answers, setAnswers] = useState<Answers>(() => answersOf(existing));
  const [missing, setMissing] = useState<{ choices?: boolean; visibility?: boolean }>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const set = (change: Partial<Answers>) => setAnswers((previous) => ({ ...previous, ...change }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { choicesOffered, visibility } = answers;
    if (!choicesOffered || !visibility) {
      setMissing({ choices: !choicesOffered, visibility: !visibility });
      document.getElementById(`${id}-${!choicesOffered ? 'choices' : 'visibility'}`)?.querySelector('input')?.focus();
      return;
    }
    setMissing({});
    setBusy(true);
    setError(null);
    const body = { items: answers.items, steering: answers.steering, choicesOffered, visibility, note: answers.note.trim() || null };
    try {
      onSaved(existing ? await updateCheckin(workspaceId, existing.id, body) : await createCheckin(workspaceId, { sessionId, ...body }));
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="checkin-form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="checkin-form__title">
        {existing ? `Your check-in for session ${sessionNumber}` : `Check-in for session ${sessionNumber}`}
      </h3>
      <p className="muted checkin-form__lead">A minute or two, in your own time. There are no right answers. {TREND_DISCLAIMER}.</p>

      {CHECKIN_ITEMS.map((item) => (
        <ScoreSlider key={item} id={`${id}-${item}`} label={CHECKIN_ITEM_LABELS[item]} ends={ITEM_ENDS[item]} value={answers.items[item]} onChange={(value) => set({ items: { ...answers.items, [item]: value } })} />
      ))}

      <fieldset className="choice-group steering-scale">
        <legend className="choice-group__legend">Who steered today?</legend>
        <p className="field__hint">From “my therapist led” to “I led”, with “shared” in the middle.</p>
        <div className="steering-scale__options">
          {STEERING_STEPS.map((step) => (
            <label key={step} className={answers.steering === step ? 'choice choice--checked' : 'choice'}>
              <input type="radio" name={`${id}-steering`} value={step} checked={answers.steering === step} onChange={() => set({ steering: step })} />
              <span className="choice__label">{STEERING_LABELS[step]}</span>
            </label>
          ))}
        </div>
      </fieldset>

      <fieldset className="choice-group" id={`${id}-choices`} aria-describedby={missing.choices ? `${id}-choices-error` : undefined}>
        <legend className="choice-group__legend">Was I offered choices?</legend>
        <div className="checkin-form__row">
          {CHOICES_OFFERED.map((choice) => (
            <label key={choice} className={answers.choicesOffered === choice ? 'choice choice--checked' : 'choice'}>
              <input type="radio" name={`${id}-choices`} value={choice} checked={answers.choicesOffered === choice} onChange={() => set({ choicesOffered: choice })} />
              <span className="choice__label">{CHOICES_OFFERED_LABELS[choice]}</span>
            </label>
          ))}
        </div>
        {missing.choices && (
          <p className="field__error" id={`${id}-choices-error`}>
            Choose yes, some or no.
          </p>
        )}
      </fieldset>

      <div className="field">
        <label className="field__label" htmlFor={`${id}-note`}>
          Anything you want to add? <span className="muted">(optional)</span>
        </label>
        <textarea
          id={`${id}-note`}
          className="field__input checkin-form__note"
          rows={3}
          maxLength={MAX_CHECKIN_NOTE}
          value={answers.note}
          onChange={(event) => set({ note: event.target.value })}
          placeholder="What helped, what didn’t, how it felt"
          aria-describedby={`${id}-note-hint`}
        />
        <p className="field__hint" id={`${id}-note-hint`}>
          {answers.visibility === 'trend' ? 'With “Only in the trend”, your therapist never sees this note.' : 'Your therapist reads it when you choose below.'}
        </p>
      </div>

      <fieldset className="choice-group" id={`${id}-visibility`} aria-describedby={missing.visibility ? `${id}-visibility-error` : undefined}>
        <legend className="choice-group__legend">When does your therapist see this?</legend>
        <div className="choice-group__options">
          {CHECKIN_VISIBILITIES.map((visibility) => (
            <label key={visibility} className={answers.visibility === visibility ? 'choice choice--checked' : 'choice'}>
              <input type="radio" name={`${id}-visibility`} value={visibility} checked={answers.visibility === visibility} onChange={() => set({ visibility })} aria-describedby={`${id}-visibility-${visibility}`} />
              <span className="choice__text">
                <span className="choice__label">{VISIBILITY_CHOICES[visibility].label}</span>
                <span className="choice__hint" id={`${id}-visibility-${visibility}`}>
                  {VISIBILITY_CHOICES[visibility].hint}
                </span>
              </span>
            </label>
          ))}
        </div>
        {missing.visibility && (
          <p className="field__error" id={`${id}-visibility-error`}>
            Choose when your therapist sees it.
          </p>
        )}
      </fieldset>

      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
      <div className="button-row">
        <Button type="submit" variant="primary" busy={busy}>
          {existing ? 'Save my changes' : 'Send my check-in'}
        </Button>
        {onCancel && (
          <Button variant="quiet" onClick={onCancel}>
            {existing ? 'Keep it as it was' : 'Not now'}
          </Button>
        )}
      </div>
      <p className="muted checkin-form__after">You can change your answer until session {sessionNumber + 1} starts.</p>
    </form>
  );
}

/** A 0–10 slider with its label, its value in words and what its ends mean. */
function ScoreSlider({ id, label, ends, value, onChange }: { id: string; label: string; ends: [string, string]; value: number; onChange: (value: number) => void }) {
  return (
    <div className="score-slider">
      <div className="score-slider__head">
        <label className="field__label" htmlFor={id}>
          {label}
        </label>
        <output className="score-slider__value" htmlFor={id} aria-hidden="true">
          {value}
        </output>
      </div>
      <input
        id={id}
        className="score-slider__input"
        type="range"
        min={0}
        max={10}
        step={1}
        value={value}
        onChange={(event) => onChange(Number(event.target.value))}
        aria-valuetext={`${value} of 10`}
        aria-describedby={`${id}-ends`}
      />
      <p className="score-slider__ends" id={`${id}-ends`}>
        <span>0 — {ends[0]}</span>
        <span>10 — {ends[1]}</span>
      </p>
    </div>
  );
}
