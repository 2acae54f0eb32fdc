import { useId, type ReactNode, type Ref } from 'react';
import { Icon } from './icons.js';

export interface GoalSectionProps {
  title: string;
  /** Beside the title, e.g. "2 of 5 done". */
  note?: ReactNode;
  /** Whether the list is empty: `emptyText` then says what belongs here. */
  empty: boolean;
  emptyText: string;
  /** Buttons below the list (adding to it). */
  actions?: ReactNode;
  children?: ReactNode;
}

/** One part of a goal (steps, strategies, homework): a heading, the list, and how to add to it. */
export function GoalSection({ title, note, empty, emptyText, actions, children }: GoalSectionProps) {
  const headingId = useId();
  return (
    <section className="goal-section" aria-labelledby={headingId}>
      <div className="goal-section__head">
        <h3 className="goal-section__title" id={headingId}>
          {title}
        </h3>
        {note && <span className="goal-section__count">{note}</span>}
      </div>
      {empty ? <p className="goal-section__empty">{emptyText}</p> : children}
      {actions && <div className="goal-section__actions">{actions}</div>}
    </section>
  );
}

/** "Add step", "Add strategy", …: a quiet dashed button. */
export function AddButton({ label, onClick, ref }: { label: string; onClick(): void; ref?: Ref<HTMLButtonElement> }) {
  return (
    <button type="button" className="rm-add" ref={ref} onClick={onClick}>
      <Icon name="plus" size={16} />
      {label}
    </button>
  );
}

export interface DateFieldProps {
  label: string;
  /** YYYY-MM-DD, or '' for none. */
  value: string;
  readOnly: boolean;
  /** The new date, or null when it was cleared. */
  onChange(value: string | null): void;
  ref?: Ref<HTMLInputElement>;
}

/** A labelled native date input (the phone's own date picker). */
export function DateField({ label, value, readOnly, onChange, ref }: DateFieldProps) {
  const id = useId();
  return (
    <div className="rm-inline-field">
      <label className="rm-label" htmlFor={id}>
        {label}
      </label>
      <input ref={ref} id={id} type="date" className="rm-input" value={value} disabled={readOnly} onChange={(event) => onChange(event.target.value || null)} />
    </div>
  );
}
