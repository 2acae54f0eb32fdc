import { DECISION_PREFERENCE_LABELS, findPlaceholders, type DecisionPreference, type TermsDto, type WorkspaceDto } from '@alliance/shared';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { Button } from '../../components/button.js';
import { Confirm } from '../../components/confirm.js';
import { Notice, Panel } from '../../components/layout.js';
import { acknowledgeTerms, errorMessage, isApiError, saveTerms, setDecisionPreference } from '../../lib/api.js';
import { formatDateTime } from '../../lib/dates.js';
import { DecisionPreferenceField } from './decision-preference.js';
import { termsStanding } from './onboarding.js';
import { PlaceholderList, partsInWords } from './placeholders.js';
import { TermsSinceRead } from './terms-since-read.js';

/** "How we work": the boundaries card. The therapist writes it; the client reads it and says how decisions are made. */
export function HowWeWork({ workspace, terms, onTerms }: { workspace: WorkspaceDto; terms: TermsDto; onTerms: (terms: TermsDto) => void }) {
  return workspace.role === 'therapist' ? <TherapistTerms workspace={workspace} terms={terms} onTerms={onTerms} /> : <ClientTerms workspace={workspace} terms={terms} onTerms={onTerms} />;
}

function TherapistTerms({ workspace, terms, onTerms }: { workspace: WorkspaceDto; terms: TermsDto; onTerms: (terms: TermsDto) => void }) {
  const client = workspace.members.find((member) => member.role === 'client');
  const clientName = client?.name ?? 'Your client';
  const [body, setBody] = useState(terms.body);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fieldId = useId();
  const standing = termsStanding(terms, 'client');
  const clientMark = terms.acknowledgements.client;
  const dirty = body !== terms.body;
  const placeholders = useMemo(() => findPlaceholders(body), [body]);
  const savedPlaceholders = useMemo(() => findPlaceholders(terms.body), [terms.body]);
  // Saving with parts of the template still to fill in asks once, gently.
  const [asking, setAsking] = useState(false);
  const placeholdersId = useId();

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!body.trim()) {
      setError('Write something before saving.');
      return;
    }
    if (placeholders.length > 0 && !asking) {
      setAsking(true);
      return;
    }
    await save();
  };

  const save = async () => {
    setAsking(false);
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      const saved = await saveTerms(workspace.id, body);
      onTerms(saved);
      setBody(saved.body);
      setMessage(
        client
          ? `Saved as version ${saved.version}. ${client.name} can go on working for now; the next time they open the workspace, they are asked to read it first, with what changed marked.`
          : `Saved as version ${saved.version}.`,
      );
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="how-we-work">
      <Panel title="Where things stand">
        <ul className="standing-list">
          <li>
            <span className="standing-list__label">Read by {client ? client.name : 'your client'}</span>
            <span className={standing.read ? 'pill pill--ok' : 'pill pill--waiting'}>
              {!client
                ? 'Not joined yet'
                : standing.read && clientMark
                  ? `Read version ${terms.version} · ${formatDateTime(clientMark.at)}`
                  : standing.changed
                    ? 'Not yet read this version'
                    : 'Not yet read'}
            </span>
          </li>
          <li>
            <span className="standing-list__label">How {client ? client.name : 'your client'} would like decisions made</span>
            <span className={terms.decisionPreference ? 'pill pill--ok' : 'pill pill--waiting'}>{terms.decisionPreference ? DECISION_PREFERENCE_LABELS[terms.decisionPreference] : 'Not chosen yet'}</span>
          </li>
          <li>
            <span className="standing-list__label">Parts of the template to fill in</span>
            <span className={savedPlaceholders.length === 0 ? 'pill pill--ok' : 'pill pill--waiting'}>{savedPlaceholders.length === 0 ? 'All filled in' : `${savedPlaceholders.length} still in [brackets]`}</span>
          </li>
        </ul>
      </Panel>
      <Panel title="Write how you work together">
        <p className="muted">
          {clientName === 'Your client' ? 'Your client' : clientName} reads this before anything else, and again whenever you change it. Lines starting with “## ” become headings, lines starting with “- ” a list.
        </p>
        <form className="stack" onSubmit={onSubmit}>
          <div className="field">
            <label className="field__label" htmlFor={fieldId}>
              How we work
            </label>
            <textarea
              id={fieldId}
              className="field__input terms-editor"
              value={body}
              onChange={(event) => {
                setBody(event.target.value);
                setMessage(null);
                setAsking(false);
              }}
              rows={18}
              maxLength={20_000}
              spellCheck
              aria-describedby={placeholders.length > 0 ? placeholdersId : undefined}
            />
            <p className="field__hint">Version {terms.version} · last saved {formatDateTime(terms.updatedAt)}{dirty ? ' · changes not saved yet' : ''}</p>
          </div>
          {placeholders.length > 0 && (
            <div className="placeholder-warning" id={placeholdersId}>
              <p>
                <strong>Still to fill in: {partsInWords(placeholders.length)} of the template.</strong> Replace each part in [square brackets] with your own words:
              </p>
              <PlaceholderList placeholders={placeholders} />
            </div>
          )}
          {asking ? (
            <Confirm
              question="Save with parts still to fill in?"
              confirmLabel="Save anyway"
              cancelLabel="Keep editing"
              tone="calm"
              busy={busy}
              onConfirm={() => void save()}
              onCancel={() => setAsking(false)}
            >
              {clientName === 'Your client' ? 'Your client' : clientName} would read them as they are, square brackets and all. You can fill them in later.
            </Confirm>
          ) : (
            <div className="button-row">
              <Button type="submit" variant="primary" busy={busy}>
                Save
              </Button>
              {dirty && (
                <Button variant="quiet" onClick={() => setBody(terms.body)}>
                  Undo changes
                </Button>
              )}
            </div>
          )}
          <p className="success-text" role="status">
            {message ?? ''}
          </p>
          {error && <Notice tone="error">{error}</Notice>}
        </form>
      </Panel>
      <details className="panel terms-preview">
        <summary>How {client ? client.name : 'your client'} sees the saved version</summary>
        <TermsSinceRead terms={terms} reader={client?.name ?? 'your client'} />
      </details>
    </div>
  );
}

