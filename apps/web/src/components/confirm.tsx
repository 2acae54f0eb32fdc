import { useCallback, useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { Button } from './button.js';

/**
 * An action that asks first. While `asking`, the trigger gives way to a `Confirm`. `done`
 * closes the question (if open) and gives focus back to the trigger (`triggerRef`) once it is
 * there and can take it again.
 */
export function useConfirmStep() {
  const [asking, setAsking] = useState(false);
  const [returns, setReturns] = useState(0);
  const triggerRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (returns > 0) triggerRef.current?.focus();
  }, [returns]);

  const ask = useCallback(() => setAsking(true), []);
  const done = useCallback(() => {
    setAsking(false);
    setReturns((count) => count + 1);
  }, []);
  return { asking, ask, done, triggerRef };
}

export interface ConfirmProps {
  /** The short question, first in the text: "Delete this card?" */
  question: string;
  /** What happens, said after the question. */
  children: ReactNode;
  confirmLabel: string;
  cancelLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  /** `danger` for what cannot be undone; `calm` for a step that only needs a moment's thought. */
  tone?: 'danger' | 'calm';
  /** The confirmed action is running: neither choice can be pressed again. */
  busy?: boolean;
}

/**
 * A small inline "are you sure?": a group named by its text, with the safe choice focused
 * when it appears. Escape chooses the safe choice too.
 */
export function Confirm({ question, children, confirmLabel, cancelLabel, onConfirm, onCancel, tone = 'danger', busy = false }: ConfirmProps) {
  const textId = useId();
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'Escape' || busy) return;
    event.preventDefault();
    event.stopPropagation();
    onCancel();
  };
  return (
    <div className={`confirm confirm--${tone}`} role="group" aria-labelledby={textId} onKeyDown={onKeyDown}>
      <p id={textId}>
        <span className="confirm__question">{question}</span> {children}
      </p>
      <div className="button-row">
        <Button variant={tone === 'danger' ? 'secondary' : 'primary'} className={tone === 'danger' ? 'button--danger' : undefined} onClick={onConfirm} busy={busy}>
          {confirmLabel}
        </Button>
        <Button variant="quiet" onClick={onCancel} disabled={busy} autoFocus>
          {cancelLabel}
        </Button>
      </div>
    </div>
  );
}
