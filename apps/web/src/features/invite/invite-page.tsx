import { useState } from 'react';
import { Button } from '../../components/button.js';
import { Loading, Notice, Page, Panel } from '../../components/layout.js';
import { Link } from '../../components/link.js';
import { acceptInvite, errorMessage, getInvite } from '../../lib/api.js';
import { navigate, paths } from '../../lib/router.js';
import { useAsync } from '../../lib/use-async.js';
import { AuthForm, type AuthMode } from '../auth/auth-form.js';
import type { AuthState } from '../auth/session.js';
import { logOut } from '../auth/session.js';

/**
 * Where an invite link lands: who invites you, then signing up (or logging in), then
 * accepting, which makes you the workspace's client and opens it.
 */
export function InvitePage({ token, auth }: { token: string; auth: AuthState }) {
  const [preview] = useAsync(`invite:${token}`, () => getInvite(token));

  if (preview.status === 'loading') return <Page width="narrow"><Loading label="Opening your invitation…" /></Page>;
  if (preview.status === 'error') {
    return (
      <Page width="narrow" title="This invite link cannot be used">
        <Notice tone="error">{errorMessage(preview.error)}</Notice>
        <p>
          <Link href={paths.home()}>Go to Alliance</Link>
        </p>
      </Page>
    );
  }

  const { therapistName } = preview.data;
  return (
    <Page
      width="narrow"
      title={`${therapistName} invites you to a shared workspace`}
      lead="In Alliance you and your therapist set your goals together, in your own words, and see how the path grows. Only the two of you can see it."
    >
      {auth.status === 'signed-in' ? <Accept token={token} name={auth.user.name} therapistName={therapistName} /> : <SignUpFirst therapistName={therapistName} />}
    </Page>
  );
}

function SignUpFirst({ therapistName }: { therapistName: string }) {
  const [mode, setMode] = useState<AuthMode>('signup');
  return (
    <Panel title={mode === 'signup' ? 'First, create your account' : 'Log in to accept'}>
      <p className="muted">You will join {therapistName}&rsquo;s workspace right after.</p>
      <AuthForm mode={mode} onSwitchMode={setMode} />
    </Panel>
  );
}

function Accept({ token, name, therapistName }: { token: string; name: string; therapistName: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const onAccept = async () => {
    setBusy(true);
    setError(null);
    try {
      const { workspaceId } = await acceptInvite(token);
      navigate(paths.workspace(workspaceId), { replace: true });
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  };

  return (
    <Panel title="Join the workspace">
      <p>
        You are signed in as <strong>{name}</strong>. Accepting makes you the client in {therapistName}&rsquo;s workspace.
      </p>
      {error && <Notice tone="error">{error}</Notice>}
      <div className="button-row">
        <Button variant="primary" onClick={onAccept} busy={busy}>
          Accept invitation
        </Button>
        <Button variant="quiet" onClick={() => void logOut()}>
          Not you? Log out
        </Button>
      </div>
    </Panel>
  );
}
