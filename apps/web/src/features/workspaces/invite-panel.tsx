import type { InviteDto, TermsPlaceholder } from '@alliance/shared';
import { useId, useRef, useState } from 'react';
import { Button } from '../../components/button.js';
import { Notice, Panel } from '../../components/layout.js';
import { createInvite, errorMessage } from '../../lib/api.js';
import { formatDateTime } from '../../lib/dates.js';
import { PlaceholderList, partsInWords } from '../onboarding/placeholders.js';

type CopyState = 'idle' | 'copied' | 'manual';

/**
 * For the therapist, until the client has joined: a single-use link to send them. While How we
 * work still has parts of the template in [brackets], it says so first: the client reads
 * How we work before anything else.
 */
export function InvitePanel({ workspaceId, placeholders, onFillIn }: { workspaceId: string; placeholders: readonly TermsPlaceholder[]; onFillIn: () => void }) {
  const warningId = useId();
  const [invite, setInvite] = useState<InviteDto | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [copy, setCopy] = useState<CopyState>('idle');
  const linkRef = useRef<HTMLInputElement>(null);

  const copyLink = async (url: string) => {
    try {
      await navigator.clipboard.writeText(url);
      setCopy('copied');
    } catch {
      // No clipboard access (permissions, or not a secure page): let the person copy it.
      setCopy('manual');
      linkRef.current?.focus();
      linkRef.current?.select();
    }
  };

  const newLink = async (): Promise<InviteDto | null> => {
    setBusy(true);
    setError(null);
    try {
      const created = await createInvite(workspaceId);
      setInvite(created);
      return created;
    } catch (failure) {
      setError(errorMessage(failure));
      return null;
    } finally {
      setBusy(false);
    }
  };

  const onCopy = async () => {
    const current = invite ?? (await newLink());
    if (current) await copyLink(current.url);
  };

  const onRenew = async () => {
    setCopy('idle');
    await newLink();
  };

  return (
    <Panel title="Invite your client" className="invite-panel">
      <p className="muted">
        Send your client a private link. It works once, for one person, and expires after a few days. Making a new link turns off the old one.
      </p>
      {placeholders.length > 0 && (
        <div className="placeholder-warning placeholder-warning--strong" id={warningId}>
          <p>
            <strong>Before you invite: How we work still has {partsInWords(placeholders.length)} of the template to fill in.</strong> Your client reads How we work before anything else, and would see these as they are:
          </p>
          <PlaceholderList placeholders={placeholders} />
          <Button variant="secondary" onClick={onFillIn}>
            Fill them in
          </Button>
        </div>
      )}
      <div className="invite-panel__actions">
        <Button variant="primary" onClick={onCopy} busy={busy && !invite} aria-describedby={placeholders.length > 0 ? warningId : undefined}>
          Copy invite link
        </Button>
        {invite && (
          <Button variant="quiet" onClick={onRenew} busy={busy}>
            Make a new link
          </Button>
        )}
      </div>
      {invite && (
        <div className="field">
          <label className="field__label" htmlFor={`invite-link-${workspaceId}`}>
            Invite link
          </label>
          <input
            ref={linkRef}
            id={`invite-link-${workspaceId}`}
            className="field__input field__input--mono"
            readOnly
            value={invite.url}
            onFocus={(event) => event.currentTarget.select()}
          />
          <p className="field__hint">Expires {formatDateTime(invite.expiresAt)}.</p>
        </div>
      )}
      <p className="success-text" role="status">
        {copy === 'copied' ? 'Copied. Paste it into a message to your client.' : ''}
      </p>
      {copy === 'manual' && <Notice>Copying is not allowed here. The link is selected: copy it with your keyboard or menu.</Notice>}
      {error && <Notice tone="error">{error}</Notice>}
    </Panel>
  );
}
