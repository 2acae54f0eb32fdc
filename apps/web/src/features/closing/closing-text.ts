import type { AttainmentPointDto, ClosingGoalDto, GasScore } from '@alliance/shared';

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
export function outcomeOf(goal: ClosingGoalDto): string {
  const rated = goal.attainmentOverTime.filter((point) => point.present && point.attainment !== null);
  if (rated.length === 0) return 'Progress was never rated.';
  const first = rated[0]!;
  const last = rated.at(-1)!;
  if (rated.length === 1 || first.attainment === last.attainment) return `Progress: ${LEVEL_WORDS[last.attainment!]}.`;
  return `Progress went from ${LEVEL_WORDS[first.attainment!]} to ${LEVEL_WORDS[last.attainment!]}.`;
}

/**
 * The points of a small progress line (an SVG polyline's `points`) for the rated points, −2 at
 * the bottom and +2 at the top; null when fewer than two points are rated.
 */
export function sparklinePoints(points: readonly AttainmentPointDto[], width: number, height: number): string | null {
  const rated = points.map((point, index) => ({ index, value: point.present ? point.attainment : null })).filter((point): point is { index: number; value: number } => point.value !== null);
  if (rated.length < 2) return null;
  const step = points.length > 1 ? width / (points.length - 1) : 0;
  const pad = 3;
  const y = (value: number) => pad + ((2 - value) / 4) * (height - 2 * pad);
  return rated.map((point) => `${round(point.index * step)},${round(y(point.value))}`).join(' ');
}

const round = (value: number) => Math.round(value * 10) / 10;
