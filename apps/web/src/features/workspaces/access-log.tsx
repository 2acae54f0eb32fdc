import type { UserDto } from '@alliance/shared';
import { Button } from '../../components/button.js';
import { Loading, Notice, Panel } from '../../components/layout.js';
import { errorMessage, getAccessLog } from '../../lib/api.js';
import { accessLines, formatWhen } from '../../lib/audit-text.js';
import { useResource } from '../../lib/use-resource.js';

/** Who opened, changed or exported the workspace, and when — the same list for both people. */
export function AccessLog({ workspaceId, user }: { workspaceId: string; user: UserDto }) {
  const log = useResource(`audit:${workspaceId}`, () => getAccessLog(workspaceId), { onVisible: false });
  return (
    <Panel title="Access log">
      <p className="muted">Every time this workspace is opened, changed or exported, it is written down here. You both see the same list; nobody can change it. It never shows what was written.</p>
      {log.state.status === 'loading' && <Loading label="Reading the access log…" />}
      {log.state.status === 'error' && <Notice tone="error">{errorMessage(log.state.error)}</Notice>}
      {log.state.status === 'ready' && (
        <>
          <ol className="access-log">
            {accessLines(log.state.data, user.name).map((line) => (
              <li key={line.id} className="access-log__line">
                <span className="access-log__what">
                  <strong>{line.who}</strong> {line.what}
                  {line.count > 1 && <span className="muted"> ({line.count} times)</span>}
                </span>
                <time className="access-log__when" dateTime={line.at}>
                  {formatWhen(line.at)}
                </time>
              </li>
            ))}
          </ol>
          <Button variant="quiet" onClick={log.reload}>
            Refresh
          </Button>
        </>
      )}
    </Panel>
  );
}
