import { DECISION_PREFERENCE_LABELS, termsSummary, type TermsDto, type WorkspaceDto } from '@alliance/shared';
import { useEffect, useId, useMemo, useRef, useState, type MouseEvent } from 'react';
import { Button } from '../../components/button.js';
import { formatDateTime } from '../../lib/dates.js';
import { termsStanding } from './onboarding.js';
import { TermsText } from './terms-text.js';

/**
 * "How we work" pinned to the workspace's header: a small button on every tab that opens a
 * sheet with the parts people look up mid-week — when sessions are, how to reach the
 * therapist between them, where to turn in a crisis — and a way to the whole text.
 */
export function TermsSummaryButton({ workspace, terms, onReadAll }: { workspace: WorkspaceDto; terms: TermsDto; onReadAll: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const sections = useMemo(() => termsSummary(terms.body), [terms.body]);
  const isClient = workspace.role === 'client';
  const client = workspace.members.find((member) => member.role === 'client');
  const changed = isClient && termsStanding(terms, 'client').changed;
  const preference = terms.decisionPreference ? DECISION_PREFERENCE_LABELS[terms.decisionPreference] : null;
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (open) dialog.current?.showModal();
  }, [open]);

  const close = () => dialog.current?.close();
  // A click on the dimmed backdrop (the dialog element itself, outside its sheet) closes it.
  const onDialogClick = (event: MouseEvent<HTMLDialogElement>) => {
    if (event.target === event.currentTarget) close();
  };

  return (
    <>
      <button type="button" className="terms-pin" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        <span className="terms-pin__icon" aria-hidden="true" />
        <span className="terms-pin__label">How we work</span>
        {changed && <span className="terms-pin__badge">updated</span>}
      </button>
      <dialog ref={dialog} className="sheet" aria-labelledby={titleId} onClick={onDialogClick} onClose={() => setOpen(false)}>
        {open && (
          <div className="sheet__body">
            <div className="sheet__head">
              <h2 className="sheet__title" id={titleId}>
                How we work, in short
              </h2>
              <Button variant="quiet" className="sheet__close" onClick={close}>
                Close
              </Button>
            </div>
            <p className="muted sheet__meta">
              From How we work, version {terms.version} of {formatDateTime(terms.updatedAt)}.{changed ? ' Updated since you last read it.' : ''}
            </p>
            {sections.length > 0 ? (
              sections.map((section) => (
                <section key={section.topic} className="sheet__section">
                  <h3 className="sheet__heading">{section.heading}</h3>
                  <TermsText body={section.body} />
                </section>
              ))
            ) : (
              <p>
                {isClient
                  ? 'How we work has no part on session times, contact between sessions or a crisis yet.'
                  : 'How we work has no part on session times, contact between sessions or a crisis yet. Give those parts headings such as “## Sessions”, “## Contact between sessions” and “## If you are in crisis” to show them here.'}
              </p>
            )}
            {preference && (
              <p className="sheet__preference">
                <span className="muted">{isClient ? 'Decisions, as you would like them: ' : `Decisions, as ${client?.name ?? 'your client'} would like them: `}</span>
                <strong>{preference}</strong>
              </p>
            )}
            <div className="button-row">
              <Button
                variant="primary"
                onClick={() => {
                  close();
                  onReadAll();
                }}
              >
                {changed ? 'Read all of it, with the changes' : 'Read all of How we work'}
              </Button>
            </div>
          </div>
        )}
      </dialog>
    </>
  );
}
