import { ROLES, type CardSnapshot, type GoalSnapshot, type VersionDto } from '@alliance/shared';
import { useEffect, useRef, type ReactNode } from 'react';
import { Button } from '../../components/button.js';
import { Loading, Notice } from '../../components/layout.js';
import { errorMessage, getVersionState } from '../../lib/api.js';
import { useAsync } from '../../lib/use-async.js';
import { FLAG_LABELS } from '../feedback/feedback-card.js';
import { formatDay } from '../../lib/dates.js';
import { personName, sentenceName, type People } from '../roadmap/format.js';
import { ATTAINMENT_LEVELS, GOAL_STATUS_LABELS } from '../roadmap/goal-status.js';
import { readVersion, type BoardColumn, type VersionContent } from './version-content.js';
import { versionHeading } from './version-list.js';

/**
 * One past version, read only: its bytes are read into a document of its own, never the live
 * one, and shown as plain text.
 */
export function VersionPage({
  workspaceId,
  doc,
  version,
  savedBy,
  people,
  onBack,
}: {
  workspaceId: string;
  doc: 'roadmap' | 'feedback';
  version: VersionDto;
  savedBy: string;
  people: People;
  onBack: () => void;
}) {
  const [content] = useAsync(`version:${doc}:${version.id}`, async () => readVersion(doc, await getVersionState(workspaceId, doc, version.id)));
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  return (
    <article className="version-page" aria-labelledby="version-page-title">
      <Button variant="quiet" className="version-page__back" onClick={onBack}>
        <span aria-hidden="true">← </span>All versions
      </Button>
      <header className="version-page__head">
        <p className="version-page__badge">Past version · read only</p>
        <h2 className="version-page__title" id="version-page-title" ref={heading} tabIndex={-1}>
          {versionHeading(doc, version)}
        </h2>
        <p className="muted">
          {savedBy === 'Saved automatically' ? 'Saved automatically.' : `Saved by ${savedBy === 'You' ? 'you' : savedBy}.`} Nothing here can be changed; the live {doc === 'roadmap' ? 'roadmap' : 'board'} stays as it is.
        </p>
      </header>
      {content.status === 'loading' && <Loading label="Opening the version…" />}
      {content.status === 'error' && <Notice tone="error">{errorMessage(content.error)}</Notice>}
      {content.status === 'ready' && <VersionBody content={content.data} people={people} />}
    </article>
  );
}

function VersionBody({ content, people }: { content: VersionContent; people: People }) {
  if (content.doc === 'roadmap') {
    return (
      <div className="version-roadmap">
        {content.goals.length === 0 ? (
          <p className="versions__empty">There were no goals in this version.</p>
        ) : (
          <ol className="version-goals">
            {content.goals.map((goal, index) => (
              <li key={goal.id || index}>
                <GoalView goal={goal} number={index + 1} people={people} />
              </li>
            ))}
          </ol>
        )}
        {content.archived.length > 0 && (
          <section className="version-archived" aria-labelledby="version-archived-title">
            <h3 id="version-archived-title" className="version-section-title">
              Archived goals
            </h3>
            <ul className="version-plain-list">
              {content.archived.map((goal, index) => (
                <li key={goal.id || index}>
                  {goal.title || 'Untitled goal'} <span className="muted">· {GOAL_STATUS_LABELS[goal.status]}</span>
                </li>
              ))}
            </ul>
          </section>
        )}
      </div>
    );
  }
  return content.cardCount === 0 ? (
    <p className="versions__empty">There were no cards on the board in this version.</p>
  ) : (
    <div className="version-board">
      {content.columns.map((column) => (
        <ColumnView key={column.column} column={column} people={people} />
      ))}
    </div>
  );
}

