import type { TermsDto } from '@alliance/shared';
import { describe, expect, it } from 'vitest';
import { needsOnboarding, termsStanding } from './onboarding.js';

const terms = (patch: Partial<TermsDto>): TermsDto => ({
  body: '## x',
  version: 2,
  updatedAt: '2026-11-23T10:00:00Z',
  acknowledgements: {},
  decisionPreference: null,
  decisionPreferenceAt: null,
  clientLastRead: null,
  ...patch,
});

describe('the onboarding gate', () => {
  it('holds a client until they have read the current version and chosen how decisions are made', () => {
    expect(needsOnboarding(terms({}), 'client')).toBe(true);
    expect(needsOnboarding(terms({ acknowledgements: { client: { version: 2, at: 'x' } } }), 'client')).toBe(true);
    expect(needsOnboarding(terms({ decisionPreference: 'together' }), 'client')).toBe(true);
    expect(needsOnboarding(terms({ acknowledgements: { client: { version: 2, at: 'x' } }, decisionPreference: 'together' }), 'client')).toBe(false);
  });

  it('holds the client again when the therapist changes the text, and never holds the therapist', () => {
    const changed = terms({ acknowledgements: { client: { version: 1, at: 'x' } }, decisionPreference: 'client' });
    expect(needsOnboarding(changed, 'client')).toBe(true);
    expect(termsStanding(changed, 'client')).toEqual({ read: false, changed: true });
    expect(termsStanding(terms({}), 'client')).toEqual({ read: false, changed: false });
    expect(needsOnboarding(terms({}), 'therapist')).toBe(false);
  });
});
