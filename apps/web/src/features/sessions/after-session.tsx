import { addCard, addDraft, type TherapySessionDto } from '@alliance/shared';
import { useEffect, useRef, useState } from 'react';
import * as Y from 'yjs';
import { Button } from '../../components/button.js';
import { CollabText, type CollabTextHandle } from '../../components/collab-text/index.js';
import { CheckinAnswer } from '../checkins/checkin-answer.js';
import { checkinFor } from '../checkins/checkin-session.js';
import { useCheckins } from '../checkins/use-checkins.js';

const storageKey = (sessionId: string) => `alliance:after-session:${sessionId}`;

function wasAnswered(sessionId: string): boolean {
  try {
    return window.localStorage.getItem(storageKey(sessionId)) !== null;
  } catch {
    return false;
  }
}

function markAnswered(sessionId: string, how: string): void {
  try {
    window.localStorage.setItem(storageKey(sessionId), how);
  } catch {
    // private mode: it is asked again next time, which is harmless
  }
}

/**
 * After a session ends, a quiet place for the client to say how it was: the check-in (a few
 * numbers, who steered, a note, and when the therapist sees it), and, if they like, a card in
 * "The process" on the board or a private draft; or they put it aside. Put aside, the check-in
 * waits in the Trends tab until the next session starts.
 */
export function AfterSession({ workspaceId, session, feedback, drafts, onShared }: { workspaceId: string; session: TherapySessionDto; feedback: Y.Doc | null; drafts: Y.Doc | null; onShared: (where: 'board' | 'draft') => void }) {
  const [hidden, setHidden] = useState(() => wasAnswered(session.id));
  const checkins = useCheckins(workspaceId);
  if (hidden) return null;
  const close = (how: string) => {
    markAnswered(session.id, how);
    setHidden(true);
  };
  const answered = checkins.state.status === 'ready' ? checkinFor(checkins.state.data.checkins, session.id) : null;
  return (
    <section className="after-session" aria-labelledby={`after-session-${session.id}`}>
      <h2 className="after-session__title" id={`after-session-${session.id}`}>
        How was today’s session?
      </h2>
      <p className="muted">Session {session.number} has ended. If you put this aside, you can answer later under “Trends”, until the next session starts.</p>
      {checkins.state.status === 'ready' && (
        <CheckinAnswer
          workspaceId={workspaceId}
          session={session}
          checkin={answered}
          onSaved={(saved) => checkins.set({ checkins: [...checkins.state.status === 'ready' ? checkins.state.data.checkins.filter((other) => other.id !== saved.id) : [], saved] })}
          onCancel={() => close('dismissed')}
        />
      )}
      <details className="after-session__more">
        <summary>Write a card for your feedback board too</summary>
        <ProcessCard session={session} feedback={feedback} drafts={drafts} onShared={onShared} />
      </details>
      {answered && (
        <Button variant="quiet" onClick={() => close('answered')}>
          Close
        </Button>
      )}
    </section>
  );
}

/** A few free words on the session: a card in "The process" on the board, or a private draft. */
function ProcessCard({ session, feedback, drafts, onShared }: { session: TherapySessionDto; feedback: Y.Doc | null; drafts: Y.Doc | null; onShared: (where: 'board' | 'draft') => void }) {
  // What they write stays on this device until they choose where it goes.
  const [local] = useState(() => new Y.Doc());
  const text = local.getText('answer');
  const [error, setError] = useState<string | null>(null);
  const [placed, setPlaced] = useState(false);
  const fieldRef = useRef<CollabTextHandle>(null);

  useEffect(() => () => local.destroy(), [local]);

  if (placed) return null;

  const place = (where: 'board' | 'draft') => {
    const answer = text.toString().trim();
    if (!answer) {
      setError('Write a few words first.');
      fieldRef.current?.focus();
      return;
    }
    const doc = where === 'board' ? feedback : drafts;
    if (!doc) return;
    if (where === 'board') addCard(doc, 'process', answer);
    else addDraft(doc, 'process', answer, 'draft');
    markAnswered(session.id, where);
    setPlaced(true);
    onShared(where);
  };

  return (
    <div className="after-session__card">
      <p className="muted">Anything you noticed — what helped, what didn’t, how it felt to be in the room — is welcome. It goes to “The process” on your feedback board, or stays a private draft.</p>
      <CollabText ref={fieldRef} text={text} awareness={null} label="A card about today’s session" multiline placeholder="A few words are enough" maxLength={20_000} className="after-session__field" />
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
      <div className="button-row">
        <Button variant="primary" onClick={() => place('board')} disabled={!feedback}>
          Add to the board
        </Button>
        <Button variant="secondary" onClick={() => place('draft')} disabled={!drafts}>
          Keep as private draft
        </Button>
      </div>
    </div>
  );
}
