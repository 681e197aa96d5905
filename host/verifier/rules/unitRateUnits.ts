// T1019: 15-minute units from the day's total minutes. No unit under 8 minutes; 1 from 8,
// 2 from 23, 3 from 38 ... one more every 15 minutes (ND billing: 8 units from 113 minutes).
export const MINUTES_FOR_FIRST_UNIT = 8;
export const MINUTES_PER_UNIT = 15;

export function unitRateUnits(minutes: number): number {
  if (minutes < MINUTES_FOR_FIRST_UNIT) return 0;
  return Math.floor((minutes - MINUTES_FOR_FIRST_UNIT) / MINUTES_PER_UNIT) + 1;
}

/** T1020: one unit per client per day with at least an hour of care. */
export const DAILY_RATE_MINIMUM_MINUTES = 60;
