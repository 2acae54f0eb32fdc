import './workspaces.css';
import { createWorkspaceInput, type UserDto, type WorkspaceListItemDto } from '@alliance/shared';
import { useEffect, useState, type FormEvent } from 'react';
import { Button } from '../../components/button.js';
import { Field } from '../../components/field.js';
import { Loading, Notice, Page, Panel } from '../../components/layout.js';
import { Link } from '../../components/link.js';
import { createWorkspace, errorMessage, listWorkspaces } from '../../lib/api.js';
import { navigate, paths } from '../../lib/router.js';
import { useResource } from '../../lib/use-resource.js';
import { useSyncClient } from '../../sync/hooks.js';
import { hasArrived, landingFor, noteArrived, rolesIn } from './landing.js';

/** Home for a signed-in person: their workspaces, what is new in each, and — for therapists — starting one. */
export function WorkspacesPage({ user }: { user: UserDto }) {
  const workspaces = useResource(`workspaces:${user.id}`, listWorkspaces, { pollMs: 60_000 });
  const signIn = useSyncClient();
  const list = workspaces.state.status === 'ready' ? workspaces.state.data : null;

  const landing = list && !hasArrived(signIn) ? landingFor(list) : null;
  useEffect(() => {
    if (!list) return;
    noteArrived(signIn);
    if (landing) navigate(paths.workspace(landing), { replace: true });
  }, [list, landing, signIn]);

  const roles = list ? rolesIn(list) : null;
  return (
    <Page title={`Hello, ${user.name}`}>
      <Panel title="Your workspaces">
        {(workspaces.state.status === 'loading' || landing) && <Loading />}
        {workspaces.state.status === 'error' && (
          <Notice tone="error">
            {errorMessage(workspaces.state.error)}{' '}
            <button type="button" className="link-button" onClick={workspaces.reload}>
              Try again
            </button>
          </Notice>
        )}
        {list && !landing && <WorkspaceList workspaces={list} />}
      </Panel>
      {/* Only therapists start workspaces; someone with none yet is offered both ways in. */}
      {roles && !landing && (roles.therapist || !roles.client) && <CreateWorkspacePanel first={!roles.therapist} />}
    </Page>
  );
}

function WorkspaceList({ workspaces }: { workspaces: WorkspaceListItemDto[] }) {
  if (workspaces.length === 0) {
    return (
      <p className="muted">
        No workspaces yet. Here to work with your therapist? Open the invite link they sent you, and you will join their workspace.
      </p>
    );
  }
  return (
    <ul className="workspace-list">
      {workspaces.map((workspace) => (
        <li key={workspace.id}>
          <Link className="workspace-link" href={paths.workspace(workspace.id)}>
            <span className="workspace-link__title">{workspace.title}</span>
            <span className="workspace-link__meta">
              {workspace.role === 'therapist' ? 'You are the therapist' : 'You are the client'}
              {workspace.archivedAt ? ' · archived' : ''}
            </span>
            <WorkspaceBadges workspace={workspace} />
          </Link>
        </li>
      ))}
    </ul>
  );
}

/** What is going on in a workspace, in words: a session now, what the other person added since you looked, repair items open. */
function WorkspaceBadges({ workspace }: { workspace: WorkspaceListItemDto }) {
  const badges: { key: string; text: string; tone: 'live' | 'new' | 'repair' }[] = [];
  if (workspace.inSession) badges.push({ key: 'session', text: 'Session on now', tone: 'live' });
  if (workspace.news.board) badges.push({ key: 'board', text: 'New feedback', tone: 'new' });
  if (workspace.news.checkins) badges.push({ key: 'checkins', text: 'New check-in', tone: 'new' });
  if (workspace.openRepairs > 0) badges.push({ key: 'repairs', text: workspace.openRepairs === 1 ? '1 repair item open' : `${workspace.openRepairs} repair items open`, tone: 'repair' });
  if (badges.length === 0) return null;
  return (
    <span className="workspace-badges">
      {badges.map((badge) => (
        <span key={badge.key} className={`workspace-badge workspace-badge--${badge.tone}`}>
          {badge.text}
        </span>
      ))}
    </span>
  );
}

function CreateWorkspacePanel({ first }: { first: boolean }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = createWorkspaceInput.safeParse({ title: String(new FormData(event.currentTarget).get('title') ?? '') });
    if (!parsed.success) {
      setError('Give the workspace a title.');
      return;
    }
    setError(null);
    setBusy(true);
    try {
      const workspace = await createWorkspace(parsed.data);
      navigate(paths.workspace(workspace.id));
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  };

  return (
    <Panel title={first ? 'Are you a therapist? Start a workspace for a client' : 'Start a workspace for a client'}>
      <form className="stack" onSubmit={onSubmit} noValidate>
        {first && <p className="muted">You will be its therapist, and can then invite your client with a link.</p>}
        <Field
          label="Workspace title"
          name="title"
          maxLength={200}
          autoComplete="off"
          required
          error={error}
          hint="Only you and your client will see it. A first name or initials are enough."
        />
        <Button type="submit" variant="primary" busy={busy}>
          Create workspace
        </Button>
      </form>
    </Panel>
  );
}
