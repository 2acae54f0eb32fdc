import type { AttainmentPointDto } from '@alliance/shared';

/** The review's words live in packages/shared, where the Markdown export speaks them too. */
export { outcomeOf, scoreSentence } from '@alliance/shared';

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
