import { CHECKIN_ITEMS, type CheckinItem } from '../api/checkins.js';

/**
 * The client's own baseline, and when a check-in drops below it. Alerts compare the client with
 * themselves (their previous check-ins), never with another instrument's cut-off.
 */

/** How many earlier check-ins make the baseline. */
export const BASELINE_SIZE = 3;
/** An item this many points (or more) below its baseline is a drop. */
export const ITEM_DROP_POINTS = 2;
/** The four items' total (0–40) this many points (or more) below its baseline is a drop. */
export const TOTAL_DROP_POINTS = 5;

/** The four 0–10 answers of one check-in. */
export type CheckinScores = Record<CheckinItem, number>;

/** One item that fell: its baseline (the mean of the previous three) and how far below it the answer was. */
export interface ItemDrop {
  item: CheckinItem;
  baseline: number;
  value: number;
  /** baseline − value, > 0. */
  points: number;
}

/** Why a check-in is a drop: the items that fell, and the total when it fell (null when it did not). */
export interface CheckinDrop {
  items: ItemDrop[];
  total: { baseline: number; value: number; points: number } | null;
}

const sum = (scores: CheckinScores) => CHECKIN_ITEMS.reduce((total, item) => total + scores[item], 0);
const mean = (values: readonly number[]) => values.reduce((total, value) => total + value, 0) / values.length;
/** Means of three integers are thirds: compared after rounding away float noise (6.9999… is 7). */
const atLeast = (difference: number, threshold: number) => Math.round(difference * 1e9) / 1e9 >= threshold;

/**
 * Whether `current` drops against `previous` (the client's earlier check-ins, oldest first; only
 * the last three count): any item 2 or more points, or the total 5 or more points, below the mean
 * of those three. Null when it does not drop, or when there are fewer than three to compare with.
 */
export function checkinDrop(previous: readonly CheckinScores[], current: CheckinScores): CheckinDrop | null {
  if (previous.length < BASELINE_SIZE) return null;
  const baseline = previous.slice(-BASELINE_SIZE);
  const items: ItemDrop[] = [];
  for (const item of CHECKIN_ITEMS) {
    const itemBaseline = mean(baseline.map((scores) => scores[item]));
    const points = itemBaseline - current[item];
    if (atLeast(points, ITEM_DROP_POINTS)) items.push({ item, baseline: itemBaseline, value: current[item], points });
  }
  const totalBaseline = mean(baseline.map(sum));
  const totalPoints = totalBaseline - sum(current);
  const total = atLeast(totalPoints, TOTAL_DROP_POINTS) ? { baseline: totalBaseline, value: sum(current), points: totalPoints } : null;
  return items.length > 0 || total ? { items, total } : null;
}

/** The drop of each check-in of a series (oldest first) against the three before it, index by index. */
export function checkinDrops(series: readonly CheckinScores[]): (CheckinDrop | null)[] {
  return series.map((current, index) => checkinDrop(series.slice(0, index), current));
}

/** "3 points", "1.7 points": a baseline is a mean, so a drop may be a fraction. */
export function formatPoints(points: number): string {
  const rounded = Math.round(points * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)} ${rounded === 1 ? 'point' : 'points'}`;
}
