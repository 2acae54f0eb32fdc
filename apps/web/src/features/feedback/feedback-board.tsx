import './feedback.css';
import { addDraft, FEEDBACK_COLUMN_LABELS, FEEDBACK_COLUMNS, getCards, readString, removeCard, shareDraft, type FeedbackColumn, type Role } from '@alliance/shared';
import { useRef, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { Button } from '../../components/button.js';
import { useYArray } from '../../sync/hooks.js';
import { useSeen } from '../seen/use-seen.js';
import { COLUMN_HINTS } from './columns.js';
import { DraftCard } from './draft-card.js';
import { FeedbackCard } from './feedback-card.js';

export interface FeedbackBoardProps {
  workspaceId: string;
  /** Who is signed in (their replies being written are kept per person in this tab). */
  userId: string;
  feedback: Y.Doc;
  feedbackAwareness: Awareness | null;
  /** The client's private drafts; null for the therapist, whose app never opens them. */
  drafts: Y.Doc | null;
  draftsAwareness: Awareness | null;
  role: Role;
  readOnly: boolean;
  names: Partial<Record<Role, string>>;
}

const columnOf = (card: Y.Map<unknown>): FeedbackColumn => {
  const column = card.get('column');
  return (FEEDBACK_COLUMNS as readonly unknown[]).includes(column) ? (column as FeedbackColumn) : 'process';
};

/**
 * The feedback board: the client's cards on what works, what they would change, how power
 * feels and the process itself, with the therapist's replies under them.
 */
export function FeedbackBoard({ workspaceId, userId, feedback, feedbackAwareness, drafts, draftsAwareness, role, readOnly, names }: FeedbackBoardProps) {
  const cards = useYArray(getCards(feedback));
  // Opening the board is a look: what the other person added since the last one is marked new
  // for this visit. An archive changes no more, so nothing in it is marked.
  const { seenAt } = useSeen(workspaceId, 'board', { enabled: !readOnly });
  const draftCards = useYArray(drafts ? getCards(drafts) : EMPTY);
  const [composing, setComposing] = useState<string | null>(null);
  const [focusCard, setFocusCard] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const addButtons = useRef(new Map<FeedbackColumn, HTMLButtonElement>());
  const isClient = role === 'client';
  const therapistName = names.therapist && names.therapist !== 'you' ? names.therapist : 'your therapist';

  const announce = (message: string) => setAnnouncement((previous) => (previous === message ? `${message}\u00a0` : message));
  const focusAdd = (column: FeedbackColumn) => addButtons.current.get(column)?.focus();

  const onAdd = (column: FeedbackColumn) => {
    if (!drafts) return;
    const draft = addDraft(drafts, column);
    setComposing(readString(draft, 'id'));
    announce(`New card in “${FEEDBACK_COLUMN_LABELS[column]}”. It stays private until you share it.`);
  };

  const onShareNow = (id: string, column: FeedbackColumn) => {
    if (!drafts) return;
    // Onto the board first, then out of the drafts: never a moment with no copy.
    const card = shareDraft(drafts, feedback, id);
    if (!card) return;
    setComposing(null);
    setFocusCard(id);
    announce(`Shared with ${therapistName} in “${FEEDBACK_COLUMN_LABELS[column]}”.`);
  };

  const onDeleteCard = (id: string, column: FeedbackColumn) => {
    removeCard(feedback, id);
    announce('Card deleted.');
    focusAdd(column);
  };

  const onDeleteDraft = (id: string, column: FeedbackColumn) => {
    if (!drafts) return;
    removeCard(drafts, id);
    announce('Draft deleted.');
    focusAdd(column);
  };

  const total = cards.length;

  return (
    <section className="board-wrap" aria-labelledby="board-title">
      <div className="section-head board-head">
        <h2 id="board-title">Feedback</h2>
        <p className="muted section-head__note">
          {isClient
            ? `Your words, in your own time. ${therapistName === 'your therapist' ? 'Your therapist' : therapistName} can reply, but never change them.`
            : total === 0
              ? 'When your client shares feedback, it appears here. You can reply and ask to talk; their words stay theirs.'
              : 'Your client’s words stay theirs: you can reply and ask to talk about a card.'}
        </p>
      </div>
      <div className="board">
        {FEEDBACK_COLUMNS.map((column) => {
          const shared = cards.filter((card) => columnOf(card) === column);
          const own = draftCards.filter((draft) => columnOf(draft) === column);
          const headingId = `board-column-${column}`;
          return (
            <section key={column} className={`board-column board-column--${column}`} aria-labelledby={headingId}>
              <header className="board-column__head">
                <h3 id={headingId}>
                  {FEEDBACK_COLUMN_LABELS[column]}
                  <span className="board-column__count" aria-label={`, ${shared.length} ${shared.length === 1 ? 'card' : 'cards'}`}>
                    {shared.length}
                  </span>
                </h3>
                <p className="board-column__hint">{COLUMN_HINTS[column]}</p>
              </header>
              {shared.length === 0 && own.length === 0 && <p className="board-column__empty">{isClient ? 'Nothing here yet.' : 'No cards yet.'}</p>}
              {shared.length > 0 && (
                <ul className="board-column__cards">
                  {shared.map((card) => {
                    const id = readString(card, 'id');
                    return (
                      <li key={id}>
                        <FeedbackCard
                          card={card}
                          role={role}
                          readOnly={readOnly}
                          awareness={feedbackAwareness}
                          names={names}
                          userId={userId}
                          seenAt={seenAt}
                          autoFocus={focusCard === id}
                          onDelete={(cardId) => onDeleteCard(cardId, column)}
                          announce={announce}
                        />
                      </li>
                    );
                  })}
                </ul>
              )}
              {drafts && own.length > 0 && (
                <ul className="board-column__cards board-column__drafts" aria-label={`Your private drafts in “${FEEDBACK_COLUMN_LABELS[column]}”`}>
                  {own.map((draft) => {
                    const id = readString(draft, 'id');
                    return (
                      <li key={id}>
                        <DraftCard
                          draft={draft}
                          drafts={drafts}
                          awareness={draftsAwareness}
                          composing={composing === id}
                          therapistName={therapistName}
                          onShareNow={(draftId) => onShareNow(draftId, column)}
                          onKeep={() => {
                            setComposing(null);
                            announce('Kept as a private draft. Only you can see it.');
                          }}
                          onDelete={(draftId) => onDeleteDraft(draftId, column)}
                          announce={announce}
                        />
                      </li>
                    );
                  })}
                </ul>
              )}
              {isClient && drafts && !readOnly && (
                <Button
                  variant="quiet"
                  className="board-column__add"
                  ref={(element: HTMLButtonElement | null) => {
                    if (element) addButtons.current.set(column, element);
                  }}
                  onClick={() => onAdd(column)}
                  aria-describedby={headingId}
                >
                  <span className="button__icon" aria-hidden="true">
                    +
                  </span>
                  Add card
                </Button>
              )}
            </section>
          );
        })}
      </div>
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
    </section>
  );
}

// useYArray needs an array to watch when there are no drafts: one empty, never-changing one.
const EMPTY = new Y.Doc().getArray<Y.Map<unknown>>('cards');
