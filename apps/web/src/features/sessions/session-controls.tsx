import { sessionVersionLabel, type EndedSessionDto, type TherapySessionsDto } from '@alliance/shared';
import { useState } from 'react';
import { Button } from '../../components/button.js';
import { Confirm, useConfirmStep } from '../../components/confirm.js';
import { endTherapySession, errorMessage, startTherapySession } from '../../lib/api.js';

const timeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * The therapist's "Start session" / "End session". Ending asks first, then saves a version of
 * the roadmap and the board and asks the client how the session went.
 */
export function SessionControls({
  workspaceId,
  sessions,
  onChanged,
  onEnded,
  disabled,
}: {
  workspaceId: string;
  sessions: TherapySessionsDto;
  onChanged: () => void;
  onEnded: (ended: EndedSessionDto) => void;
  disabled?: boolean;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { asking: confirming, ask, done, triggerRef } = useConfirmStep();
  const current = sessions.current;
  const asking = confirming && current !== null && !disabled;
  // After a start or an end went through, the button stays busy until the session list shows
  // it, so it never offers to do the same thing again in between. Each state is named once
  // (sessions only ever count up), so an old one can never hold the button busy later.
  const state = current ? `in:${current.number}` : `after:${sessions.sessions.length}`;
  const [leaving, setLeaving] = useState<string | null>(null);
  const settling = leaving === state;

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      setLeaving(state);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
      done();
      onChanged();
    }
  };

  const start = () =>
    run(async () => {
      await startTherapySession(workspaceId);
    });
  const end = () =>
    run(async () => {
      onEnded(await endTherapySession(workspaceId, timeZone()));
    });

  return (
    <div className={`session-controls${asking ? ' session-controls--asking' : ''}`}>
      {asking ? (
        <Confirm question="End this session?" confirmLabel="End session" cancelLabel="Keep going" tone="calm" busy={busy} onConfirm={end} onCancel={done}>
          A version of the roadmap and the board is saved as “{sessionVersionLabel(current.number, new Date(), timeZone())}”, and your client is asked how the session went.
        </Confirm>
      ) : (
        <Button ref={triggerRef} variant={current ? 'secondary' : 'primary'} onClick={current ? ask : start} busy={busy || settling} disabled={disabled}>
          {current ? 'End session' : 'Start session'}
        </Button>
      )}
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
