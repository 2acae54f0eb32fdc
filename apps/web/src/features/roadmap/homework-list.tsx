import {
  addHomework,
  addOfferOption,
  chooseHomework,
  isRole,
  MAX_OFFER_OPTIONS,
  MIN_OFFER_OPTIONS,
  offerHomework,
  readString,
  readText,
  removeItem,
  type HomeworkEntry,
  type Role,
} from '@alliance/shared';
import { useEffect, useId, useRef, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CollabText, type CollabTextHandle } from '../../components/collab-text/index.js';
import { useYMap, useYText } from '../../sync/hooks.js';
import { dateInputValue, otherRole, personName, sentenceName, type People } from './format.js';
import { AddButton, DateField, GoalSection } from './goal-section.js';
import { Icon } from './icons.js';
import { useHomeworkEntries } from './use-list-view.js';

export interface HomeworkListProps {
  goal: Y.Map<unknown>;
  homework: Y.Array<Y.Map<unknown>> | null;
  people: People;
  readOnly: boolean;
  awareness: Awareness | null;
  announce(message: string): void;
}

type FocusTarget = { id: string; field: 'text' | 'due' | 'reason' } | null;
type Offer = Extract<HomeworkEntry, { kind: 'offer' }>;

function removeAll(list: Y.Array<Y.Map<unknown>>, items: readonly Y.Map<unknown>[]): void {
  const remove = () => items.forEach((item) => removeItem(list, readString(item, 'id')));
  if (list.doc) list.doc.transact(remove);
  else remove();
}

/**
 * Homework: tasks with a due date, done state, the client's reflection and, without judgement,
 * what got in the way. The therapist may offer two or three options instead; the client picks
 * one and plans it.
 */
export function HomeworkList({ goal, homework, people, readOnly, awareness, announce }: HomeworkListProps) {
  const entries = useHomeworkEntries(homework);
  const [focus, setFocus] = useState<FocusTarget>(null);
  const addRef = useRef<HTMLButtonElement>(null);

  const add = () => {
    const item = addHomework(goal);
    if (item) setFocus({ id: readString(item, 'id'), field: 'text' });
  };
  const offer = () => {
    const offerId = offerHomework(goal, Array.from({ length: MIN_OFFER_OPTIONS }, () => ''), people.viewer);
    const first = offerId && homework ? homework.toArray().find((item) => item.get('offerId') === offerId) : undefined;
    if (first) setFocus({ id: readString(first, 'id'), field: 'text' });
    announce(`A choice of ${MIN_OFFER_OPTIONS} homework options was added. Describe each option.`);
  };
  const removeEntry = (items: readonly Y.Map<unknown>[], message: string) => {
    if (!homework) return;
    removeAll(homework, items);
    announce(message);
    addRef.current?.focus();
  };

  return (
    <GoalSection
      title="Homework"
      empty={entries.length === 0}
      emptyText="Something to try between sessions — agreed together, or chosen from options."
      actions={
        !readOnly &&
        homework && (
          <>
            <AddButton ref={addRef} label="Add homework" onClick={add} />
            {people.viewer === 'therapist' && <AddButton label="Offer options" onClick={offer} />}
          </>
        )
      }
    >
      <ul className="homework-list">
        {entries.map((entry) =>
          entry.kind === 'task' ? (
            <li key={readString(entry.item, 'id')}>
              <HomeworkItem
                item={entry.item}
                readOnly={readOnly}
                awareness={awareness}
                focus={focus}
                onDelete={() => removeEntry([entry.item], 'Homework deleted.')}
              />
            </li>
          ) : (
            <li key={entry.offerId}>
              <HomeworkOffer
                goal={goal}
                offer={entry}
                people={people}
                readOnly={readOnly}
                awareness={awareness}
                focus={focus}
                setFocus={setFocus}
                announce={announce}
                onWithdraw={() => removeEntry(entry.options, 'The homework options were withdrawn.')}
                onDelete={() => removeEntry(entry.options, 'Homework deleted.')}
              />
            </li>
          ),
        )}
      </ul>
    </GoalSection>
  );
}

interface HomeworkItemProps {
  item: Y.Map<unknown>;
  readOnly: boolean;
  awareness: Awareness | null;
  focus: FocusTarget;
  /** Shown above the task, e.g. that it was chosen from options. */
  note?: string;
  onDelete(): void;
}

