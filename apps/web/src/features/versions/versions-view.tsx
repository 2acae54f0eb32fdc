import './versions.css';
import { createVersionInput, type Role, type UserDto, type VersionDto, type WorkspaceDto } from '@alliance/shared';
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { Button } from '../../components/button.js';
import { useConfirmStep } from '../../components/confirm.js';
import { Field } from '../../components/field.js';
import { Loading, Notice, Panel } from '../../components/layout.js';
import { createVersion, errorMessage, listVersions } from '../../lib/api.js';
import { formatTime } from '../../lib/dates.js';
import { useResource } from '../../lib/use-resource.js';
import { ExportPanel } from '../export/export-panel.js';
import { automaticSummary, automaticTimes, DOC_TITLES, groupVersionsByDay, savedBy, versionName, type VersionDay } from './version-list.js';
import { VersionPage } from './version-page.js';

export type VersionedDoc = 'roadmap' | 'feedback';

const DOC_CHOICES: readonly { key: VersionedDoc; label: string }[] = [
  { key: 'roadmap', label: DOC_TITLES.roadmap },
  { key: 'feedback', label: DOC_TITLES.feedback },
];

const LABEL_MAX = createVersionInput.shape.label.maxLength ?? 200;

/** The saved versions of the roadmap and of the feedback board; opening one shows it read-only. */
export function VersionsView({ workspace, user }: { workspace: WorkspaceDto; user: UserDto }) {
  const [doc, setDoc] = useState<VersionedDoc>('roadmap');
  const [open, setOpen] = useState<VersionDto | null>(null);
  const versions = useResource(`versions:${workspace.id}:${doc}`, (read) => listVersions(workspace.id, doc, read), { workspaceId: workspace.id });
  const returnTo = useRef<string | null>(null);

  // Back from a version: focus goes to the entry that opened it.
  useEffect(() => {
    if (open || !returnTo.current) return;
    document.getElementById(returnTo.current)?.focus();
    returnTo.current = null;
  }, [open]);

  const names = useMemo(() => {
    const byRole: Partial<Record<Role, string>> = {};
    for (const member of workspace.members) byRole[member.role] = member.userId === user.id ? 'you' : member.name;
    return byRole;
  }, [workspace.members, user.id]);

  const choose = (next: VersionedDoc) => {
    setOpen(null);
    setDoc(next);
  };
  const openVersion = (version: VersionDto) => {
    returnTo.current = entryId(version.id);
    setOpen(version);
  };

  return (
    <Panel className="versions">
      {open && (
        <VersionPage
          key={open.id}
          workspaceId={workspace.id}
          doc={doc}
          version={open}
          savedBy={savedBy(open, user.id, workspace.members)}
          people={{ viewer: workspace.role, names }}
          onBack={() => setOpen(null)}
        />
      )}
      <div className="versions__list-view" hidden={open !== null}>
        <div className="versions__head">
          <h2 className="panel__title">Versions</h2>
          <p className="muted">A copy of the roadmap and of the feedback board is kept when a session ends, now and then while you work, and whenever one of you saves one. Opening a version changes nothing.</p>
        </div>
        <DocSwitch value={doc} onChange={choose} />
        {!workspace.archivedAt && <SaveVersion key={doc} workspaceId={workspace.id} doc={doc} onSaved={versions.reload} />}
        {versions.state.status === 'loading' && <Loading label="Reading the versions…" />}
        {versions.state.status === 'error' && <Notice tone="error">{errorMessage(versions.state.error)}</Notice>}
        {versions.state.status === 'ready' && <VersionList days={groupVersionsByDay(versions.state.data)} doc={doc} user={user} workspace={workspace} onOpen={openVersion} />}
        <ExportPanel workspaceId={workspace.id} role={workspace.role} />
      </div>
    </Panel>
  );
}

const entryId = (versionId: string) => `version-entry-${versionId}`;

/** Roadmap or feedback board: two radio buttons drawn as one switch. */
function DocSwitch({ value, onChange }: { value: VersionedDoc; onChange: (doc: VersionedDoc) => void }) {
  const name = useId();
  return (
    <fieldset className="segmented">
      <legend className="visually-hidden">Versions of</legend>
      {DOC_CHOICES.map((choice) => (
        <label key={choice.key} className={choice.key === value ? 'segmented__option segmented__option--checked' : 'segmented__option'}>
          <input type="radio" name={name} value={choice.key} checked={choice.key === value} onChange={() => onChange(choice.key)} />
          {choice.label}
        </label>
      ))}
    </fieldset>
  );
}

