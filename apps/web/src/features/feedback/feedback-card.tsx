import { createReply, readString, type CardFlag, type Role } from '@alliance/shared';
import { useEffect, useId, useRef, useState, type FocusEvent } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { Button } from '../../components/button.js';
import { Confirm, useConfirmStep } from '../../components/confirm.js';
import { CollabText, type CollabTextHandle } from '../../components/collab-text/index.js';
import { formatDateTime } from '../../lib/dates.js';
import { publishEditing } from '../../lib/presence.js';
import { useYArray, useYMap } from '../../sync/hooks.js';
import { useCardEditors } from './use-card-editors.js';

export const FLAG_LABELS: Record<Exclude<CardFlag, 'none'>, string> = {
  talk: "Let's talk about this",
  repaired: 'Talked through',
};

interface CardProps {
  card: Y.Map<unknown>;
  role: Role;
  readOnly: boolean;
  awareness: Awareness | null;
  names: Partial<Record<Role, string>>;
  /** Focus the card when it appears (it was just shared). */
  autoFocus?: boolean;
  onDelete: (id: string) => void;
  announce: (message: string) => void;
}

/** Says in awareness that this person works on card `id` while focus is inside `element`. */
function useEditingMark(awareness: Awareness | null, id: string) {
  useEffect(
    () => () => {
      const editing = awareness?.getLocalState()?.editing as { id?: unknown } | null | undefined;
      if (awareness && editing?.id === id) publishEditing(awareness, null);
    },
    [awareness, id],
  );
  return {
    onFocus: () => publishEditing(awareness, { kind: 'card', id }),
    onBlur: (event: FocusEvent<HTMLElement>) => {
      if (!event.currentTarget.contains(event.relatedTarget as Node | null)) publishEditing(awareness, null);
    },
  };
}

/**
 * A card on the board. The client's words are theirs: only the client edits or deletes them;
 * the therapist reads them (live, with the client's caret), replies, and may ask to talk.
 */
export function FeedbackCard({ card, role, readOnly, awareness, names, autoFocus, onDelete, announce }: CardProps) {
  const fields = useYMap(card);
  const id = readString(card, 'id');
  const flag = (fields.get('flag') as CardFlag | undefined) ?? 'none';
  const text = fields.get('text');
  const replies = fields.get('replies');
  const createdAt = readString(card, 'createdAt');
  const editors = useCardEditors(awareness, id);
  const mark = useEditingMark(awareness, id);
  const textId = `card-text-${id}`;
  const { asking: confirmingDelete, ask: askDelete, done: keepIt, triggerRef: deleteRef } = useConfirmStep();
  const [newReply, setNewReply] = useState<string | null>(null);
  const articleRef = useRef<HTMLElement>(null);
  const isClient = role === 'client';
  const clientName = names.client === 'you' ? 'You' : (names.client ?? 'Your client');

  useEffect(() => {
    if (autoFocus) articleRef.current?.focus();
  }, [autoFocus]);

  const setFlag = (next: CardFlag) => {
    card.set('flag', next);
    announce(next === 'talk' ? "Marked: let's talk about this." : next === 'repaired' ? 'Marked as talked through.' : 'Mark removed.');
  };

  const onReply = () => {
    if (!(replies instanceof Y.Array)) return;
    const reply = createReply(role, '');
    replies.push([reply]);
    setNewReply(readString(reply, 'id'));
  };

  return (
    <article ref={articleRef} className={`feedback-card feedback-card--${flag}`} aria-labelledby={`${textId}-by`} tabIndex={-1} {...mark}>
      <header className="feedback-card__head">
        <span className="feedback-card__by" id={`${textId}-by`}>
          {isClient ? 'Your card' : `From ${clientName}`}
          <span className="visually-hidden">, written {formatDateTime(createdAt)}</span>
        </span>
        {flag !== 'none' && <span className={`flag flag--${flag}`}>{FLAG_LABELS[flag]}</span>}
      </header>
      {text instanceof Y.Text && (
        <CollabText
          text={text}
          awareness={awareness}
          id={textId}
          label="Feedback"
          multiline
          readOnly={!isClient || readOnly}
          placeholder="What would you like to say?"
          maxLength={20_000}
          className="feedback-card__text"
        />
      )}
      {editors.length > 0 && (
        <p className="feedback-card__editors">
          <span className="feedback-card__editors-dot" aria-hidden="true" />
          {editors.join(' and ')} {editors.length > 1 ? 'are' : 'is'} here
        </p>
      )}
      {replies instanceof Y.Array && <Replies replies={replies as Y.Array<Y.Map<unknown>>} role={role} readOnly={readOnly} awareness={awareness} names={names} focusId={newReply} onFocused={() => setNewReply(null)} />}
      {!readOnly && (
        <div className="feedback-card__actions">
          <Button variant="quiet" onClick={onReply} aria-describedby={textId}>
            Reply
          </Button>
          {flag !== 'talk' && (
            <Button variant="quiet" onClick={() => setFlag('talk')} aria-describedby={textId}>
              {FLAG_LABELS.talk}
            </Button>
          )}
          {isClient && flag === 'talk' && (
            <Button variant="quiet" onClick={() => setFlag('repaired')} aria-describedby={textId}>
              {FLAG_LABELS.repaired}
            </Button>
          )}
          {isClient && !confirmingDelete && (
            <Button ref={deleteRef} variant="quiet" className="button--danger-quiet" onClick={askDelete} aria-describedby={textId}>
              Delete card
            </Button>
          )}
        </div>
      )}
      {isClient && confirmingDelete && (
        <Confirm question="Delete this card?" confirmLabel="Delete" cancelLabel="Keep it" onConfirm={() => onDelete(id)} onCancel={keepIt}>
          Its replies go with it.
        </Confirm>
      )}
    </article>
  );
}

