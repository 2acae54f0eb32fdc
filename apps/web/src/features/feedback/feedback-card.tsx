import { editReply, readString, sendReply, type CardFlag, type Role } from '@alliance/shared';
import { useEffect, useId, useRef, useState, type FocusEvent } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { Button } from '../../components/button.js';
import { Confirm, useConfirmStep } from '../../components/confirm.js';
import { CollabText } from '../../components/collab-text/index.js';
import { formatDateTime } from '../../lib/dates.js';
import { publishEditing } from '../../lib/presence.js';
import { useYArray, useYMap, useYText } from '../../sync/hooks.js';
import { isNewSince } from '../seen/new-since.js';
import { NewMark } from '../seen/new-mark.js';
import { ReplyComposer } from './reply-composer.js';
import { readReplyDraft, replyDraftKey, writeReplyDraft } from './reply-draft.js';
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
  /** Who is signed in: their replies being written are kept under their name in this tab. */
  userId: string;
  /** The person's last look at the board before this visit (see `useSeen`): what the other person added since is marked new. */
  seenAt: string | null | undefined;
  /** Focus the card when it appears (it was just shared). */
  autoFocus?: boolean;
  onDelete: (id: string) => void;
  announce: (message: string) => void;
}

const capitalized = (words: string) => words.charAt(0).toUpperCase() + words.slice(1);

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
export function FeedbackCard({ card, role, readOnly, awareness, names, userId, seenAt, autoFocus, onDelete, announce }: CardProps) {
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
  const draftKey = replyDraftKey(userId, { cardId: id });
  // A reply being written when the page was reloaded opens again, with its words.
  const [composing, setComposing] = useState(() => readReplyDraft(draftKey) !== null);
  const replyButton = useRef<HTMLButtonElement>(null);
  const [focusReply, setFocusReply] = useState(0);
  const articleRef = useRef<HTMLElement>(null);
  const isClient = role === 'client';
  const clientName = names.client === 'you' ? 'You' : (names.client ?? 'Your client');
  const isNew = readString(card, 'authorRole') !== role && isNewSince(createdAt, seenAt);
  const otherName = isClient ? (names.therapist && names.therapist !== 'you' ? names.therapist : 'your therapist') : names.client && names.client !== 'you' ? names.client : 'your client';

  useEffect(() => {
    if (focusReply > 0) replyButton.current?.focus();
  }, [focusReply]);

  useEffect(() => {
    if (autoFocus) articleRef.current?.focus();
  }, [autoFocus]);

  const setFlag = (next: CardFlag) => {
    card.set('flag', next);
    announce(next === 'talk' ? "Marked: let's talk about this." : next === 'repaired' ? 'Marked as talked through.' : 'Mark removed.');
  };

  const closeComposer = () => {
    writeReplyDraft(draftKey, null);
    setComposing(false);
    setFocusReply((count) => count + 1);
  };
  const onSend = (words: string) => {
    if (!card.doc || !sendReply(card.doc, card, role, words)) return;
    closeComposer();
    announce(`Reply sent. ${capitalized(otherName)} can read it now.`);
  };

  return (
    <article ref={articleRef} className={`feedback-card feedback-card--${flag}`} aria-labelledby={`${textId}-by`} tabIndex={-1} {...mark}>
      <header className="feedback-card__head">
        <span className="feedback-card__by" id={`${textId}-by`}>
          {isClient ? 'Your card' : `From ${clientName}`}
          <span className="visually-hidden">, written {formatDateTime(createdAt)}</span>
        </span>
        {isNew && <NewMark what="card" />}
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
      {replies instanceof Y.Array && <Replies replies={replies as Y.Array<Y.Map<unknown>>} role={role} readOnly={readOnly} names={names} userId={userId} seenAt={seenAt} otherName={otherName} announce={announce} />}
      {!readOnly && composing && (
        <ReplyComposer
          storageKey={draftKey}
          initialText={readReplyDraft(draftKey) ?? ''}
          label="Reply"
          submitLabel="Send reply"
          note={`Only you can see this until you send it. Then ${otherName} reads it whole.`}
          onSubmit={onSend}
          onCancel={closeComposer}
        />
      )}
      {!readOnly && (
        <div className="feedback-card__actions">
          {!composing && (
            <Button ref={replyButton} variant="quiet" onClick={() => setComposing(true)} aria-describedby={textId}>
              Reply
            </Button>
          )}
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
  ...rest
}: { replies: Y.Array<Y.Map<unknown>> } & Omit<ReplyProps, 'reply' | 'replies'>) {
  const items = useYArray(replies);
  const listId = useId();
  if (items.length === 0) return null;
  return (
    <ul className="replies" aria-label="Replies" id={listId}>
      {items.map((reply) => (
        <ReplyItem key={readString(reply, 'id')} reply={reply} replies={replies} {...rest} />
      ))}
    </ul>
  );
}

interface ReplyProps {
  reply: Y.Map<unknown>;
  replies: Y.Array<Y.Map<unknown>>;
  role: Role;
  readOnly: boolean;
  names: Partial<Record<Role, string>>;
  userId: string;
  seenAt: string | null | undefined;
  /** The other member, as the words under the composer name them. */
  otherName: string;
  announce: (message: string) => void;
}

/**
 * One reply: its words as sent, who wrote it and when, "edited" once its author changed it.
 * Its author edits it in the same private composer and saves the change whole, or removes it.
 */
function ReplyItem({ reply, replies, role, readOnly, names, userId, seenAt, otherName, announce }: ReplyProps) {
  const fields = useYMap(reply);
  const id = readString(reply, 'id');
  const author = fields.get('authorRole') === 'therapist' ? 'therapist' : 'client';
  const own = author === role;
  const text = fields.get('text');
  const createdAt = readString(reply, 'createdAt');
  const editedAt = fields.get('editedAt');
  const byId = useId();
  const name = own ? 'You' : (names[author] ?? (author === 'therapist' ? 'Your therapist' : 'Your client'));
  const draftKey = replyDraftKey(userId, { replyId: id });
  const [editing, setEditing] = useState(() => own && readReplyDraft(draftKey) !== null);
  const { asking: confirmingDelete, ask: askDelete, done: keepIt, triggerRef: deleteRef } = useConfirmStep();
  const editButton = useRef<HTMLButtonElement>(null);
  const [focusEdit, setFocusEdit] = useState(0);

  useEffect(() => {
    if (focusEdit > 0) editButton.current?.focus();
  }, [focusEdit]);

  if (!(text instanceof Y.Text)) return null;
  const stopEditing = () => {
    writeReplyDraft(draftKey, null);
    setEditing(false);
    setFocusEdit((count) => count + 1);
  };
  const onSave = (words: string) => {
    if (reply.doc) editReply(reply.doc, reply, words);
    stopEditing();
    announce('Reply saved.');
  };
  const onDelete = () => {
    const index = replies.toArray().indexOf(reply);
    if (index >= 0) replies.delete(index, 1);
    announce('Reply deleted.');
  };

  return (
    <li className={`reply reply--${author}`}>
      <p className="reply__by" id={byId}>
        {name}
        <span className="reply__when"> · {formatDateTime(createdAt)}</span>
        {typeof editedAt === 'string' && (
          <span className="reply__when" title={`Edited ${formatDateTime(editedAt)}`}>
            {' '}
            · edited<span className="visually-hidden"> {formatDateTime(editedAt)}</span>
          </span>
        )}
        {!own && isNewSince(createdAt, seenAt) && (
          <>
            {' '}
            <NewMark what="reply" />
          </>
        )}
      </p>
      {editing && !readOnly ? (
        <ReplyComposer
          storageKey={draftKey}
          initialText={readReplyDraft(draftKey) ?? text.toString()}
          label="Edit your reply"
          submitLabel="Save"
          note={`Only you can see your changes until you save them. Then ${otherName} reads the new words whole.`}
          onSubmit={onSave}
          onCancel={stopEditing}
        />
      ) : (
        <ReplyText text={text} describedBy={byId} />
      )}
      {own && !readOnly && !editing && !confirmingDelete && (
        <div className="reply__actions">
          <Button ref={editButton} variant="quiet" onClick={() => setEditing(true)} aria-describedby={byId}>
            Edit
          </Button>
          <Button ref={deleteRef} variant="quiet" className="button--danger-quiet" onClick={askDelete} aria-describedby={byId}>
            Delete reply
          </Button>
        </div>
      )}
      {own && confirmingDelete && (
        <Confirm question="Delete this reply?" confirmLabel="Delete" cancelLabel="Keep it" onConfirm={onDelete} onCancel={keepIt}>
          {`${capitalized(otherName)} will no longer see it.`}
        </Confirm>
      )}
    </li>
  );
}

/** A reply's words as sent (they change only when their author saves an edit). */
function ReplyText({ text, describedBy }: { text: Y.Text; describedBy: string }) {
  const words = useYText(text);
  return (
    <p className="reply__text" aria-describedby={describedBy}>
      {words}
    </p>
  );
}
