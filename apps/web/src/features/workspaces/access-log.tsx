import type { AccessEntryDto, AccessLogDto, UserDto } from '@alliance/shared';
import { useState } from 'react';
import { Button } from '../../components/button.js';
import { Loading, Notice, Panel } from '../../components/layout.js';
import { errorMessage, getAccessLog } from '../../lib/api.js';
import { accessLines } from '../../lib/audit-text.js';
import { useResource } from '../../lib/use-resource.js';

/** Older pages, read after the first page that `after` (its `loadedAt`) names. */
interface OlderPages {
  after: number;
  entries: AccessEntryDto[];
  next: string | null;
}

/**
 * Who opened, changed or exported the workspace, and when, newest first: the same list for
 * both people, except that only the client sees anything of their private drafts.
 */
export function AccessLog({ workspaceId, user }: { workspaceId: string; user: UserDto }) {
  const first = useResource(`access-log:${workspaceId}`, (read) => getAccessLog(workspaceId, { read }), { onVisible: false });
  const [older, setOlder] = useState<OlderPages | null>(null);
  const [olderState, setOlderState] = useState<{ status: 'idle' | 'loading' } | { status: 'error'; error: unknown }>({ status: 'idle' });

  const firstPage: AccessLogDto | null = first.state.status === 'ready' ? first.state.data : null;
  // A reload starts again from the newest entries.
  const shownOlder = older && older.after === first.loadedAt ? older : null;
  const entries = firstPage ? [...firstPage.entries, ...(shownOlder?.entries ?? [])] : [];
  const next = shownOlder ? shownOlder.next : (firstPage?.next ?? null);

  const showOlder = async () => {
    if (!next) return;
    const after = first.loadedAt;
    setOlderState({ status: 'loading' });
    try {
      const page = await getAccessLog(workspaceId, { before: next, read: 'refresh' });
      setOlder((previous) => ({ after, entries: [...(previous && previous.after === after ? previous.entries : []), ...page.entries], next: page.next }));
      setOlderState({ status: 'idle' });
    } catch (error) {
      setOlderState({ status: 'error', error });
    }
  };

  return (
    <Panel title="Access log">
      <p className="muted">
        Every time this workspace is opened, changed or exported, it is written down here, and nobody can change it. It never shows what was written. Opening things again within half an hour
        counts as one visit; edits are grouped while someone keeps editing.
      </p>
      {first.state.status === 'loading' && <Loading label="Reading the access log…" />}
      {first.state.status === 'error' && <Notice tone="error">{errorMessage(first.state.error)}</Notice>}
      {firstPage && (
        <>
          {entries.length === 0 ? (
            <p>Nothing yet.</p>
          ) : (
            <ol className="access-log">
              {accessLines(entries, user.id).map((line) => (
                <li key={line.id} className={`access-log__line access-log__line--${line.kind}`}>
                  <span className="access-log__what">
                    <strong>{line.who}</strong> {line.what}
                  </span>
                  <time className="access-log__when" dateTime={line.at}>
                    {line.when}
                  </time>
                </li>
              ))}
            </ol>
          )}
          {olderState.status === 'error' && <Notice tone="error">{errorMessage(olderState.error)}</Notice>}
          <div className="access-log__actions">
            {next && (
              <Button variant="secondary" busy={olderState.status === 'loading'} onClick={() => void showOlder()}>
                Show older
              </Button>
            )}
            <Button variant="quiet" onClick={first.reload}>
              Refresh
            </Button>
          </div>
        </>
      )}
    </Panel>
  );
}