function GoalView({ goal, number, people }: { goal: GoalSnapshot; number: number; people: People }) {
  const titleId = `version-goal-${number}`;
  const agreed = ROLES.filter((role) => goal.agreedBy[role]);
  const attainment = ATTAINMENT_LEVELS.find((level) => level.value === goal.attainment);
  return (
    <article className={`version-goal version-goal--${goal.status}`} aria-labelledby={titleId}>
      <div className="version-goal__head">
        <h3 className="version-goal__title" id={titleId}>
          <span className="visually-hidden">Goal {number}: </span>
          {goal.title || <span className="muted">Untitled goal</span>}
        </h3>
        <span className={`version-status version-status--${goal.status}`}>{GOAL_STATUS_LABELS[goal.status]}</span>
      </div>
      {goal.why && (
        <p className="version-goal__why">
          <span className="version-goal__label">Why this matters: </span>
          {goal.why}
        </p>
      )}
      <ul className="version-goal__facts">
        {goal.proposedBy && <li>Proposed by {personName(people, goal.proposedBy)}</li>}
        <li>
          {agreed.length === 0
            ? 'Not agreed yet'
            : agreed.map((role, index) => (
                <span key={role}>
                  {index > 0 && '; '}
                  {sentenceName(people, role)} agreed on <time dateTime={goal.agreedBy[role]}>{formatDay(goal.agreedBy[role]!)}</time>
                </span>
              ))}
        </li>
        {goal.targetDate && <li>Target {formatDay(goal.targetDate)}</li>}
        {attainment && (
          <li>
            Attainment {attainment.sign}: {attainment.label.toLowerCase()}
          </li>
        )}
      </ul>
      {goal.steps.length > 0 && (
        <ItemSection title="Steps">
          {goal.steps.map((step) => (
            <CheckItem key={step.id} done={step.done}>
              {step.text || 'Empty step'}
            </CheckItem>
          ))}
        </ItemSection>
      )}
      {goal.strategies.length > 0 && (
        <ItemSection title="Strategies">
          {goal.strategies.map((strategy) => (
            <li key={strategy.id} className="version-bullet">
              {strategy.text || 'Empty strategy'}
            </li>
          ))}
        </ItemSection>
      )}
      {goal.homework.length > 0 && (
        <ItemSection title="Homework">
          {goal.homework.map((homework) => (
            <CheckItem key={homework.id} done={homework.done}>
              {homework.text || 'Empty homework'}
              {homework.offerId && !homework.chosen && <span className="muted"> · offered, not chosen</span>}
              {homework.due && <span className="muted"> · due {formatDay(homework.due)}</span>}
              {homework.reflection && <span className="version-check__note">{homework.reflection}</span>}
              {homework.notDoneReason && <span className="version-check__note">{homework.notDoneReason}</span>}
            </CheckItem>
          ))}
        </ItemSection>
      )}
    </article>
  );
}

/** A step or a piece of homework: a tick box drawn, "Done" / "Not done" read out. */
function CheckItem({ done, children }: { done: boolean; children: ReactNode }) {
  return (
    <li className={done ? 'version-check version-check--done' : 'version-check'}>
      <span className="version-check__box" aria-hidden="true">
        {done ? '✓' : ''}
      </span>
      <span className="visually-hidden">{done ? 'Done: ' : 'Not done: '}</span>
      <span className="version-check__text">{children}</span>
    </li>
  );
}

function ItemSection({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="version-goal__section">
      <h4 className="version-goal__label">{title}</h4>
      <ul className="version-items">{children}</ul>
    </div>
  );
}

function ColumnView({ column, people }: { column: BoardColumn; people: People }) {
  const titleId = `version-column-${column.column}`;
  return (
    <section className="version-column" aria-labelledby={titleId}>
      <h3 className="version-column__title" id={titleId}>
        {column.label} <span className="muted">({column.cards.length})</span>
      </h3>
      {column.cards.length === 0 ? (
        <p className="muted">No cards.</p>
      ) : (
        <ul className="version-cards">
          {column.cards.map((card) => (
            <li key={card.id}>
              <CardView card={card} people={people} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function CardView({ card, people }: { card: CardSnapshot; people: People }) {
  return (
    <div className="version-card">
      <p className="version-card__text">{card.text || <span className="muted">Empty card</span>}</p>
      <p className="version-card__meta">
        {sentenceName(people, card.authorRole)}
        {card.createdAt && (
          <>
            {' · '}
            <time dateTime={card.createdAt}>{formatDay(card.createdAt)}</time>
          </>
        )}
        {card.flag !== 'none' && <span className={`flag flag--${card.flag}`}>{FLAG_LABELS[card.flag]}</span>}
      </p>
      {card.replies.length > 0 && (
        <ul className="version-replies" aria-label="Replies">
          {card.replies.map((reply) => (
            <li key={reply.id} className="version-reply">
              <span className="version-reply__who">{sentenceName(people, reply.authorRole)}: </span>
              {reply.text}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
