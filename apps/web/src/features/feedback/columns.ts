import type { FeedbackColumn } from '@alliance/shared';

/** A line under each column's heading saying what belongs there. */
export const COLUMN_HINTS: Record<FeedbackColumn, string> = {
  working: 'What helps, and what to keep doing.',
  change: 'What could be different.',
  power: 'Feeling heard, free to disagree, able to choose.',
  process: 'Pace, timing, homework, this space.',
};
