import type { GoalStatus } from '@alliance/shared';

/** How each goal status reads in the app. */
export const GOAL_STATUS_LABELS: Record<GoalStatus, string> = {
  proposed: 'Proposed',
  agreed: 'Agreed',
  active: 'Working on it',
  achieved: 'Achieved',
  paused: 'Paused',
  dropped: 'Let go',
};

/** Goal attainment scaling, −2 … +2, in plain words. */
export const ATTAINMENT_LEVELS = [
  { value: -2, sign: '−2', label: 'Much less than expected' },
  { value: -1, sign: '−1', label: 'Somewhat less than expected' },
  { value: 0, sign: '0', label: 'As expected' },
  { value: 1, sign: '+1', label: 'Somewhat more than expected' },
  { value: 2, sign: '+2', label: 'Much more than expected' },
] as const;
