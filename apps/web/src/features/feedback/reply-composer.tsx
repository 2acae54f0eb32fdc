import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Button } from '../../components/button.js';
import { writeReplyDraft } from './reply-draft.js';

const MAX_REPLY = 20_000;

export interface ReplyComposerProps {
  /** Where the words wait in this tab until they are sent (see reply-draft.ts). */
  storageKey: string;
  /** The words to start from: what was kept, or the reply being edited. */
  initialText: string;
  label: string;
  submitLabel: string;
  /** Who will see it once sent, for the note under the field. */
  note: string;
  onSubmit: (text: string) => void;
  onCancel: () => void;
}

/**
 * Writing a reply in private: nothing reaches the shared board while typing; "Send reply" (or
 * "Save") hands over the whole text at once. Ctrl+Enter sends, Escape puts it away.
 */
export function ReplyComposer({ storageKey, initialText, label, submitLabel, note, onSubmit, onCancel }: ReplyComposerProps) {
  const [text, setText] = useState(initialText);
  const field = useRef<HTMLTextAreaElement>(null);
  const fieldId = useId();
  const noteId = useId();
  const empty = text.trim() === '';

  useEffect(() => {
    const element = field.current;
    if (!element) return;
    element.focus();
    element.setSelectionRange(element.value.length, element.value.length);
  }, []);

  const change = (next: string) => {
    setText(next);
    writeReplyDraft(storageKey, next);
  };
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (empty) return;
    onSubmit(text.trim());
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) submit(event);
    else if (event.key === 'Escape') {
      event.preventDefault();
      onCancel();
    }
  };

  return (
    <form className="reply-composer" onSubmit={submit}>
      <label className="visually-hidden" htmlFor={fieldId}>
        {label}
      </label>
      <textarea
        ref={field}
        id={fieldId}
        className="reply-composer__field"
        value={text}
        maxLength={MAX_REPLY}
        rows={3}
        placeholder="Write a reply"
        aria-describedby={noteId}
        onChange={(event) => change(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <p className="reply-composer__note" id={noteId}>
        {note}
      </p>
      <div className="reply-composer__actions">
        <Button type="submit" variant="primary" disabled={empty}>
          {submitLabel}
        </Button>
        <Button variant="quiet" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
