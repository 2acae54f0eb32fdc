import './history.css';
import { ROADMAP_ROOTS, defineRoots, type HistoryChangeDto, type Role, type UserDto, type WorkspaceDto } from '@alliance/shared';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import * as Y from 'yjs';
import { Button } from '../../components/button.js';
import { Loading, Notice } from '../../components/layout.js';
import { errorMessage, getDocState, getHistory, restoreDoc } from '../../lib/api.js';
import { useAsync } from '../../lib/use-async.js';
import { RoadmapView } from '../roadmap/roadmap-view.js';
import { formatMoment } from '../../lib/dates.js';
import { useTherapySessions } from '../sessions/use-therapy-sessions.js';
import { ChangesView } from './changes-view.js';
import { CompareView } from './compare-view.js';
import { changeAt, replayFrames, sessionMarkers, type ReplayMarker } from './replay.js';

/** How long one step of a replay stays on screen. */
const FRAME_MS = 220;

/** Every change of the roadmap's history, read page by page. */
async function loadHistory(workspaceId: string): Promise<HistoryChangeDto[]> {
  const changes: HistoryChangeDto[] = [];
  let after = 0;
  for (;;) {
    const page = await getHistory(workspaceId, 'roadmap', { after, limit: 1_000 });
    changes.push(...page.changes);
    if (page.next === null) return changes;
    after = page.next;
  }
}

function docOf(state: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  defineRoots(doc, ROADMAP_ROOTS);
  Y.applyUpdate(doc, state);
  return doc;
}

/**
 * The states of the roadmap a replay shows, fetched as they are asked for and kept (a state is a
 * few kilobytes; a long replay asks for a few dozen).
 */
export function useRoadmapAt(workspaceId: string, seq: number | null): { doc: Y.Doc | null; error: unknown } {
  const cache = useRef(new Map<number, Promise<Uint8Array>>());
  const [shown, setShown] = useState<{ seq: number; doc: Y.Doc } | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (seq === null) return;
    let current = true;
    let request = cache.current.get(seq);
    if (!request) {
      request = getDocState(workspaceId, 'roadmap', seq);
      cache.current.set(seq, request);
      request.catch(() => cache.current.delete(seq));
    }
    request.then(
      (state) => {
        if (!current) return;
        setError(null);
        setShown((previous) => {
          previous?.doc.destroy();
          return { seq, doc: docOf(state) };
        });
      },
      (failure: unknown) => current && setError(failure),
    );
    return () => {
      current = false;
    };
  }, [workspaceId, seq]);
  // The last state shown goes with the view.
  const last = useRef<Y.Doc | null>(null);
  useEffect(() => {
    last.current = shown?.doc ?? null;
  }, [shown]);
  useEffect(() => () => last.current?.destroy(), []);
  return { doc: shown?.doc ?? null, error };
}

function actorName(change: HistoryChangeDto, user: UserDto): string {
  if (change.actor.kind === 'server') return 'Alliance';
  return change.actor.userId === user.id ? 'you' : change.actor.name;
}

/** What a point of the history says in words: when it was and who made that change. */
function describePoint(change: HistoryChangeDto | null, user: UserDto): string {
  if (!change) return 'The beginning';
  const restore = change.actor.kind === 'member' && change.actor.via === 'restore' ? ' (a restore)' : '';
  return `${formatMoment(change.createdAt)}, a change by ${actorName(change, user)}${restore}`;
}

/**
 * The roadmap's history as a replay: a slider over every change, with the sessions marked on it,
 * that shows the roadmap as it was at any point — drawn by the same components as the live
 * roadmap, read only — and plays it from the first session to now. From any point, the roadmap
 * can be restored as it was there (a new change on top of now, which can itself be undone).
 */
