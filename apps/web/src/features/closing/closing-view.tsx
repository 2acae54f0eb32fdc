import './closing.css';
import { CLOSING_PROMPTS, snapshotRoadmap, TREND_DISCLAIMER, type ClosingGoalDto, type ClosingReflectionDto, type ClosingReviewDto, type GasScore, type Role, type RoadmapPointDto, type TherapySessionDto, type UserDto, type WorkspaceDto } from '@alliance/shared';
import { useId, useState, type FormEvent } from 'react';
import { Button } from '../../components/button.js';
import { Confirm, useConfirmStep } from '../../components/confirm.js';
import { Loading, Notice, Panel } from '../../components/layout.js';
import { confirmClosing, errorMessage, getClosing, openClosing, saveClosingReflection } from '../../lib/api.js';
import { useResource } from '../../lib/use-resource.js';
import { useRoadmapAt } from '../history/history-view.js';
import { formatDay, formatMoment } from '../../lib/dates.js';
import { ATTAINMENT_LEVELS, GOAL_STATUS_LABELS } from '../roadmap/goal-status.js';
import { LazyTrendCharts } from '../trends/lazy-trend-charts.js';
import { outcomeOf, scoreSentence, sparklinePoints } from './closing-text.js';

export interface ClosingViewProps {
  workspace: WorkspaceDto;
  user: UserDto;
  /** How to name each role's member ("you" for the viewer). */
  names: Partial<Record<Role, string>>;
}

/**
 * The closing review: a look back at the end of therapy. The therapist opens it and both are
 * invited; it shows the first and the last roadmap side by side, every goal with its outcome and
 * its progress over the sessions, the goal attainment score at the start and now, the sessions,
 * and a reflection from each in their own words. When both confirm, the workspace becomes a
 * read-only archive. It prints as a clean document (the browser's "Save as PDF").
 */
export function ClosingView({ workspace, user, names }: ClosingViewProps) {
  const review = useResource(`closing:${workspace.id}`, (read) => getClosing(workspace.id, read), { workspaceId: workspace.id });
  if (review.state.status === 'loading') return <Loading label="Gathering the journey…" />;
  if (review.state.status === 'error') return <Notice tone="error">{errorMessage(review.state.error)}</Notice>;
  const data = review.state.data;
  if (data.openedAt === null) return <OpenReview workspace={workspace} names={names} onOpened={review.set} />;
  const clientName = names.client ?? 'your client';
  return (
    <article className="closing" aria-labelledby="closing-title">
      <header className="closing__head">
        <div>
          <h2 id="closing-title" className="closing__title">
            Looking back together
          </h2>
          <p className="muted">
            {workspace.title} · {workspace.role === 'therapist' ? `with ${clientName}` : `with ${names.therapist ?? 'your therapist'}`} · opened {formatDay(data.openedAt)}
          </p>
        </div>
        <Button variant="secondary" className="closing__print" onClick={() => window.print()}>
          Print or save as PDF
        </Button>
      </header>

      <Score gas={data.gas} />
      <GoalOutcomes goals={data.goals} />
      <RoadmapsSideBySide workspaceId={workspace.id} first={data.roadmap.first} last={data.roadmap.last} />
      <SessionsTimeline sessions={data.sessions} />
      <Panel title="Check-ins and the balance of power" className="closing__trends">
        <p className="trends__label">{TREND_DISCLAIMER}</p>
        <LazyTrendCharts trends={data.trends} reader={workspace.role} />
        {data.trends.notes.length > 0 && (
          <ul className="closing__trend-notes">
            {data.trends.notes.map((note) => (
              <li key={note.id}>
                <strong>{note.sessionNumber !== null ? `Session ${note.sessionNumber}` : note.date ? formatDay(note.date) : ''}:</strong> {note.text}
              </li>
            ))}
          </ul>
        )}
      </Panel>
      <Reflections workspace={workspace} user={user} names={names} review={data} onSaved={review.set} />
      <ConfirmArchive workspace={workspace} names={names} review={data} onConfirmed={review.set} />
    </article>
  );
}

