import './trends.css';
import { buildTrends, TREND_DISCLAIMER, type CheckinDto, type DecisionPreference, type Role, type TherapySessionDto, type UserDto, type WorkspaceDto } from '@alliance/shared';
import { useState } from 'react';
import { Button } from '../../components/button.js';
import { Loading, Notice } from '../../components/layout.js';
import { errorMessage } from '../../lib/api.js';
import { CheckinAnswer } from '../checkins/checkin-answer.js';
import { checkinFor, openCheckinSession } from '../checkins/checkin-session.js';
import { useCheckins, useTrendNotes } from '../checkins/use-checkins.js';
import { NewMark } from '../seen/new-mark.js';
import { isNewSince } from '../seen/new-since.js';
import { useSeen } from '../seen/use-seen.js';
import { useTherapySessions } from '../sessions/use-therapy-sessions.js';
import { TrendCharts } from './trend-charts.js';
import { TrendNotes } from './trend-notes.js';

/**
 * The Trends tab, for both members: the check-ins over the sessions as the reader may see them
 * (the server already left out what the client held back from the therapist), who steered
 * against who the client would like to, and notes on what was going on in life then. For the
 * client, the way back to the open check-in.
 */
export function TrendsView({ workspace, user, preference, names }: { workspace: WorkspaceDto; user: UserDto; preference: DecisionPreference | null; names: Partial<Record<Role, string>> }) {
  const checkins = useCheckins(workspace.id);
  const notes = useTrendNotes(workspace.id);
  const sessions = useTherapySessions(workspace.id);
  // The therapist's last look at the check-ins: what the client answered or changed since is marked new.
  const { seenAt } = useSeen(workspace.id, 'checkins', { enabled: workspace.role === 'therapist' && workspace.archivedAt === null });
  const failed = [checkins, notes, sessions].find((resource) => resource.state.status === 'error');
  if (failed?.state.status === 'error') return <Notice tone="error">{errorMessage(failed.state.error)}</Notice>;
  if (checkins.state.status !== 'ready' || notes.state.status !== 'ready' || sessions.state.status !== 'ready') return <Loading label="Gathering the check-ins…" />;

  const sessionList = sessions.state.data.sessions;
  const trends = buildTrends({ checkins: checkins.state.data.checkins, sessions: sessionList, preference, notes: notes.state.data.notes });
  const isClient = workspace.role === 'client';
  const open = isClient && workspace.archivedAt === null ? openCheckinSession(sessions.state.data) : null;
  const saveCheckin = (saved: CheckinDto) => {
    const others = checkins.state.status === 'ready' ? checkins.state.data.checkins.filter((other) => other.id !== saved.id) : [];
    checkins.set({ checkins: [...others, saved].sort((a, b) => a.sessionNumber - b.sessionNumber) });
  };

  return (
    <section className="trends" aria-labelledby="trends-title">
      <header className="trends__head">
        <h2 id="trends-title" className="trends__title">
          Trends
        </h2>
        <p className="trends__label">{TREND_DISCLAIMER}</p>
        <p className="muted">
          {isClient
            ? 'Your check-ins, session by session, in our own questions — a way to talk about how the work feels, not a test. Your therapist sees what you chose to share: for “only in the trend”, just the numbers.'
            : `What ${names.client ?? 'your client'} shared in their check-ins, session by session — a way to talk about how the work feels, not a test. They choose what you see: some come only as numbers, some wait for the next session.`}
        </p>
      </header>

      <NewCheckins checkins={checkins.state.data.checkins.filter((checkin) => isNewSince(checkin.updatedAt, seenAt))} />

      {open && <OpenCheckin workspaceId={workspace.id} session={open} checkin={checkinFor(checkins.state.data.checkins, open.id)} onSaved={saveCheckin} />}

      <TrendCharts trends={trends} reader={workspace.role} />

      <TrendNotes workspace={workspace} user={user} sessions={sessionList} notes={notes.state.data.notes} onChanged={notes.reload} />
    </section>
  );
}

/** The calm way back to the open check-in: one button, the form only when asked for. */
function OpenCheckin({ workspaceId, session, checkin, onSaved }: { workspaceId: string; session: TherapySessionDto; checkin: CheckinDto | null; onSaved: (checkin: CheckinDto) => void }) {
  const [shown, setShown] = useState(false);
  return (
    <div className="trends__checkin">
      {shown ? (
        <CheckinAnswer workspaceId={workspaceId} session={session} checkin={checkin} onSaved={onSaved} onCancel={() => setShown(false)} />
      ) : (
        <>
          <p>{checkin ? `You answered the check-in for session ${session.number}. You can change it until the next session starts.` : `The check-in for session ${session.number} is open until the next session starts.`}</p>
          <Button variant={checkin ? 'secondary' : 'primary'} onClick={() => setShown(true)}>
            {checkin ? `Change your answer for session ${session.number}` : `Answer the check-in for session ${session.number}`}
          </Button>
        </>
      )}
    </div>
  );
}

/** The check-ins answered or changed since the therapist last looked, named by their session. */
function NewCheckins({ checkins }: { checkins: CheckinDto[] }) {
  if (checkins.length === 0) return null;
  const numbers = new Intl.ListFormat('en', { type: 'conjunction' }).format(checkins.map((checkin) => String(checkin.sessionNumber)));
  const named = checkins.length === 1 ? `session ${numbers}` : `sessions ${numbers}`;
  return (
    <p className="trends__news">
      <NewMark what="check-ins" /> Since you last looked: the check-in for {named}.
    </p>
  );
}