export function HistoryView({ workspace, user, names }: { workspace: WorkspaceDto; user: UserDto; names: Partial<Record<Role, string>> }) {
  const [history, reloadHistory] = useAsync(`history:${workspace.id}`, () => loadHistory(workspace.id));
  const sessions = useTherapySessions(workspace.id);
  const changes = useMemo(() => (history.status === 'ready' ? history.data : []), [history]);
  const last = changes.at(-1)?.seq ?? 0;
  const markers = useMemo(() => (sessions.state.status === 'ready' ? sessionMarkers(changes, sessions.state.data.sessions) : []), [changes, sessions.state]);
  const [point, setPoint] = useState<number | null>(null);
  const seq = point ?? (last > 0 ? last : null);
  const { doc, error } = useRoadmapAt(workspace.id, seq);
  const sliderId = useId();
  const markersId = useId();
  const [restored, setRestored] = useState<{ from: number; undo: string | null } | null>(null);
  const [mode, setMode] = useState<Mode>('replay');
  // An edit's "Show what changed" opens the comparison from just before it to its end.
  const [preset, setPreset] = useState<{ from: string; to: string } | null>(null);
  const [undoing, setUndoing] = useState(false);
  const undo = async (undoPoint: string) => {
    setUndoing(true);
    try {
      await restoreDoc(workspace.id, 'roadmap', { versionId: undoPoint });
      setRestored(null);
      reloadHistory();
    } finally {
      setUndoing(false);
    }
  };

  // Playing steps through the frames, one every FRAME_MS; the first is shown by the click.
  const [frames, setFrames] = useState<number[] | null>(null);
  const playing = frames !== null;
  useEffect(() => {
    if (!frames) return;
    let index = 0;
    const timer = window.setInterval(() => {
      index++;
      if (index >= frames.length) setFrames(null);
      else setPoint(frames[index]!);
    }, FRAME_MS);
    return () => window.clearInterval(timer);
  }, [frames]);
  const play = () => {
    if (playing) return setFrames(null);
    const from = seq !== null && seq < last ? seq : (markers[0]?.seq ?? 1);
    const next = replayFrames(from, last, markers);
    setPoint(next[0]!);
    setFrames(next);
  };
  const stop = () => setFrames(null);

  if (history.status === 'loading') return <Loading label="Reading the roadmap’s history…" />;
  if (history.status === 'error') return <Notice tone="error">{errorMessage(history.error)}</Notice>;
  if (last === 0) return <p className="history__empty">Nothing has happened on the roadmap yet.</p>;

  const current = seq ?? last;
  const atNow = current === last;
  const here = changeAt(changes, current);
  const modes = <Modes mode={mode} onChange={(next) => (stop(), setPreset(null), setMode(next))} />;
  if (mode === 'compare') {
    return (
      <div className="history">
        {modes}
        <CompareView key={preset ? `${preset.from}-${preset.to}` : 'picked'} workspace={workspace} user={user} sliderSeq={atNow ? null : current} preset={preset} />
      </div>
    );
  }
  if (mode === 'changes') {
    return (
      <div className="history">
        {modes}
        <ChangesView
          workspace={workspace}
          user={user}
          onCompare={(from, to) => (setPreset({ from: `seq:${from}`, to: `seq:${to}` }), setMode('compare'))}
          onReplay={(at) => (setPoint(at), setMode('replay'))}
        />
      </div>
    );
  }
  return (
    <section className="history" aria-labelledby="history-title">
      {modes}
      <header className="history__head">
        <h2 id="history-title" className="history__title">
          How the roadmap grew
        </h2>
        <p className="muted">Move along every change since the beginning, or play it from the first session to now. The roadmap below is shown as it was; nothing in it can be changed here.</p>
      </header>

      <div className="replay">
        <div className="replay__controls">
          <Button variant="primary" aria-pressed={playing} onClick={play}>
            {playing ? 'Pause' : atNow ? 'Play from the first session' : 'Play on'}
          </Button>
          {!atNow && (
            <Button variant="quiet" onClick={() => (stop(), setPoint(null))}>
              Back to now
            </Button>
          )}
        </div>
        <label className="replay__label" htmlFor={sliderId}>
          Point in the history
        </label>
        <input
          id={sliderId}
          className="replay__slider"
          type="range"
          min={1}
          max={last}
          step={1}
          value={current}
          list={markersId}
          aria-valuetext={`${atNow ? 'Now' : `Change ${current} of ${last}`}: ${describePoint(here, user)}`}
          onChange={(event) => {
            stop();
            setPoint(Number(event.target.value));
          }}
        />
        <datalist id={markersId}>
          {markers.map((marker) => (
            <option key={`${marker.kind}-${marker.label}`} value={marker.seq} label={marker.label} />
          ))}
        </datalist>
        <Markers markers={markers} last={last} onSelect={(marker) => (stop(), setPoint(marker.seq))} />
        <p className="replay__point" aria-live={playing ? 'off' : 'polite'}>
          <strong>{atNow ? 'Now' : `Change ${current} of ${last}`}</strong> · {describePoint(here, user)}
        </p>
      </div>

      {restored && (
        <Notice>
          The roadmap reads again as it did at change {restored.from}: a new change, which you both see.{' '}
          {restored.undo && (
            <Button variant="quiet" busy={undoing} onClick={() => void undo(restored.undo!)}>
              Undo the restore
            </Button>
          )}
        </Notice>
      )}
      {!atNow && !workspace.archivedAt && (
        <RestoreHere
          workspaceId={workspace.id}
          seq={current}
          onRestored={(undoPoint) => {
            setRestored({ from: current, undo: undoPoint });
            setPoint(null);
            reloadHistory();
          }}
        />
      )}
      {error ? <Notice tone="error">{errorMessage(error)}</Notice> : null}
      <div className="history__roadmap" aria-busy={doc === null}>
        {doc ? <RoadmapView key={`${current}`} doc={doc} role={workspace.role} readOnly names={names} awareness={null} /> : <Loading label="Opening the roadmap as it was…" />}
      </div>
    </section>
  );
}

