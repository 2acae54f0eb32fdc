import './compare.css';
import type { CompareDto, DocChange, TextRun, UserDto, VersionDto, WorkspaceDto } from '@alliance/shared';
import { useId, useMemo, useState } from 'react';
import { Button } from '../../components/button.js';
import { Loading, Notice } from '../../components/layout.js';
import { TextRuns } from '../../components/text-runs.js';
import { compareDoc, errorMessage, getHistory, listVersions, restoreDoc } from '../../lib/api.js';
import { useAsync } from '../../lib/use-async.js';
import { formatDateTime } from '../../lib/dates.js';
import { DOC_TITLES, shortVersionName } from '../versions/version-list.js';
import { byline, describeChange, groupChanges, restoreTarget, type ChangeGroup } from './compare-words.js';

type ComparedDoc = 'roadmap' | 'feedback';

/** The pickers' name for the latest point, whatever it is when the comparison is read. */
const NOW = 'now';

/** Two points (`seq:N`) to open the comparison at, as an edit of the Changes list asks for. */
export interface ComparePreset {
  from: string;
  to: string;
}

/** A point to compare, as the pickers offer it. */
interface PointChoice {
  /** What the route takes: a version's id or `seq:N`. */
  value: string;
  label: string;
}

/** The points of a document one can compare: the beginning, its versions (oldest first), the slider's point, now. */
async function loadPoints(workspaceId: string, doc: ComparedDoc, sliderSeq: number | null, preset: ComparePreset | null): Promise<{ choices: PointChoice[]; from: string; now: string }> {
  const [versions, history] = await Promise.all([listVersions(workspaceId, doc, 'refresh'), getHistory(workspaceId, doc, { limit: 1 })]);
  const oldestFirst = [...versions].reverse();
  const now = `seq:${history.lastSeq}`;
  const choices: PointChoice[] = [
    { value: 'seq:0', label: 'The beginning' },
    ...oldestFirst.map((version) => ({ value: version.id, label: versionLabel(version) })),
    ...(sliderSeq !== null && doc === 'roadmap' ? [{ value: `seq:${sliderSeq}`, label: `The point on the slider (change ${sliderSeq})` }] : []),
    ...(preset && doc === 'roadmap' ? [{ value: preset.from, label: 'Just before the edit' }, { value: preset.to, label: 'Right after the edit' }] : []),
    { value: NOW, label: 'Now' },
  ];
  return { choices, from: defaultFrom(versions, sliderSeq, doc), now };
}

function versionLabel(version: VersionDto): string {
  const name = shortVersionName(version);
  return `${formatDateTime(version.createdAt)} — ${name.charAt(0).toUpperCase()}${name.slice(1)}`;
}

/** Where a comparison starts unless one picks: the slider's point, else the last session's version, else the beginning. */
function defaultFrom(versionsNewestFirst: readonly VersionDto[], sliderSeq: number | null, doc: ComparedDoc): string {
  if (sliderSeq !== null && doc === 'roadmap') return `seq:${sliderSeq}`;
  return versionsNewestFirst.find((version) => version.kind === 'session')?.id ?? 'seq:0';
}

/**
 * Compare two points of the roadmap's or the board's history: what changed from one to the
 * other, goal by goal or card by card, in plain words, with who made each change and when;
 * changed words shown inserted and struck through. A goal, step or card removed in between can
 * be restored from here (cards only by the client: they are their words).
 */