/** "Save a version": a name, then the document as it is now is kept under it. */
function SaveVersion({ workspaceId, doc, onSaved }: { workspaceId: string; doc: VersionedDoc; onSaved: () => void }) {
  const { asking, ask, done: closeForm, triggerRef: openButton } = useConfirmStep();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState('');
  const form = useRef<HTMLFormElement>(null);
  const focusField = () => form.current?.querySelector('input')?.focus();

  useEffect(() => {
    if (asking) focusField();
  }, [asking]);

  const close = () => {
    setError(null);
    closeForm();
  };

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = createVersionInput.safeParse({ label: String(new FormData(event.currentTarget).get('label') ?? '') });
    if (!parsed.success) {
      setError('Give this version a name.');
      focusField();
      return;
    }
    setError(null);
    setBusy(true);
    try {
      await createVersion(workspaceId, doc, parsed.data);
      setSaved(`Saved “${parsed.data.label}”.`);
      onSaved();
      close();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  const what = doc === 'roadmap' ? 'the roadmap' : 'the feedback board';
  return (
    <div className="save-version">
      {asking ? (
        <form
          ref={form}
          className="save-version__form"
          onSubmit={onSubmit}
          onKeyDown={(event) => {
            if (event.key === 'Escape' && !busy) close();
          }}
          noValidate
          aria-label={`Save a version of ${what}`}
        >
          <Field
            label="Name this version"
            name="label"
            maxLength={LABEL_MAX}
            autoComplete="off"
            required
            error={error}
            hint={`Keeps ${what} as it is now, under this name, for you both. For example: Before the summer break.`}
          />
          <div className="button-row">
            <Button type="submit" variant="primary" busy={busy}>
              Save version
            </Button>
            <Button variant="quiet" onClick={close} disabled={busy}>
              Cancel
            </Button>
          </div>
        </form>
      ) : (
        <Button
          ref={openButton}
          variant="secondary"
          onClick={() => {
            setSaved('');
            ask();
          }}
        >
          Save a version
        </Button>
      )}
      <p className="success-text" role="status">
        {saved}
      </p>
    </div>
  );
}

function VersionList({ days, doc, user, workspace, onOpen }: { days: VersionDay[]; doc: VersionedDoc; user: UserDto; workspace: WorkspaceDto; onOpen: (version: VersionDto) => void }) {
  if (days.length === 0) {
    return <p className="versions__empty">No versions of {doc === 'roadmap' ? 'the roadmap' : 'the feedback board'} yet. One is kept when a session ends, and you can save one yourself at any time.</p>;
  }
  return (
    <div className="versions__days">
      {days.map((day) => (
        <section key={day.key} className="version-day" aria-labelledby={`version-day-${day.key}`}>
          <h3 className="version-day__title" id={`version-day-${day.key}`}>
            {day.label}
          </h3>
          {day.marked.length > 0 && (
            <ul className="version-list">
              {day.marked.map((version) => (
                <li key={version.id} className={`version-entry version-entry--${version.kind}`}>
                  <button type="button" id={entryId(version.id)} className="version-entry__open" onClick={() => onOpen(version)} aria-describedby={`${entryId(version.id)}-meta`}>
                    {versionName(version)}
                  </button>
                  <span className="version-entry__meta" id={`${entryId(version.id)}-meta`}>
                    <span className="version-entry__kind">{version.kind === 'session' ? 'End of session' : 'Named'}</span>
                    {' · '}
                    <time dateTime={version.createdAt}>{formatTime(version.createdAt)}</time>
                    {' · '}
                    {savedBy(version, user.id, workspace.members)}
                  </span>
                </li>
              ))}
            </ul>
          )}
          {day.automatic.length > 0 && <AutomaticSaves day={day} onOpen={onOpen} />}
        </section>
      ))}
    </div>
  );
}

/** A day's automatic saves, folded under one line. */
function AutomaticSaves({ day, onOpen }: { day: VersionDay; onOpen: (version: VersionDto) => void }) {
  const times = automaticTimes(day.automatic);
  return (
    <details className="version-autos">
      <summary className="version-autos__summary">{automaticSummary(day)}</summary>
      <ul className="version-autos__list">
        {day.automatic.map((version, index) => (
          <li key={version.id}>
            <button type="button" id={entryId(version.id)} className="version-autos__open" onClick={() => onOpen(version)}>
              <span className="visually-hidden">Automatic save at </span>
              <time dateTime={version.createdAt}>{times[index]}</time>
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}
