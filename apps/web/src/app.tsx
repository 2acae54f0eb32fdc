import { useEffect } from 'react';
import { AppShell, Loading, Page } from './components/layout.js';
import { Link } from './components/link.js';
import { lazyPart } from './components/lazy-part.js';
import { LogoutButton } from './features/auth/logout-button.js';
import { UnreachablePage } from './features/auth/unreachable-page.js';
import { refreshSession, useAuth } from './features/auth/session.js';
import { prefetchWorkspace, WorkspacePage } from './features/workspaces/workspace-page.js';
import { noteArrived } from './features/workspaces/landing.js';
import { navigate, parseRoute, paths, useRoute } from './lib/router.js';
import { SyncClientContext, useUnloadGuard } from './sync/hooks.js';

// The first screen is a workspace (or the list of them): every other page loads when it is opened.
const AccountPage = lazyPart(() => import('./features/auth/account-page.js'), 'AccountPage');
const AuthPage = lazyPart(() => import('./features/auth/auth-page.js'), 'AuthPage');
const InvitePage = lazyPart(() => import('./features/invite/invite-page.js'), 'InvitePage');
const WorkspacesPage = lazyPart(() => import('./features/workspaces/workspaces-page.js'), 'WorkspacesPage');

export function App() {
  const auth = useAuth();
  const route = useRoute();

  useEffect(() => {
    // Opened at a workspace's address: its data is asked for beside who is signed in, not after.
    const opened = parseRoute(window.location.pathname);
    if (opened.name === 'workspace') prefetchWorkspace(opened.workspaceId);
    void refreshSession();
  }, []);
  useUnloadGuard(auth.status === 'signed-in' ? auth.sync : null);

  // Signed-in people have no use for the login pages; signed-out people need them.
  const redirect =
    auth.status === 'signed-in' && (route.name === 'login' || route.name === 'signup')
      ? paths.home()
      : null;
  useEffect(() => {
    if (redirect) navigate(redirect, { replace: true });
  }, [redirect]);
  // Opened anywhere but the list (an invite, a workspace's link): no landing elsewhere later.
  const signIn = auth.status === 'signed-in' ? auth.sync : null;
  const elsewhere = route.name !== 'home' && route.name !== 'login' && route.name !== 'signup';
  useEffect(() => {
    if (signIn && elsewhere) noteArrived(signIn);
  }, [signIn, elsewhere]);

  if (auth.status === 'loading') {
    return (
      <AppShell>
        <Page>
          <Loading />
        </Page>
      </AppShell>
    );
  }

  if (auth.status === 'unreachable') {
    return (
      <AppShell>
        <UnreachablePage message={auth.message} />
      </AppShell>
    );
  }

  if (auth.status === 'signed-out') {
    if (route.name === 'invite') {
      return (
        <AppShell>
          <InvitePage token={route.token} auth={auth} />
        </AppShell>
      );
    }
    return <AuthPage mode={route.name === 'signup' ? 'signup' : 'login'} reason={auth.reason} />;
  }

  const { user } = auth;
  return (
    <SyncClientContext value={auth.sync}>
      <AppShell
        actions={
          <>
            <Link
              className="shell__user"
              href={paths.account()}
              title={user.email}
              aria-label={`${user.name}, your account`}
              aria-current={route.name === 'account' ? 'page' : undefined}
            >
              {user.name}
            </Link>
            <LogoutButton />
          </>
        }
      >
        {route.name === 'account' ? (
          <AccountPage user={user} />
        ) : route.name === 'workspace' ? (
          <WorkspacePage key={route.workspaceId} workspaceId={route.workspaceId} user={user} />
        ) : route.name === 'invite' ? (
          <InvitePage token={route.token} auth={auth} />
        ) : route.name === 'not-found' ? (
          <Page title="Page not found">
            <p>
              There is nothing at this address. <Link href={paths.home()}>Go to your workspaces</Link>.
            </p>
          </Page>
        ) : (
          <WorkspacesPage user={user} />
        )}
      </AppShell>
    </SyncClientContext>
  );
}