export function CompareView({ workspace, user, sliderSeq, preset = null }: { workspace: WorkspaceDto; user: UserDto; sliderSeq: number | null; preset?: ComparePreset | null }) {
  const [doc, setDoc] = useState<ComparedDoc>('roadmap');
  const [points, reloadPoints] = useAsync(`compare-points:${workspace.id}:${doc}:${sliderSeq}:${preset?.from}:${preset?.to}`, () => loadPoints(workspace.id, doc, sliderSeq, preset));
  const [picked, setPicked] = useState<{ doc: ComparedDoc; from?: string; to?: string }>(preset ? { doc, ...preset } : { doc });
  const ready = points.status === 'ready' ? points.data : null;
  const choice = picked.doc === doc ? picked : { doc };
  const from = choice.from ?? ready?.from ?? null;
  const to = choice.to ?? NOW;
  const [fromPoint, toPoint] = [from, to].map((point) => (point === NOW ? (ready?.now ?? null) : point));
  const [comparison] = useAsync(`compare:${workspace.id}:${doc}:${fromPoint}:${toPoint}`, () =>
    fromPoint && toPoint ? compareDoc(workspace.id, doc, fromPoint, toPoint) : new Promise<CompareDto>(() => {}),
  );
  const [restored, setRestored] = useState<string | null>(null);
  const docName = useId();
  const fromId = useId();
  const toId = useId();

  const pick = (end: 'from' | 'to', value: string) => {
    setRestored(null);
    setPicked({ ...choice, doc, [end]: value });
  };
  const label = (value: string | null) => {
    const name = ready?.choices.find((entry) => entry.value === value)?.label ?? value ?? '';
    // "Now" and "The beginning" read lower case inside a sentence.
    return name === 'Now' || name.startsWith('The ') ? name.charAt(0).toLowerCase() + name.slice(1) : name;
  };

  return (
    <section className="compare" aria-labelledby="compare-title">
      <header>
        <h2 id="compare-title" className="history__title">
          Compare two points
        </h2>
        <p className="muted">See what changed between two moments — a session, a saved version, now — and who changed it.</p>
      </header>
      <div className="compare__pickers">
        <fieldset className="compare__doc">
          <legend className="compare__legend">Compare</legend>
          {(['roadmap', 'feedback'] as const).map((key) => (
            <label key={key} className="compare__doc-option">
              <input type="radio" name={docName} value={key} checked={doc === key} onChange={() => (setRestored(null), setDoc(key))} />
              {DOC_TITLES[key]}
            </label>
          ))}
        </fieldset>
        {ready && (
          <>
            <div className="compare__point">
              <label htmlFor={fromId}>From</label>
              <select id={fromId} value={from ?? ''} onChange={(event) => pick('from', event.target.value)}>
                {ready.choices.map((entry) => (
                  <option key={entry.value} value={entry.value}>
                    {entry.label}
                  </option>
                ))}
              </select>
            </div>
            <div className="compare__point">
              <label htmlFor={toId}>To</label>
              <select id={toId} value={to ?? ''} onChange={(event) => pick('to', event.target.value)}>
                {ready.choices.map((entry) => (
                  <option key={entry.value} value={entry.value}>
                    {entry.label}
                  </option>
                ))}
              </select>
            </div>
          </>
        )}
      </div>
      {points.status === 'loading' && <Loading label="Reading the versions…" />}
      {points.status === 'error' && <Notice tone="error">{errorMessage(points.error)}</Notice>}
      {ready && comparison.status === 'loading' && <Loading label="Comparing…" />}
      {comparison.status === 'error' && <Notice tone="error">{errorMessage(comparison.error)}</Notice>}
      {restored && <Notice>{restored}</Notice>}
      {comparison.status === 'ready' && (
        <Changes
          key={`${from}:${to}`}
          comparison={comparison.data}
          summary={`From ${label(from)} to ${label(to)}`}
          doc={doc}
          workspace={workspace}
          user={user}
          onRestored={(noun) => {
            setRestored(`The ${noun} is back, as it was at the earlier point: a new change, which you both see.`);
            reloadPoints();
          }}
        />
      )}
    </section>
  );
}

