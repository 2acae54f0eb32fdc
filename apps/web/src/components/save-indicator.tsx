import type { SaveStatus } from '../sync/save-state.js';

const LABELS: Record<SaveStatus, string> = {
  connecting: 'Connecting…',
  saved: 'Saved',
  saving: 'Saving…',
  offline: 'Offline — changes kept',
  unsaved: 'Not saved',
  error: 'Not connected',
};

const DESCRIPTIONS: Record<SaveStatus, string> = {
  connecting: 'Opening the shared workspace.',
  saved: 'Every change you made is stored.',
  saving: 'Your latest changes are on their way to the server.',
  offline: 'You are offline. Your changes are kept here and sent when the connection is back.',
  unsaved: 'The server could not store your latest changes yet. Keep this tab open.',
  error: 'This workspace could not be opened.',
};

/** Tells whether your edits are stored; driven by the server's confirmations. */
export function SaveIndicator({ status }: { status: SaveStatus }) {
  return (
    <p className={`save-indicator save-indicator--${status}`} role="status" title={DESCRIPTIONS[status]} data-status={status}>
      <span className="save-indicator__dot" aria-hidden="true" />
      <span className="save-indicator__label">{LABELS[status]}</span>
    </p>
  );
}
