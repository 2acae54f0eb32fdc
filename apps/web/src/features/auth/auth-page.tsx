import { AppShell, Notice, Page, Panel } from '../../components/layout.js';
import { navigate, paths } from '../../lib/router.js';
import { AuthForm, type AuthMode } from './auth-form.js';
import { hasSignedInHere, type SignedOutReason } from './session.js';

const REASONS: Record<SignedOutReason, string> = {
  'session-ended': 'Your session has ended. Log in again to keep working.',
  'logged-out-everywhere': 'You are logged out on every device, this one included.',
};

/** The front door: what Alliance is, and signing up or logging in (and why, when the app knows). */
export function AuthPage({ mode, reason }: { mode: AuthMode; reason?: SignedOutReason | undefined }) {
  // Only someone who has been here before is welcomed back.
  const title = mode === 'signup' ? 'Create your account' : hasSignedInHere() ? 'Welcome back' : 'Welcome to Alliance';
  return (
    <AppShell>
      <Page width="narrow" title={title} lead="A shared space for therapy: therapist and client set goals together, in the client’s own words, and see how the path grows.">
        {reason && mode === 'login' && <Notice>{REASONS[reason]}</Notice>}
        <Panel>
          <AuthForm mode={mode} onSwitchMode={(next) => navigate(next === 'signup' ? paths.signup() : paths.login(), { replace: true })} />
        </Panel>
      </Page>
    </AppShell>
  );
}
