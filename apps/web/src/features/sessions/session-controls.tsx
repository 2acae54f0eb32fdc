import type { EndedSessionDto, TherapySessionsDto } from '@alliance/shared';
import { useState } from 'react';
import { Button } from '../../components/button.js';
import { endTherapySession, errorMessage, startTherapySession } from '../../lib/api.js';

/** The therapist's "Start session" / "End session". Ending saves a version of the roadmap and the board. */
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
  const running = sessions.current !== null;

  const onClick = async () => {
    setBusy(true);
    setError(null);
    try {
      if (running) onEnded(await endTherapySession(workspaceId, Intl.DateTimeFormat().resolvedOptions().timeZone));
      else await startTherapySession(workspaceId);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
      onChanged();
    }
  };

  return (
    <div className="session-controls">
      <Button variant={running ? 'secondary' : 'primary'} onClick={onClick} busy={busy} disabled={disabled}>
        {running ? 'End session' : 'Start session'}
      </Button>
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
