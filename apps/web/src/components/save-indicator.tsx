import { useEffect, useState } from 'react';
import type { SaveStatus } from '../sync/save-state.js';

const LABELS: Record<SaveStatus, string> = {
  connecting: 'Connecting…',
  saved: 'Saved',
  saving: 'Saving…',
  offline: 'Offline',
  unsaved: 'Not saved',
  error: 'Not connected',
};

const DESCRIPTIONS: Record<SaveStatus, string> = {
  connecting: 'Opening the shared workspace.',
  saved: 'Every change you made is stored.',
  saving: 'Your latest changes are on their way to the server.',
  offline: 'You are offline. Changes you make are kept on this device and sent when the connection is back.',
  unsaved: 'The server could not store your latest changes yet. Keep this tab open.',
  error: 'This workspace could not be opened.',
};

/** How long the count of kept changes must stay the same before it is shown (and announced). */
const COUNT_SETTLE_MS = 800;

/**
 * `value`, once it has stopped changing for a moment: the indicator is a live region, and a
 * count announced on every keystroke would talk over the person typing.
 */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    if (Object.is(value, settled)) return;
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, settled, ms]);
  return settled;
}

function changes(count: number): string {
  return count === 1 ? '1 change' : `${count} changes`;
}

function waitingDescription(count: number): string {
  return `You are offline. ${count === 1 ? '1 change you made is' : `${count} changes you made are`} kept on this device and sent when the connection is back.`;
}

/**
 * Tells whether your edits are stored; driven by the server's confirmations. Offline, it says
 * how many changes wait on this device (`kept`) for the connection to come back.
 */
export function SaveIndicator({ status, kept = 0 }: { status: SaveStatus; kept?: number }) {
  const shownKept = useSettled(kept, COUNT_SETTLE_MS);
  const waiting = status === 'offline' && shownKept > 0;
  return (
    <p
      className={`save-indicator save-indicator--${status}`}
      role="status"
      title={waiting ? waitingDescription(shownKept) : DESCRIPTIONS[status]}
      data-status={status}
      data-kept={waiting ? shownKept : undefined}
    >
      <span className="save-indicator__dot" aria-hidden="true" />
      <span className="save-indicator__label">
        {waiting ? `Offline — ${changes(shownKept)} kept on this device, sent when you reconnect` : LABELS[status]}
      </span>
    </p>
  );
}