function HomeworkItem({ item, readOnly, awareness, focus, note, onDelete }: HomeworkItemProps) {
  const fields = useYMap(item);
  const id = readString(item, 'id');
  const text = fields.get('text');
  const reflection = fields.get('reflection');
  const reason = fields.get('notDoneReason');
  const done = fields.get('done') === true;
  const due = dateInputValue(fields.get('due'));
  const textRef = useRef<CollabTextHandle>(null);
  const dueRef = useRef<HTMLInputElement>(null);
  const reasonRef = useRef<CollabTextHandle>(null);
  const [reasonOpen, setReasonOpen] = useState(false);
  const reasonText = useYText(reason instanceof Y.Text ? reason : EMPTY_TEXT);
  const showReason = !done && (reasonOpen || reasonText.trim() !== '');
  const taskText = useYText(text instanceof Y.Text ? text : EMPTY_TEXT).trim();
  const reflectionLabel = `homework-${id}-reflection`;
  const reasonLabel = `homework-${id}-reason`;
  const reasonHint = `homework-${id}-reason-hint`;
  const focusField = focus?.id === id ? focus.field : null;

  useEffect(() => {
    if (focusField === 'text') textRef.current?.focus();
    else if (focusField === 'due') dueRef.current?.focus();
  }, [focusField]);

  return (
    <div className={done ? 'homework homework--done' : 'homework'}>
      {note && <p className="homework__note">{note}</p>}
      <div className="homework__main">
        <span className="homework__check">
          <input
            type="checkbox"
            checked={done}
            disabled={readOnly}
            aria-label={`Done: ${taskText || 'this homework'}`}
            onChange={(event) => item.set('done', event.target.checked)}
          />
        </span>
        {text instanceof Y.Text ? (
          <CollabText ref={textRef} text={text} awareness={awareness} label="Homework" className="homework__text" placeholder="Something to try before next time" readOnly={readOnly} multiline />
        ) : (
          <p className="homework__text">This homework cannot be shown.</p>
        )}
        {!readOnly && (
          <button type="button" className="rm-icon-button" aria-label="Delete homework" title="Delete homework" onClick={onDelete}>
            <Icon name="remove" size={16} />
          </button>
        )}
      </div>
      <div className="homework__details">
        <DateField ref={dueRef} label="Due date" value={due} readOnly={readOnly} onChange={(value) => item.set('due', value)} />
        {done && <span className="homework__status">Done</span>}
      </div>
      {reflection instanceof Y.Text && (
        <div className="rm-field">
          <span className="rm-label" id={reflectionLabel}>
            Reflection
          </span>
          <CollabText text={reflection} awareness={awareness} labelledBy={reflectionLabel} multiline placeholder="How did it go? What did you notice?" readOnly={readOnly} />
        </div>
      )}
      {reason instanceof Y.Text && showReason && (
        <div className="rm-field">
          <span className="rm-label" id={reasonLabel}>
            {"Didn't do it because…"}
          </span>
          <CollabText
            ref={reasonRef}
            text={reason}
            awareness={awareness}
            labelledBy={reasonLabel}
            describedBy={reasonHint}
            multiline
            placeholder="Whatever got in the way is worth knowing"
            readOnly={readOnly}
          />
          <p className="rm-hint" id={reasonHint}>
            No judgement: life happens. Knowing what got in the way helps plan the next step.
          </p>
        </div>
      )}
      {reason instanceof Y.Text && !done && !showReason && !readOnly && (
        <button
          type="button"
          className="rm-link"
          onClick={() => {
            setReasonOpen(true);
            requestAnimationFrame(() => reasonRef.current?.focus());
          }}
        >
          It didn&rsquo;t happen this time
        </button>
      )}
    </div>
  );
}

const EMPTY_TEXT = new Y.Text();

interface HomeworkOfferProps {
  goal: Y.Map<unknown>;
  offer: Offer;
  people: People;
  readOnly: boolean;
  awareness: Awareness | null;
  focus: FocusTarget;
  setFocus(target: FocusTarget): void;
  announce(message: string): void;
  onWithdraw(): void;
  onDelete(): void;
}

