import { z } from 'zod';
import type { Role } from '../doc/names.js';
import { CHECKIN_ITEMS, type CheckinDto, type CheckinItem, type ChoicesOffered } from './checkins.js';
import type { DecisionPreference, TherapySessionDto } from './terms.js';

/*
 * Trends: the check-ins over sessions, the steering each session had against the steering the
 * client would like, and the notes either member puts beside them ("moved house"). Process
 * feedback in our own words, not a validated measure: no cut-offs, only the client's own line.
 */

/** The longest note beside the trend. */
export const MAX_TREND_NOTE = 280;

/** The most the four items add up to. */
export const MAX_CHECKIN_TOTAL = 40;

/** The label every trend carries. */
export const TREND_DISCLAIMER = 'Process feedback — not a validated measure';

/** The four items in our own words, in the order they are asked. */
export const CHECKIN_ITEM_LABELS: Record<CheckinItem, string> = {
  heard: 'I felt heard and respected',
  wanted: 'We worked on what I wanted',
  fit: 'The way we work fits me',
  overall: 'Overall, today was',
};

/** The check-in items in plain words, as a sentence about the session uses them. */
export const CHECKIN_ITEM_PHRASES: Record<CheckinItem, string> = {
  heard: 'felt heard and respected',
  wanted: 'worked on what I wanted',
  fit: 'the way we work fits',
  overall: 'overall',
};

/** A short name of each item, for chart titles and table heads. */
export const CHECKIN_ITEM_SHORT: Record<CheckinItem, string> = { heard: 'Heard and respected', wanted: 'Worked on what I wanted', fit: 'The way we work fits', overall: 'Overall' };

/** "Who steered today?", from −2 to +2. */
export const STEERING_LABELS: Record<number, string> = {
  [-2]: 'My therapist led',
  [-1]: 'Mostly my therapist',
  0: 'Shared',
  1: 'Mostly me',
  2: 'I led',
};

export const CHOICES_OFFERED_LABELS: Record<ChoicesOffered, string> = { yes: 'Yes', some: 'Some', no: 'No' };

/** The steering the client's decision preference asks for: I decide → +2, together → 0, my therapist decides → −2. */
export const PREFERRED_STEERING: Record<DecisionPreference, number> = { client: 2, together: 0, therapist: -2 };

const isoDate = z.iso.date();

/** `POST /api/workspaces/:id/trend-notes`: a short note tied to a session or to a day. */
export const createTrendNoteInput = z
  .object({
    text: z.string().trim().min(1, 'Write a few words.').max(MAX_TREND_NOTE),
    sessionId: z.uuid().nullable().optional(),
    date: isoDate.nullable().optional(),
  })
  .refine((input) => Boolean(input.sessionId) !== Boolean(input.date), 'Tie the note to a session or to a date (one of them).');
export type CreateTrendNoteInput = z.input<typeof createTrendNoteInput>;

export const trendNoteParams = z.object({ id: z.uuid(), noteId: z.uuid() });

/** A note beside the trend: on a session, or on a day (`date`, YYYY-MM-DD). */
export interface TrendNoteDto {
  id: string;
  sessionId: string | null;
  sessionNumber: number | null;
  date: string | null;
  text: string;
  authorId: string | null;
  authorRole: Role;
  createdAt: string;
}

/** `GET /api/workspaces/:id/trend-notes`: oldest first. */
export interface TrendNotesDto {
  notes: TrendNoteDto[];
}

/** One answered check-in as a point of the trend. */
export interface TrendPointDto {
  sessionId: string;
  sessionNumber: number;
  /** When the session started (ISO), or null when the session is no longer listed. */
  sessionAt: string | null;
  items: Record<CheckinItem, number>;
  /** The four items added up, 0–40. */
  total: number;
  /** Who steered, −2 (therapist-led) … 0 (shared) … +2 (me-led). */
  steering: number;
  /** Experienced minus preferred steering; null while no preference is known. */
  steeringGap: number | null;
  choicesOffered: ChoicesOffered;
}

