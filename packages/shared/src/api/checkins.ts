import { z } from 'zod';

/**
 * After-session check-ins: the client's process feedback on a session, in our own wording.
 * They are labelled as process feedback, not a validated measure.
 */

/** The longest check-in note. */
export const MAX_CHECKIN_NOTE = 2_000;

export const CHECKIN_ITEMS = ['heard', 'wanted', 'fit', 'overall'] as const;
export type CheckinItem = (typeof CHECKIN_ITEMS)[number];

export const CHOICES_OFFERED = ['yes', 'some', 'no'] as const;
export type ChoicesOffered = (typeof CHOICES_OFFERED)[number];

/** When the therapist sees a check-in: now, once the next session starts, or only as scores in the trend (never the note). */
export const CHECKIN_VISIBILITIES = ['now', 'next_session', 'trend'] as const;
export type CheckinVisibility = (typeof CHECKIN_VISIBILITIES)[number];

const score = z.number().int().min(0).max(10);

/** The client's answers: the four 0–10 items, who steered (−2 therapist-led … 0 shared … +2 me-led), choices, a note. */
export const checkinAnswersInput = z.object({
  items: z.object({ heard: score, wanted: score, fit: score, overall: score }),
  steering: z.number().int().min(-2).max(2),
  choicesOffered: z.enum(CHOICES_OFFERED),
  /** An empty note is no note. */
  note: z
    .string()
    .trim()
    .max(MAX_CHECKIN_NOTE)
    .optional()
    .nullable()
    .transform((note) => (note ? note : null)),
  visibility: z.enum(CHECKIN_VISIBILITIES),
});
export type CheckinAnswersInput = z.input<typeof checkinAnswersInput>;

/** `POST /api/workspaces/:id/checkins`: the check-in on an ended session. */
export const createCheckinInput = checkinAnswersInput.extend({ sessionId: z.uuid() });
export type CreateCheckinInput = z.input<typeof createCheckinInput>;

export const checkinParams = z.object({ id: z.uuid(), checkinId: z.uuid() });

/**
 * A check-in as its reader may see it. The therapist gets a `trend` check-in with `note` null
 * (scores only), and no `next_session` one before the next session starts.
 */
export interface CheckinDto {
  id: string;
  sessionId: string;
  sessionNumber: number;
  items: Record<CheckinItem, number>;
  steering: number;
  choicesOffered: ChoicesOffered;
  note: string | null;
  visibility: CheckinVisibility;
  createdAt: string;
  updatedAt: string;
  /** Whether the client can still change it: until the next session starts. */
  open: boolean;
}

/** `GET /api/workspaces/:id/checkins`: oldest session first. */
export interface CheckinsDto {
  checkins: CheckinDto[];
}