function Replies({
  replies,
  role,
  readOnly,
  awareness,
  names,
  focusId,
  onFocused,
}: {
  replies: Y.Array<Y.Map<unknown>>;
  role: Role;
  readOnly: boolean;
  awareness: Awareness | null;
  names: Partial<Record<Role, string>>;
  focusId: string | null;
  onFocused: () => void;
}) {
  const items = useYArray(replies);
  const listId = useId();
  if (items.length === 0) return null;
  return (
    <ul className="replies" aria-label="Replies" id={listId}>
      {items.map((reply) => (
        <ReplyItem key={readString(reply, 'id')} reply={reply} replies={replies} role={role} readOnly={readOnly} awareness={awareness} names={names} focus={readString(reply, 'id') === focusId} onFocused={onFocused} />
      ))}
    </ul>
  );
}

function ReplyItem({
  reply,
  replies,
  role,
  readOnly,
  awareness,
  names,
  focus,
  onFocused,
}: {
  reply: Y.Map<unknown>;
  replies: Y.Array<Y.Map<unknown>>;
  role: Role;
  readOnly: boolean;
  awareness: Awareness | null;
  names: Partial<Record<Role, string>>;
  focus: boolean;
  onFocused: () => void;
}) {
  const author = readString(reply, 'authorRole') === 'therapist' ? 'therapist' : 'client';
  const own = author === role;
  const text = reply.get('text');
  const field = useRef<CollabTextHandle>(null);
  const byId = useId();
  const name = own ? 'You' : (names[author] ?? (author === 'therapist' ? 'Your therapist' : 'Your client'));

  useEffect(() => {
    if (!focus) return;
    field.current?.focus();
    onFocused();
  }, [focus, onFocused]);

  // A reply left empty is taken back when its author leaves it.
  const onFocusChange = (focused: boolean) => {
    if (focused || !own || !(text instanceof Y.Text) || text.toString().trim() !== '') return;
    const index = replies.toArray().indexOf(reply);
    if (index >= 0) replies.delete(index, 1);
  };

  if (!(text instanceof Y.Text)) return null;
  return (
    <li className={`reply reply--${author}`}>
      <span className="reply__by" id={byId}>
        {name}
        <span className="reply__when"> · {formatDateTime(readString(reply, 'createdAt'))}</span>
      </span>
      <CollabText ref={field} text={text} awareness={awareness} label="Reply" describedBy={byId} multiline readOnly={!own || readOnly} placeholder="Write a reply" maxLength={20_000} onFocusChange={onFocusChange} className="reply__text" />
    </li>
  );
}
