import { z } from 'zod';
import type { GasScore } from '../doc/gas.js';
import type { Role } from '../doc/names.js';
import type { GoalStatus } from '../doc/roadmap.js';
import type { TherapySessionDto } from './terms.js';
import type { TrendsDto } from './trends.js';

/** The longest answer to one prompt of a closing reflection. */
export const MAX_REFLECTION_ANSWER = 5_000;

const answer = z.string().trim().max(MAX_REFLECTION_ANSWER);

/** A member's closing reflection: the three prompts, in their own words (any may be left empty, not all). */
export const closingReflectionInput = z
  .object({ helped: answer, keep: answer, ifHard: answer })
  .refine((input) => input.helped !== '' || input.keep !== '' || input.ifHard !== '', 'Write at least one of the three.');
export type ClosingReflectionInput = z.input<typeof closingReflectionInput>;

/** One member's closing reflection, once they have saved it (until then the other does not see it). */
export interface ClosingReflectionDto {
  userId: string;
  role: Role;
  name: string;
  helped: string;
  keep: string;
  ifHard: string;
  updatedAt: string;
}

/** A goal's attainment at one point of the journey: the end of a session, or now. */
export interface AttainmentPointDto {
  label: string;
  at: string;
  /** −2…+2, or null when not scored then (or the goal did not exist yet: see `present`). */
  attainment: number | null;
  /** Whether the goal was in the roadmap then. */
  present: boolean;
}

/** A goal as the closing review shows it: its outcome now and its attainment over time. */
export interface ClosingGoalDto {
  id: string;
  title: string;
  status: GoalStatus;
  /** Set aside (archived) on the roadmap. */
  archived: boolean;
  attainment: number | null;
  importance: number | null;
  difficulty: number | null;
  /** One point per ended session, then now. */
  attainmentOverTime: AttainmentPointDto[];
}

/** A point of the roadmap's history the review shows whole. */
export interface RoadmapPointDto {
  /** The roadmap exactly as it was after this update (`GET …/docs/roadmap/state?seq=`). */
  seq: number;
  label: string;
  at: string;
}

/**
 * `GET /api/workspaces/:id/closing`: the closing review. Before the therapist opens it,
 * `openedAt` is null and only the therapist sees what it will show.
 */
export interface ClosingReviewDto {
  openedAt: string | null;
  openedBy: string | null;
  archivedAt: string | null;
  /** Each member's saved reflection (null until they save one). */
  reflections: Record<Role, ClosingReflectionDto | null>;
  /** When each member confirmed the archive. */
  confirmations: Partial<Record<Role, string>>;
  /** The GAS T-score at the first roadmap and now. */
  gas: { start: GasScore; now: GasScore };
  goals: ClosingGoalDto[];
  /** Oldest first. */
  sessions: TherapySessionDto[];
  roadmap: { first: RoadmapPointDto; last: RoadmapPointDto };
  /** The check-in and steering trend, as this member may read it, with the notes beside it. */
  trends: TrendsDto;
}

/* The closing review in plain words, the same in the app and in the exported files. */

/** The three prompts of a closing reflection, in the order they are asked. */
export const CLOSING_PROMPTS = [
  { key: 'helped', label: 'What helped' },
  { key: 'keep', label: 'What I’ll keep doing' },
  { key: 'ifHard', label: 'What to do if things get hard again' },
] as const satisfies readonly { key: keyof ClosingReflectionInput; label: string }[];

/** A goal's weight (importance or difficulty, 1–3) in words. */
export const GOAL_WEIGHT_LABELS: Record<number, string> = { 1: 'A little', 2: 'Moderately', 3: 'Very' };

const LEVEL_WORDS: Record<number, string> = {
  [-2]: 'much less than expected',
  [-1]: 'somewhat less than expected',
  0: 'as expected',
  1: 'somewhat more than expected',
  2: 'much more than expected',
};

/** One plain sentence on what the goal attainment score says. */
export function scoreSentence(score: GasScore): string {
  if (score.score === null) return 'No goal has a progress rating yet, so there is no score: rate each goal’s progress on the roadmap to see one.';
  const value = Math.round(score.score);
  if (value >= 55) return `${value} means that, taken together, the goals went better than you both expected (50 is “as expected”).`;
  if (value > 45) return `${value} means that, taken together, the goals went about as you both expected (50 is “as expected”).`;
  return `${value} means that, taken together, the goals went less far than you both expected (50 is “as expected”) — worth talking through.`;
}

/** A goal's outcome in words: where its progress started and where it ended. */
export function outcomeOf(goal: Pick<ClosingGoalDto, 'attainmentOverTime'>): string {
  const rated = goal.attainmentOverTime.filter((point) => point.present && point.attainment !== null);
  if (rated.length === 0) return 'Progress was never rated.';
  const first = rated[0]!;
  const last = rated.at(-1)!;
  if (rated.length === 1 || first.attainment === last.attainment) return `Progress: ${LEVEL_WORDS[last.attainment!]}.`;
  return `Progress went from ${LEVEL_WORDS[first.attainment!]} to ${LEVEL_WORDS[last.attainment!]}.`;
}