function ClientTerms({ workspace, terms, onTerms }: { workspace: WorkspaceDto; terms: TermsDto; onTerms: (terms: TermsDto) => void }) {
  const therapistName = workspace.members.find((member) => member.role === 'therapist')?.name ?? 'your therapist';
  const [preference, setPreference] = useState<DecisionPreference | null>(terms.decisionPreference);
  const [busy, setBusy] = useState<'read' | 'preference' | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const mark = terms.acknowledgements.client;
  const { read, changed } = termsStanding(terms, 'client');

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!preference) return;
    setBusy('preference');
    setError(null);
    try {
      onTerms(await setDecisionPreference(workspace.id, preference));
      setMessage(`Saved. ${therapistName} can see your choice.`);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(null);
    }
  };

  // Changed during a session: the client reads it here when they like (or on their next open).
  const onRead = async () => {
    setBusy('read');
    setReadError(null);
    try {
      onTerms(await acknowledgeTerms(workspace.id, terms.version));
    } catch (failure) {
      // Changed again meanwhile: the newer text arrives with the change itself.
      setReadError(isApiError(failure, 'CONFLICT') ? 'How we work has just changed again. Please read the newest version.' : errorMessage(failure));
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="how-we-work">
      <section className="panel terms-card" aria-labelledby="terms-title">
        <h2 className="panel__title" id="terms-title">
          How we work
        </h2>
        {changed && (
          <p className="terms-card__changed">
            {therapistName} updated this on {formatDateTime(terms.updatedAt)}. Read it when you are ready; you will be asked to the next time you open the workspace.
          </p>
        )}
        <TermsSinceRead terms={terms} reader="you" />
        {read && mark && <p className="muted terms-card__meta">You read this version on {formatDateTime(mark.at)}. Written by {therapistName}.</p>}
        {!read && workspace.archivedAt === null && (
          <div className="terms-card__confirm">
            <Button variant="primary" onClick={onRead} busy={busy === 'read'}>
              I have read this
            </Button>
            {readError && <Notice tone="error">{readError}</Notice>}
          </div>
        )}
      </section>
      <Panel>
        <form className="stack" onSubmit={onSubmit}>
          <DecisionPreferenceField
            value={preference}
            onChange={(value) => {
              setPreference(value);
              setMessage(null);
            }}
            hint="You can change this whenever it stops fitting."
            disabled={workspace.archivedAt !== null}
          />
          {preference !== terms.decisionPreference && (
            <Button type="submit" variant="primary" busy={busy === 'preference'}>
              Save my choice
            </Button>
          )}
          <p className="success-text" role="status">
            {message ?? ''}
          </p>
          {error && <Notice tone="error">{error}</Notice>}
        </form>
      </Panel>
    </div>
  );
}
