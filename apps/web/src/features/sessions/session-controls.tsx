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

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
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
        <Button ref={triggerRef} variant={current ? 'secondary' : 'primary'} onClick={current ? ask : start} busy={busy} disabled={disabled}>
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
