import type { DecisionPreference, TermsDto, WorkspaceDto } from '@alliance/shared';
import { useEffect, useRef, useState } from 'react';
import { Button } from '../../components/button.js';
import { Notice } from '../../components/layout.js';
import { acknowledgeTerms, errorMessage, isApiError, setDecisionPreference } from '../../lib/api.js';
import { DecisionPreferenceField } from './decision-preference.js';
import { termsStanding } from './onboarding.js';
import { TermsSinceRead } from './terms-since-read.js';

/**
 * What a client sees before anything else in the workspace (and again when the therapist
 * changes it): "How we work" to read and acknowledge, and how they would like decisions made.
 */
export function OnboardingGate({ workspace, terms, onTerms, onReload }: { workspace: WorkspaceDto; terms: TermsDto; onTerms: (terms: TermsDto) => void; onReload: () => void }) {
  const therapist = workspace.members.find((member) => member.role === 'therapist');
  const therapistName = therapist?.name ?? 'your therapist';
  const { read, changed } = termsStanding(terms, 'client');
  const [preference, setPreference] = useState<DecisionPreference | null>(terms.decisionPreference);
  const [busy, setBusy] = useState<'read' | 'open' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [preferenceError, setPreferenceError] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  // Whoever arrives here (also when the text changed under them) starts at the heading.
  useEffect(() => headingRef.current?.focus(), [terms.version]);

  const acknowledging = useRef<Promise<TermsDto | null> | null>(null);

  const onRead = async () => {
    setBusy('read');
    setError(null);
    acknowledging.current = acknowledgeTerms(workspace.id, terms.version).then(
      (next) => {
        onTerms(next);
        return next;
      },
      (failure: unknown) => {
        setError(errorMessage(failure));
        // The text changed while it was being read: show the new one.
        if (isApiError(failure, 'CONFLICT')) onReload();
        return null;
      },
    );
    await acknowledging.current;
    acknowledging.current = null;
    setBusy(null);
  };

  const onOpen = async () => {
    // Pressed right after "I have read this": let that finish first.
    const acknowledged = acknowledging.current ? await acknowledging.current : null;
    if (!read && !acknowledged) {
      setError('Please read How we work and press “I have read this” first.');
      return;
    }
    if (!preference) {
      setPreferenceError('Choose one of the three. You can change it later.');
      return;
    }
    setBusy('open');
    setError(null);
    try {
      const current = acknowledged ?? terms;
      onTerms(preference === current.decisionPreference ? current : await setDecisionPreference(workspace.id, preference));
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(null);
    }
  };

  return (
    <div className="onboarding">
      <header className="onboarding__intro">
        <h2 className="onboarding__title" ref={headingRef} tabIndex={-1}>
          {changed ? 'How we work has changed' : 'Before we start: how we work'}
        </h2>
        <p className="page__lead">
          {changed
            ? `${therapistName} has updated how you work together.${terms.clientLastRead ? ' What changed is marked below.' : ''} Please read it; your workspace opens right after.`
            : `${therapistName} wrote down how you will work together. Read it in your own time — your workspace opens once you have.`}
        </p>
      </header>

      <section className="panel terms-card" aria-labelledby="onboarding-terms-title">
        <h3 className="panel__title" id="onboarding-terms-title">
          How we work
        </h3>
        <TermsSinceRead terms={terms} reader="you" headingLevel={4} />
        <div className="terms-card__confirm">
          {read ? (
            <p className="success-text" role="status">
              <span aria-hidden="true">✓ </span>You have read this.
            </p>
          ) : (
            <Button variant="primary" onClick={onRead} busy={busy === 'read'}>
              I have read this
            </Button>
          )}
        </div>
      </section>

      <section className="panel" aria-label="Your choice">
        <DecisionPreferenceField
          value={preference}
          onChange={(value) => {
            setPreference(value);
            setPreferenceError(null);
          }}
          hint={`There is no wrong answer. ${therapistName} will see your choice, and you can change it at any time.`}
          error={preferenceError}
        />
      </section>

      {error && <Notice tone="error">{error}</Notice>}
      <div className="onboarding__open">
        <Button variant="primary" onClick={onOpen} busy={busy === 'open'}>
          Open the workspace
        </Button>
      </div>
    </div>
  );
}