/** Before the review is opened: what it is, and (for the therapist) the button that opens it. */
function OpenReview({ workspace, names, onOpened }: { workspace: WorkspaceDto; names: Partial<Record<Role, string>>; onOpened: (review: ClosingReviewDto) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const hasClient = workspace.members.some((member) => member.role === 'client');
  const open = async () => {
    setBusy(true);
    setError(null);
    try {
      onOpened(await openClosing(workspace.id));
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Panel title="The closing review">
      <p>
        When your work together is coming to an end, the closing review looks back over it with {names.client ?? 'your client'}: the first and the last roadmap side by side, how each goal went, the sessions, and a reflection from each of you in your own words.
      </p>
      <p className="muted">Opening it invites {names.client ?? 'your client'} to it. Nothing is archived until you have both confirmed.</p>
      {workspace.role === 'therapist' && !workspace.archivedAt && (
        <div className="button-row">
          <Button variant="primary" onClick={() => void open()} busy={busy} disabled={!hasClient}>
            Open the closing review
          </Button>
        </div>
      )}
      {!hasClient && <p className="muted">Your client has not joined yet.</p>}
      {error && <Notice tone="error">{error}</Notice>}
    </Panel>
  );
}

function scoreText(score: GasScore): string {
  return score.score === null ? 'not scored' : String(Math.round(score.score));
}

/** The goal attainment score at the start and now, with one plain sentence on what it means. */
function Score({ gas }: { gas: ClosingReviewDto['gas'] }) {
  return (
    <Panel title="Goal attainment score" className="closing__score">
      <p className="closing__score-line">
        <span className="closing__score-value">
          <span className="muted">At the start</span> <strong>{scoreText(gas.start)}</strong>
        </span>
        <span aria-hidden="true" className="closing__arrow">
          →
        </span>
        <span className="visually-hidden">, and</span>
        <span className="closing__score-value">
          <span className="muted">Now</span> <strong>{scoreText(gas.now)}</strong>
        </span>
      </p>
      <p>{scoreSentence(gas.now)}</p>
      <p className="muted closing__small">
        A T-score from goal attainment scaling ({gas.now.weighted ? 'goals weighted by how much they matter and how hard they are' : 'every goal counted the same'}). Process feedback for the two of you, not a validated measure.
      </p>
    </Panel>
  );
}

/** Every goal with its outcome now and its progress at the end of each session. */
function GoalOutcomes({ goals }: { goals: readonly ClosingGoalDto[] }) {
  return (
    <Panel title="Goals and how they went">
      {goals.length === 0 ? (
        <p className="muted">The roadmap has no goals.</p>
      ) : (
        <ul className="closing-goals">
          {goals.map((goal) => (
            <li key={goal.id} className="closing-goal">
              <div className="closing-goal__head">
                <h3 className="closing-goal__title">{goal.title || 'Untitled goal'}</h3>
                <span className={`closing-goal__status closing-goal__status--${goal.status}`}>{goal.archived ? 'Set aside' : GOAL_STATUS_LABELS[goal.status]}</span>
              </div>
              <p className="closing-goal__outcome">{outcomeOf(goal)}</p>
              <Progress goal={goal} />
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

const levelSign = (value: number | null) => (value === null ? '–' : (ATTAINMENT_LEVELS.find((level) => level.value === value)?.sign ?? String(value)));

/** A goal's progress over time: a small line (for the eye) and the same points as a table (for everyone). */
function Progress({ goal }: { goal: ClosingGoalDto }) {
  const captionId = useId();
  const points = goal.attainmentOverTime;
  const line = sparklinePoints(points, 120, 32);
  return (
    <div className="closing-progress">
      {line && (
        <svg className="closing-progress__line" viewBox="0 0 120 32" width="120" height="32" aria-hidden="true" focusable="false">
          <line x1="0" x2="120" y1="16" y2="16" className="closing-progress__axis" />
          <polyline points={line} className="closing-progress__path" />
        </svg>
      )}
      <table className="closing-progress__table" aria-describedby={captionId}>
        <caption id={captionId} className="visually-hidden">
          Progress on “{goal.title}”, −2 to +2, at the end of each session and now
        </caption>
        <thead>
          <tr>
            {points.map((point, index) => (
              <th key={index} scope="col" title={formatMoment(point.at)}>
                {point.label.replace(/ — .*$/, '')}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            {points.map((point, index) => (
              <td key={index}>{point.present ? levelSign(point.attainment) : <span className="muted">not yet</span>}</td>
            ))}
          </tr>
        </tbody>
      </table>
    </div>
  );
}

/** The first and the last roadmap, side by side (stacked on a phone). */
function RoadmapsSideBySide({ workspaceId, first, last }: { workspaceId: string; first: RoadmapPointDto; last: RoadmapPointDto }) {
  return (
    <Panel title="The first and the last roadmap">
      <div className="closing-roadmaps">
        <RoadmapAt workspaceId={workspaceId} point={first} heading={`First · ${first.label}`} />
        <RoadmapAt workspaceId={workspaceId} point={last} heading="Last · now" />
      </div>
    </Panel>
  );
}

/** The roadmap as it was at a point: its goals, their status, steps and progress. */
function RoadmapAt({ workspaceId, point, heading }: { workspaceId: string; point: RoadmapPointDto; heading: string }) {
  const { doc, error } = useRoadmapAt(workspaceId, point.seq);
  const roadmap = doc ? snapshotRoadmap(doc) : null;
  const goals = roadmap?.goals.filter((goal) => !goal.archived) ?? [];
  return (
    <section className="closing-roadmap" aria-label={heading}>
      <h3 className="closing-roadmap__title">{heading}</h3>
      {error ? (
        <Notice tone="error">{errorMessage(error)}</Notice>
      ) : !roadmap ? (
        <Loading label="Opening the roadmap…" />
      ) : goals.length === 0 ? (
        <p className="muted">No goals yet.</p>
      ) : (
        <ol className="closing-roadmap__goals">
          {goals.map((goal) => (
            <li key={goal.id}>
              <p className="closing-roadmap__goal">
                <strong>{goal.title || 'Untitled goal'}</strong> <span className="muted">· {GOAL_STATUS_LABELS[goal.status]}{goal.attainment !== null ? ` · ${levelSign(goal.attainment)}` : ''}</span>
              </p>
              {goal.why && <p className="closing-roadmap__why">“{goal.why}”</p>}
              {goal.steps.length > 0 && (
                <ul className="closing-roadmap__steps">
                  {goal.steps.map((step) => (
                    <li key={step.id}>
                      <span aria-hidden="true">{step.done ? '✓' : '○'}</span> {step.text || 'An empty step'}
                      <span className="visually-hidden">{step.done ? ' (done)' : ' (not done)'}</span>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** The sessions, oldest first, with their dates. */
function SessionsTimeline({ sessions }: { sessions: readonly TherapySessionDto[] }) {
  return (
    <Panel title="Sessions">
      {sessions.length === 0 ? (
        <p className="muted">No sessions were held in Alliance.</p>
      ) : (
        <ol className="closing-sessions">
          {sessions.map((session) => (
            <li key={session.id} className="closing-sessions__item">
              <span className="closing-sessions__number">Session {session.number}</span>{' '}
              <time dateTime={session.startedAt} title={formatMoment(session.startedAt)}>
                {formatDay(session.startedAt)}
              </time>
              {session.endedAt === null && <span className="muted"> · in progress</span>}
            </li>
          ))}
        </ol>
      )}
    </Panel>
  );
}

/** Each member's reflection: their own as a form (until the archive), the other's once saved. */
function Reflections({ workspace, user, names, review, onSaved }: ClosingViewProps & { review: ClosingReviewDto; onSaved: (review: ClosingReviewDto) => void }) {
  const mine = review.reflections[workspace.role];
  const otherRole: Role = workspace.role === 'therapist' ? 'client' : 'therapist';
  const theirs = review.reflections[otherRole];
  const otherName = names[otherRole] ?? (otherRole === 'client' ? 'Your client' : 'Your therapist');
  return (
    <Panel title="Closing reflections">
      <p className="muted">Each of you writes in your own words. {otherName} sees yours once you save it, and you see theirs.</p>
      <div className="closing-reflections">
        <section className="closing-reflection" aria-labelledby={`reflection-${user.id}`}>
          <h3 className="closing-reflection__who" id={`reflection-${user.id}`}>
            Your reflection
          </h3>
          {workspace.archivedAt ? (
            <ReflectionText reflection={mine} emptyText="You did not write one." />
          ) : (
            <>
              <ReflectionForm workspaceId={workspace.id} saved={mine} onSaved={onSaved} />
              <div className="closing__print-only">
                <ReflectionText reflection={mine} emptyText="Not written yet." />
              </div>
            </>
          )}
        </section>
        <section className="closing-reflection" aria-labelledby={`reflection-${otherRole}`}>
          <h3 className="closing-reflection__who" id={`reflection-${otherRole}`}>
            {otherName}’s reflection
          </h3>
          <ReflectionText reflection={theirs} emptyText={workspace.archivedAt ? `${otherName} did not write one.` : `${otherName} has not shared theirs yet.`} />
        </section>
      </div>
    </Panel>
  );
}

function ReflectionText({ reflection, emptyText }: { reflection: ClosingReflectionDto | null; emptyText: string }) {
  if (!reflection) return <p className="muted">{emptyText}</p>;
  return (
    <dl className="closing-reflection__answers">
      {CLOSING_PROMPTS.map((prompt) => (
        <div key={prompt.key}>
          <dt>{prompt.label}</dt>
          <dd>{reflection[prompt.key] || <span className="muted">Left empty</span>}</dd>
        </div>
      ))}
    </dl>
  );
}

function ReflectionForm({ workspaceId, saved, onSaved }: { workspaceId: string; saved: ClosingReflectionDto | null; onSaved: (review: ClosingReviewDto) => void }) {
  const [answers, setAnswers] = useState({ helped: saved?.helped ?? '', keep: saved?.keep ?? '', ifHard: saved?.ifHard ?? '' });
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const baseId = useId();
  const dirty = !saved || CLOSING_PROMPTS.some((prompt) => answers[prompt.key] !== saved[prompt.key]);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setMessage(null);
    try {
      onSaved(await saveClosingReflection(workspaceId, answers));
      setMessage({ tone: 'ok', text: 'Saved. It is shared with the other person.' });
    } catch (failure) {
      setMessage({ tone: 'error', text: errorMessage(failure) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="stack closing-reflection__form" onSubmit={(event) => void submit(event)}>
      {CLOSING_PROMPTS.map((prompt) => (
        <div className="field" key={prompt.key}>
          <label className="field__label" htmlFor={`${baseId}-${prompt.key}`}>
            {prompt.label}
          </label>
          <textarea
            id={`${baseId}-${prompt.key}`}
            className="field__input"
            rows={3}
            maxLength={5_000}
            value={answers[prompt.key]}
            onChange={(event) => {
              setAnswers((previous) => ({ ...previous, [prompt.key]: event.target.value }));
              setMessage(null);
            }}
          />
        </div>
      ))}
      <p className="field__hint">{saved ? `Last saved ${formatMoment(saved.updatedAt)}. Saving a change asks you both to confirm again.` : 'Nothing is shared until you save.'}</p>
      <div className="button-row">
        <Button type="submit" variant="primary" busy={busy} disabled={!dirty || CLOSING_PROMPTS.every((prompt) => answers[prompt.key].trim() === '')}>
          {saved ? 'Save changes' : 'Save and share'}
        </Button>
      </div>
      {message?.tone === 'ok' && (
        <p className="success-text" role="status">
          {message.text}
        </p>
      )}
      {message?.tone === 'error' && <Notice tone="error">{message.text}</Notice>}
    </form>
  );
}

/** Who has confirmed, and the caller's own confirmation with a clear "are you sure?". */
function ConfirmArchive({ workspace, names, review, onConfirmed }: { workspace: WorkspaceDto; names: Partial<Record<Role, string>>; review: ClosingReviewDto; onConfirmed: (review: ClosingReviewDto) => void }) {
  const { asking, ask, done, triggerRef } = useConfirmStep();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const otherRole: Role = workspace.role === 'therapist' ? 'client' : 'therapist';
  const otherName = names[otherRole] ?? (otherRole === 'client' ? 'Your client' : 'Your therapist');
  const mine = review.confirmations[workspace.role];
  const theirs = review.confirmations[otherRole];
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      onConfirmed(await confirmClosing(workspace.id));
      done();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };
  if (review.archivedAt) {
    return (
      <Panel title="Archived" className="closing__confirm">
        <p>You both confirmed. Since {formatMoment(review.archivedAt)} this workspace is a read-only archive: you can read it, replay its history and export it.</p>
      </Panel>
    );
  }
  return (
    <Panel title="Closing the workspace" className="closing__confirm">
      <ul className="closing-confirmations">
        <li>{mine ? `You confirmed on ${formatDay(mine)}.` : 'You have not confirmed yet.'}</li>
        <li>{theirs ? `${otherName} confirmed on ${formatDay(theirs)}.` : `${otherName} has not confirmed yet.`}</li>
      </ul>
      {!mine &&
        (asking ? (
          <Confirm question="Close the workspace?" confirmLabel="Yes, confirm" cancelLabel="Not yet" tone="calm" busy={busy} onConfirm={() => void confirm()} onCancel={done}>
            This makes the workspace a read-only archive for both of you{theirs ? ', now' : ', once you have both confirmed'}. You can still read it, replay its history and export it.
          </Confirm>
        ) : (
          <div className="button-row">
            <Button ref={triggerRef} variant="primary" onClick={ask}>
              Confirm and archive
            </Button>
          </div>
        ))}
      {error && <Notice tone="error">{error}</Notice>}
    </Panel>
  );
}