/** A note placed on the trend: at the session it is tied to, or the last one that started by its day. */
export interface TrendMarkerDto extends TrendNoteDto {
  /** The session number it sits at on the charts; null when no session had started by then. */
  atSession: number | null;
}

/** The trend as one reader may see it (the check-ins already filtered for them). */
export interface TrendsDto {
  points: TrendPointDto[];
  preference: DecisionPreference | null;
  /** The steering the preference asks for (see `PREFERRED_STEERING`); null while not said. */
  preferredSteering: number | null;
  notes: TrendMarkerDto[];
}

/** The ISO day (YYYY-MM-DD, UTC) of an ISO moment. */
const dayOf = (iso: string) => iso.slice(0, 10);

/** The session a note sits at: its own, or the last that started on or before its day. */
function sessionOfNote(note: TrendNoteDto, sessions: readonly TherapySessionDto[]): number | null {
  if (note.sessionNumber !== null) return note.sessionNumber;
  if (note.date === null) return null;
  const started = sessions.filter((session) => dayOf(session.startedAt) <= note.date!);
  return started.length > 0 ? Math.max(...started.map((session) => session.number)) : null;
}

/**
 * The trend from the check-ins a reader may see, the sessions, the client's decision
 * preference and the notes: one point per answered check-in, oldest session first.
 */
export function buildTrends(input: { checkins: readonly CheckinDto[]; sessions: readonly TherapySessionDto[]; preference: DecisionPreference | null; notes: readonly TrendNoteDto[] }): TrendsDto {
  const preferredSteering = input.preference ? PREFERRED_STEERING[input.preference] : null;
  const startedAt = new Map(input.sessions.map((session) => [session.id, session.startedAt]));
  const points = [...input.checkins]
    .sort((a, b) => a.sessionNumber - b.sessionNumber)
    .map(
      (checkin): TrendPointDto => ({
        sessionId: checkin.sessionId,
        sessionNumber: checkin.sessionNumber,
        sessionAt: startedAt.get(checkin.sessionId) ?? null,
        items: { ...checkin.items },
        total: CHECKIN_ITEMS.reduce((sum, item) => sum + checkin.items[item], 0),
        steering: checkin.steering,
        steeringGap: preferredSteering === null ? null : checkin.steering - preferredSteering,
        choicesOffered: checkin.choicesOffered,
      }),
    );
  const notes = input.notes.map((note) => ({ ...note, atSession: sessionOfNote(note, input.sessions) }));
  return { points, preference: input.preference, preferredSteering, notes };
}

/** The gap between experienced and preferred steering in words, for the reader ("1 step more led by your therapist than you would like"). */
export function steeringGapWords(gap: number, reader: Role): string {
  const wish = reader === 'client' ? 'you would like' : 'your client would like';
  if (gap === 0) return `as ${wish}`;
  const steps = `${Math.abs(gap)} ${Math.abs(gap) === 1 ? 'step' : 'steps'}`;
  if (reader === 'client') return `${steps} more led by ${gap < 0 ? 'your therapist' : 'you'} than you would like`;
  return gap < 0 ? `${steps} more led by you than your client would like` : `${steps} more led by your client than they would like`;
}

/** One plain sentence on a series of 0–N scores: how many sessions, where it started and where it is now. */
export function seriesSummary(name: string, values: readonly { session: number; value: number }[], max: number): string {
  if (values.length === 0) return `${name}: no check-ins yet.`;
  const first = values[0]!;
  const last = values.at(-1)!;
  const low = Math.min(...values.map((point) => point.value));
  const high = Math.max(...values.map((point) => point.value));
  if (values.length === 1) return `${name}: ${last.value} of ${max} at session ${last.session}, the only check-in so far.`;
  const direction = last.value > first.value ? 'up from' : last.value < first.value ? 'down from' : 'the same as';
  return `${name}: ${last.value} of ${max} at session ${last.session}, ${direction} ${first.value} at session ${first.session}; between ${low} and ${high} over ${values.length} check-ins.`;
}
