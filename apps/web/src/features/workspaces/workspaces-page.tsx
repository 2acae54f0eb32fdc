import { createWorkspaceInput, type UserDto, type WorkspaceSummaryDto } from '@alliance/shared';
import { useState, type FormEvent } from 'react';
import { Button } from '../../components/button.js';
import { Field } from '../../components/field.js';
import { Loading, Notice, Page, Panel } from '../../components/layout.js';
import { Link } from '../../components/link.js';
import { createWorkspace, errorMessage, listWorkspaces } from '../../lib/api.js';
import { navigate, paths } from '../../lib/router.js';
import { useAsync } from '../../lib/use-async.js';

/** Home for a signed-in person: their workspaces, and starting a new one. */
export function WorkspacesPage({ user }: { user: UserDto }) {
  const [workspaces, reload] = useAsync(`workspaces:${user.id}`, listWorkspaces);
  return (
    <Page title={`Hello, ${user.name}`}>
      <Panel title="Your workspaces">
        {workspaces.status === 'loading' && <Loading />}
        {workspaces.status === 'error' && (
          <Notice tone="error">
            {errorMessage(workspaces.error)}{' '}
            <button type="button" className="link-button" onClick={reload}>
              Try again
            </button>
          </Notice>
        )}
        {workspaces.status === 'ready' && <WorkspaceList workspaces={workspaces.data} />}
      </Panel>
      <CreateWorkspacePanel />
    </Page>
  );
}

function WorkspaceList({ workspaces }: { workspaces: WorkspaceSummaryDto[] }) {
  if (workspaces.length === 0) {
    return <p className="muted">No workspaces yet. If your therapist sent you an invite link, open it to join their workspace.</p>;
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
          </Link>
        </li>
      ))}
    </ul>
  );
}

function CreateWorkspacePanel() {
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
    <Panel title="Start a workspace for a client">
      <form className="stack" onSubmit={onSubmit} noValidate>
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
