import type { Role, TermsDto } from '@alliance/shared';

/** Where a member stands with "How we work". */
export interface TermsStanding {
  /** They have acknowledged the current version. */
  read: boolean;
  /** They acknowledged an earlier version: the therapist has changed it since. */
  changed: boolean;
}

export function termsStanding(terms: TermsDto, role: Role): TermsStanding {
  const mark = terms.acknowledgements[role];
  return { read: mark?.version === terms.version, changed: mark !== undefined && mark.version !== terms.version };
}

/** The client sees "How we work" first: until they have read this version and said how they would like decisions made. */
export function needsOnboarding(terms: TermsDto, role: Role): boolean {
  return role === 'client' && (!termsStanding(terms, 'client').read || terms.decisionPreference === null);
}