/** An offer of homework options: the client chooses one; once chosen it reads as their homework. */
function HomeworkOffer({ goal, offer, people, readOnly, awareness, focus, setFocus, announce, onWithdraw, onDelete }: HomeworkOfferProps) {
  const offeredByValue = offer.options[0]?.get('offeredBy');
  const offeredBy: Role = isRole(offeredByValue) ? offeredByValue : 'therapist';
  const chooser = otherRole(offeredBy);
  const canChoose = !readOnly && people.viewer === chooser;
  const canEdit = !readOnly && people.viewer === offeredBy;
  const titleId = useId();

  const choose = (option: Y.Map<unknown>) => {
    if (!chooseHomework(goal, readString(option, 'id'))) return;
    const text = readText(option, 'text').trim();
    announce(`You chose “${text}”. Pick a due date when you are ready.`);
    setFocus({ id: readString(option, 'id'), field: 'due' });
  };

  if (offer.chosen) {
    const others = offer.options.filter((option) => option !== offer.chosen);
    return (
      <div className="offer offer--chosen">
        <HomeworkItem
          item={offer.chosen}
          readOnly={readOnly}
          awareness={awareness}
          focus={focus}
          note={`Chosen by ${personName(people, chooser)} from ${offer.options.length} options`}
          onDelete={onDelete}
        />
        {others.length > 0 && (
          <details className="offer__others">
            <summary>Other options offered ({others.length})</summary>
            <ul className="offer__other-list">
              {others.map((option) => (
                <li key={readString(option, 'id')} className="offer__other">
                  <OptionText option={option} />
                  {canChoose && (
                    <button type="button" className="rm-link" onClick={() => choose(option)}>
                      Choose this one instead
                    </button>
                  )}
                </li>
              ))}
            </ul>
          </details>
        )}
      </div>
    );
  }

  return (
    <div className="offer" role="group" aria-labelledby={titleId}>
      <p className="offer__title" id={titleId}>
        {people.viewer === offeredBy ? 'You offered a choice of homework' : `${sentenceName(people, offeredBy)} offered a choice of homework`}
      </p>
      <p className="offer__note">
        {canChoose
          ? 'Pick the one that suits you best — then choose when to do it.'
          : `${sentenceName(people, chooser)} picks the one that suits them best.`}
      </p>
      <ol className="offer__options">
        {offer.options.map((option, index) => (
          <OfferOption
            key={readString(option, 'id')}
            option={option}
            number={index + 1}
            canEdit={canEdit}
            canChoose={canChoose}
            canRemove={canEdit && offer.options.length > MIN_OFFER_OPTIONS}
            awareness={awareness}
            autoFocus={focus?.id === readString(option, 'id') && focus.field === 'text'}
            onChoose={() => choose(option)}
            onRemove={() => {
              const list = goal.get('homework');
              if (list instanceof Y.Array && removeItem(list, readString(option, 'id'))) announce(`Option ${index + 1} removed.`);
            }}
          />
        ))}
      </ol>
      {canEdit && (
        <div className="offer__actions">
          {offer.options.length < MAX_OFFER_OPTIONS && (
            <AddButton
              label="Add another option"
              onClick={() => {
                const option = addOfferOption(goal, offer.offerId);
                if (option) setFocus({ id: readString(option, 'id'), field: 'text' });
              }}
            />
          )}
          <button type="button" className="rm-link" onClick={onWithdraw}>
            Withdraw the offer
          </button>
        </div>
      )}
    </div>
  );
}

function OptionText({ option }: { option: Y.Map<unknown> }) {
  const text = useYMap(option).get('text');
  const value = useYText(text instanceof Y.Text ? text : EMPTY_TEXT);
  return <span className="offer__other-text">{value.trim() || 'An option without a description'}</span>;
}

interface OfferOptionProps {
  option: Y.Map<unknown>;
  number: number;
  canEdit: boolean;
  canChoose: boolean;
  canRemove: boolean;
  awareness: Awareness | null;
  autoFocus: boolean;
  onChoose(): void;
  onRemove(): void;
}

function OfferOption({ option, number, canEdit, canChoose, canRemove, awareness, autoFocus, onChoose, onRemove }: OfferOptionProps) {
  const text = useYMap(option).get('text');
  const value = useYText(text instanceof Y.Text ? text : EMPTY_TEXT);
  const textRef = useRef<CollabTextHandle>(null);
  const textId = `offer-option-${readString(option, 'id')}`;
  useEffect(() => {
    if (autoFocus) textRef.current?.focus();
  }, [autoFocus]);
  return (
    <li className="offer__option">
      <span className="offer__number" aria-hidden="true">
        {number}
      </span>
      {text instanceof Y.Text ? (
        <CollabText
          ref={textRef}
          text={text}
          awareness={awareness}
          label={`Homework option ${number}`}
          id={textId}
          className="offer__text"
          placeholder={canEdit ? 'Describe this option' : 'Being written…'}
          readOnly={!canEdit}
          multiline
        />
      ) : (
        <p className="offer__text">This option cannot be shown.</p>
      )}
      {canChoose && (
        <button type="button" className="rm-choose" aria-describedby={textId} disabled={value.trim() === ''} onClick={onChoose}>
          Choose this one
        </button>
      )}
      {canRemove && (
        <button type="button" className="rm-icon-button" aria-label={`Remove option ${number}`} title="Remove option" onClick={onRemove}>
          <Icon name="remove" size={16} />
        </button>
      )}
    </li>
  );
}