type Mode = 'replay' | 'changes' | 'compare';

/** Replay the history, list its edits, or compare two points of it. */
function Modes({ mode, onChange }: { mode: Mode; onChange: (mode: Mode) => void }) {
  return (
    <div className="history__modes" role="group" aria-label="Look back by">
      <Button variant={mode === 'replay' ? 'primary' : 'secondary'} aria-pressed={mode === 'replay'} onClick={() => onChange('replay')}>
        Replay
      </Button>
      <Button variant={mode === 'changes' ? 'primary' : 'secondary'} aria-pressed={mode === 'changes'} onClick={() => onChange('changes')}>
        Changes
      </Button>
      <Button variant={mode === 'compare' ? 'primary' : 'secondary'} aria-pressed={mode === 'compare'} onClick={() => onChange('compare')}>
        Compare two points
      </Button>
    </div>
  );
}

/** The sessions, as labelled points on the track. */
function Markers({ markers, last, onSelect }: { markers: readonly ReplayMarker[]; last: number; onSelect: (marker: ReplayMarker) => void }) {
  const starts = markers.filter((marker) => marker.kind === 'start');
  if (starts.length === 0) return null;
  return (
    <ol className="replay__markers" aria-label="Sessions">
      {starts.map((marker) => (
        <li key={marker.label} style={{ insetInlineStart: `${last > 1 ? ((marker.seq - 1) / (last - 1)) * 100 : 0}%` }}>
          <button type="button" className="replay__marker" onClick={() => onSelect(marker)}>
            {marker.label}
          </button>
        </li>
      ))}
    </ol>
  );
}

/** Restores the whole roadmap as it was at `seq`, as a new change (`onRestored` gets the point that undoes it). */
function RestoreHere({ workspaceId, seq, onRestored }: { workspaceId: string; seq: number; onRestored: (undo: string | null) => void }) {
  const [state, setState] = useState<{ status: 'idle' | 'busy' } | { status: 'error'; message: string }>({ status: 'idle' });
  const restore = async () => {
    setState({ status: 'busy' });
    try {
      const result = await restoreDoc(workspaceId, 'roadmap', { versionId: `seq:${seq}` });
      setState({ status: 'idle' });
      onRestored(result.undo);
    } catch (error) {
      setState({ status: 'error', message: errorMessage(error) });
    }
  };
  return (
    <div className="history__restore">
      <Button busy={state.status === 'busy'} onClick={() => void restore()}>
        Restore the roadmap as it was here
      </Button>
      <span className="muted">Nothing is lost: it is a new change on top of now, and it can be undone.</span>
      {state.status === 'error' && <p className="error-text">{state.message}</p>}
    </div>
  );
}