function Changes({ comparison, summary, doc, workspace, user, onRestored }: { comparison: CompareDto; summary: string; doc: ComparedDoc; workspace: WorkspaceDto; user: UserDto; onRestored: (noun: string) => void }) {
  const groups = useMemo(() => groupChanges(comparison.changes), [comparison.changes]);
  const count = comparison.changes.length;
  return (
    <div className="compare__result">
      <p className="compare__summary" aria-live="polite">
        <strong>{summary}</strong>: {count === 0 ? 'nothing changed.' : `${count} ${count === 1 ? 'change' : 'changes'}.`}
      </p>
      {groups.map((group) => (
        <Group key={group.key} group={group} restoreFrom={`seq:${comparison.from.seq}`} doc={doc} workspace={workspace} user={user} onRestored={onRestored} />
      ))}
    </div>
  );
}

function Group({ group, restoreFrom, doc, workspace, user, onRestored }: { group: ChangeGroup; restoreFrom: string; doc: ComparedDoc; workspace: WorkspaceDto; user: UserDto; onRestored: (noun: string) => void }) {
  const headingId = useId();
  const noun = group.subject === 'goal' ? 'Goal' : group.subject === 'card' ? 'Card' : null;
  return (
    <section className={group.removed ? 'compare__group compare__group--removed' : 'compare__group'} aria-labelledby={headingId}>
      <h3 id={headingId} className="compare__group-title">
        {noun && <span className="compare__noun">{noun}</span>}
        {group.subject === 'roadmap' ? group.title : `“${group.title.trim() || '(no words yet)'}”`}
        {group.removed && <span className="compare__gone"> — removed</span>}
      </h3>
      <ul className="compare__changes">
        {group.changes.map((change, index) => (
          <ChangeItem key={index} change={change} headingId={headingId} restoreFrom={restoreFrom} doc={doc} workspace={workspace} user={user} onRestored={onRestored} />
        ))}
      </ul>
    </section>
  );
}

function ChangeItem({
  change,
  headingId,
  restoreFrom,
  doc,
  workspace,
  user,
  onRestored,
}: {
  change: DocChange;
  headingId: string;
  restoreFrom: string;
  doc: ComparedDoc;
  workspace: WorkspaceDto;
  user: UserDto;
  onRestored: (noun: string) => void;
}) {
  const words = describeChange(change);
  const by = byline(change, user.id);
  const target = restoreTarget(change);
  // Cards are the client's words: only they restore them. Nothing is restored in an archive.
  const canRestore = target !== null && !workspace.archivedAt && (doc === 'roadmap' || workspace.role === 'client');
  return (
    <li className="compare__change">
      <p className="compare__what">
        <span>{words.what}</span>
        {by && <span className="compare__by"> {by}</span>}
      </p>
      {words.runs && <Runs runs={words.runs} />}
      {canRestore && <RestoreRemoved workspaceId={workspace.id} doc={doc} versionId={restoreFrom} target={target} describedBy={headingId} onRestored={onRestored} />}
    </li>
  );
}

/** Changed words, in the comparison's box. */
function Runs({ runs }: { runs: readonly TextRun[] }) {
  return (
    <p className="compare__runs">
      <TextRuns runs={runs} />
    </p>
  );
}

function RestoreRemoved({
  workspaceId,
  doc,
  versionId,
  target,
  describedBy,
  onRestored,
}: {
  workspaceId: string;
  doc: ComparedDoc;
  versionId: string;
  target: NonNullable<ReturnType<typeof restoreTarget>>;
  describedBy: string;
  onRestored: (noun: string) => void;
}) {
  const noun = 'cardId' in target ? 'card' : 'stepId' in target ? 'step' : 'goal';
  const [state, setState] = useState<{ status: 'idle' | 'busy' } | { status: 'error'; message: string }>({ status: 'idle' });
  const restore = async () => {
    setState({ status: 'busy' });
    try {
      await restoreDoc(workspaceId, doc, { versionId, ...target });
      setState({ status: 'idle' });
      onRestored(noun);
    } catch (error) {
      setState({ status: 'error', message: errorMessage(error) });
    }
  };
  return (
    <div className="compare__restore">
      <Button busy={state.status === 'busy'} onClick={() => void restore()} aria-describedby={describedBy}>
        Restore the {noun}
      </Button>
      {state.status === 'error' && <p className="error-text">{state.message}</p>}
    </div>
  );
}
