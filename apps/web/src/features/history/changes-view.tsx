import type { EditDto, UserDto, WorkspaceDto } from '@alliance/shared';
import { useState } from 'react';
import { Button } from '../../components/button.js';
import { Loading, Notice } from '../../components/layout.js';
import { errorMessage, getEdits } from '../../lib/api.js';
import { dayKey, formatDay, formatRange } from '../../lib/dates.js';
import { useAsync } from '../../lib/use-async.js';

/** How the server's own changes read, by the reason it recorded. */
const SERVER_WORDS: Readonly<Record<string, string>> = { 'drafts.shared': 'shared the client’s drafts when the session started' };

function who(edit: EditDto, user: UserDto): string {
  if (edit.actor.kind === 'server') return 'Alliance';
  return edit.actor.userId === user.id ? 'You' : edit.actor.name;
}

/** What an edit did, in words: "Dana Whitfield changed the goal “Sleep better”". */
export function describeEdit(edit: EditDto, user: UserDto): string {
  if (edit.actor.kind === 'server') return `Alliance ${SERVER_WORDS[edit.actor.reason] ?? 'made a change'}`;
  // The first update of the roadmap is its first content, made as the workspace was created.
  if (edit.fromSeq === 1 && edit.subject.kind === 'document') return `${who(edit, user)} started the roadmap`;
  const verb = edit.actor.via === 'restore' ? 'restored' : 'changed';
  const subject = edit.subject.kind === 'document' ? (verb === 'restored' ? 'the roadmap as it was' : 'the roadmap') : `the ${edit.subject.kind} “${edit.subject.title || 'untitled'}”`;
  return `${who(edit, user)} ${verb} ${subject}`;
}

/** Edits by the day they ended on (in the viewer's calendar), newest first as they come. */
function byDay(edits: readonly EditDto[]): { day: string; label: string; edits: EditDto[] }[] {
  const days: { day: string; label: string; edits: EditDto[] }[] = [];
  for (const edit of edits) {
    const day = dayKey(edit.endedAt);
    const last = days.at(-1);
    if (last?.day === day) last.edits.push(edit);
    else days.push({ day, label: formatDay(edit.endedAt), edits: [edit] });
  }
  return days;
}

/**
 * The roadmap's history as a list of edits, newest first: who changed which goal, how much and
 * when, grouped by day. From each edit one can see what it changed (the comparison from just
 * before it to its end) or the roadmap as it was right after it (the replay at that point).
 */
export function ChangesView({ workspace, user, onCompare, onReplay }: { workspace: WorkspaceDto; user: UserDto; onCompare: (from: number, to: number) => void; onReplay: (seq: number) => void }) {
  const [first] = useAsync(`edits:${workspace.id}`, () => getEdits(workspace.id, 'roadmap'));
  const [older, setOlder] = useState<{ edits: EditDto[]; next: number | null } | null>(null);
  const [loading, setLoading] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);

  if (first.status === 'loading') return <Loading label="Reading the roadmap’s changes…" />;
  if (first.status === 'error') return <Notice tone="error">{errorMessage(first.error)}</Notice>;
  const edits = [...first.data.edits, ...(older?.edits ?? [])];
  const next = older ? older.next : first.data.next;
  const loadMore = async () => {
    if (next === null) return;
    setLoading(true);
    try {
      const page = await getEdits(workspace.id, 'roadmap', { before: next });
      setOlder({ edits: [...(older?.edits ?? []), ...page.edits], next: page.next });
      setFailure(null);
    } catch (error) {
      setFailure(error);
    } finally {
      setLoading(false);
    }
  };

  return (
    <section className="changes" aria-labelledby="changes-title">
      <header>
        <h2 id="changes-title" className="history__title">
          Changes
        </h2>
        <p className="muted">Every change to the roadmap, newest first, gathered into edits: one person working on one goal for a few minutes.</p>
      </header>
      {edits.length === 0 ? (
        <p className="history__empty">Nothing has happened on the roadmap yet.</p>
      ) : (
        byDay(edits).map((day) => (
          <section key={day.day} className="changes__day" aria-label={day.label}>
            <h3 className="changes__day-title">{day.label}</h3>
            <ul className="changes__list">
              {day.edits.map((edit) => (
                <li key={edit.fromSeq} className="changes__edit">
                  <p className="changes__what">{describeEdit(edit, user)}</p>
                  <p className="changes__meta muted">
                    {edit.changes === 1 ? '1 change' : `${edit.changes} changes`} · {formatRange(edit.startedAt, edit.endedAt)}
                  </p>
                  <div className="changes__actions">
                    <Button variant="secondary" onClick={() => onCompare(edit.fromSeq - 1, edit.toSeq)}>
                      Show what changed
                    </Button>
                    <Button variant="quiet" onClick={() => onReplay(edit.toSeq)}>
                      See it here
                    </Button>
                  </div>
                </li>
              ))}
            </ul>
          </section>
        ))
      )}
      {failure ? <Notice tone="error">{errorMessage(failure)}</Notice> : null}
      {next !== null && (
        <Button variant="secondary" busy={loading} onClick={() => void loadMore()}>
          Show older changes
        </Button>
      )}
    </section>
  );
}
