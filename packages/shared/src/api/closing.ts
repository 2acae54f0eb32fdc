import { z } from 'zod';
import type { GasScore } from '../doc/gas.js';
import type { Role } from '../doc/names.js';
import type { GoalStatus } from '../doc/roadmap.js';
import type { TherapySessionDto } from './terms.js';

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
  /** Check-in and power-balance trends, where that data exists (none yet). */
  trends: null;
}
