import { AppShell, Page, Panel } from '../../components/layout.js';
import { navigate, paths } from '../../lib/router.js';
import { AuthForm, type AuthMode } from './auth-form.js';

/** The front door: what Alliance is, and signing up or logging in. */
export function AuthPage({ mode }: { mode: AuthMode }) {
  return (
    <AppShell>
      <Page width="narrow" title={mode === 'signup' ? 'Create your account' : 'Welcome back'} lead="A shared space for you and your therapist: set your goals together, in your own words, and see how the path grows.">
        <Panel>
          <AuthForm mode={mode} onSwitchMode={(next) => navigate(next === 'signup' ? paths.signup() : paths.login(), { replace: true })} />
        </Panel>
      </Page>
    </AppShell>
  );
}
