/** How the client would like decisions about their therapy to be made. */
export const DECISION_PREFERENCES = ['client', 'together', 'therapist'] as const;
export type DecisionPreference = (typeof DECISION_PREFERENCES)[number];

export const DECISION_PREFERENCE_LABELS: Record<DecisionPreference, string> = {
  client: 'I decide',
  together: 'We decide together',
  therapist: 'My therapist decides',
};

/**
 * The starting text of "How we work", which the therapist edits before inviting the client.
 * Bracketed parts are for the therapist to fill in.
 */
export const TERMS_TEMPLATE = `## What this space is
A shared place for the two of us: your goals and the steps towards them, and your feedback on how our work together feels. We build it together, during sessions and between them.

## Confidentiality and its limits
What you write here stays between the two of us. I will share it only if you ask me to, if the law requires it, or if I believe you or someone else is at serious risk of harm — and where I can, I will talk with you first.

## Who can see what
- Only the two of us can open this workspace.
- Your private drafts are visible to you alone until you choose to share them.
- I can reply to your feedback, but I can never change or delete your words.
- You can see a log of every time this workspace was opened, changed or exported.

## Sessions
[Day and time of our sessions, how long they last, and how we meet.]

## Contact between sessions
[How to reach me between sessions and how soon I reply — for example, messages are read on working days and answered within two working days.]

## Cancellations
[How much notice we ask of each other, and what happens if a session is missed.]

## If you are in crisis
This space is not watched around the clock. If you are in danger or need urgent help, call your local emergency number or a crisis line: [local crisis line].
`;

export interface TermsDto {
  body: string;
  /** Every edit makes a new version; the client acknowledges the current one. */
  version: number;
  updatedAt: string;
  acknowledgements: Partial<Record<'therapist' | 'client', { version: number; at: string }>>;
  decisionPreference: DecisionPreference | null;
  decisionPreferenceAt: string | null;
  /**
   * The text of the version the client last acknowledged, when the therapist has changed it
   * since: what the changes are shown against. Null when the client has read the current
   * version or none yet, or when that version's text was not kept.
   */
  clientLastRead: { version: number; body: string } | null;
}

export interface TherapySessionDto {
  id: string;
  number: number;
  startedAt: string;
  endedAt: string | null;
}

export interface TherapySessionsDto {
  current: TherapySessionDto | null;
  sessions: TherapySessionDto[];
}

export interface EndedSessionDto {
  session: TherapySessionDto;
  /** The label of the versions saved of the roadmap and the feedback board. */
  label: string;
}

/** "Session 3 — 23 Nov 2026", in the given time zone. */
export function sessionVersionLabel(number: number, endedAt: Date, timeZone = 'UTC'): string {
  const date = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone }).format(endedAt);
  return `Session ${number} — ${date}`;
}
