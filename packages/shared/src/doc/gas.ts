import { ATTAINMENT_MAX, ATTAINMENT_MIN } from './roadmap.js';

/**
 * Goal Attainment Scaling (Kiresuk & Sherman): each goal's attainment on −2…+2, summarised as
 * a T-score, T = 50 + 10·Σwᵢxᵢ / √((1−ρ)Σwᵢ² + ρ(Σwᵢ)²), where ρ is the assumed correlation
 * between goals' scores (0.3 by convention). 50 means the goals came out as expected on the
 * whole; about 60 a little better, 40 a little worse.
 */
export const GAS_RHO = 0.3;

/** What the T-score reads of a goal. */
export interface GasGoal {
  attainment: number | null;
  importance?: number | null;
  difficulty?: number | null;
}

export interface GasScore {
  /** The T-score, or null when no goal has an attainment yet. */
  score: number | null;
  /** How many goals it counts (those with an attainment). */
  goals: number;
  /** Whether goals are weighted (importance × difficulty) or counted equally. */
  weighted: boolean;
}

/**
 * The GAS T-score of a set of goals. Goals without an attainment are left out. Each goal is
 * weighted by importance × difficulty when both were said for every goal counted (the client
 * says how much each matters, the therapist how hard it is); otherwise all weigh the same, so
 * one missing rating never tilts the score.
 */
export function gasTScore(goals: readonly GasGoal[], rho = GAS_RHO): GasScore {
  const scored = goals.filter((goal): goal is GasGoal & { attainment: number } => typeof goal.attainment === 'number' && goal.attainment >= ATTAINMENT_MIN && goal.attainment <= ATTAINMENT_MAX);
  if (scored.length === 0) return { score: null, goals: 0, weighted: false };
  const weighted = scored.every((goal) => isWeight(goal.importance) && isWeight(goal.difficulty));
  const weights = scored.map((goal) => (weighted ? goal.importance! * goal.difficulty! : 1));
  let weightedSum = 0;
  let sumOfSquares = 0;
  let sum = 0;
  scored.forEach((goal, index) => {
    const weight = weights[index]!;
    weightedSum += weight * goal.attainment;
    sumOfSquares += weight * weight;
    sum += weight;
  });
  const spread = Math.sqrt((1 - rho) * sumOfSquares + rho * sum * sum);
  return { score: 50 + (10 * weightedSum) / spread, goals: scored.length, weighted };
}

function isWeight(value: number | null | undefined): value is number {
  return typeof value === 'number' && value > 0;
}
