// Time steps: one step per UTC minute since the Unix epoch. Codes rotate on step boundaries.
export const STEP_SECONDS = 60;

export function stepOf(unixSeconds: number): number {
  return Math.floor(unixSeconds / STEP_SECONDS);
}

export function stepStartSeconds(step: number): number {
  return step * STEP_SECONDS;
}

/** Milliseconds from `unixMillis` to the start of the next step: the firmware re-aligns on this. */
export function millisToNextStep(unixMillis: number): number {
  const stepMillis = STEP_SECONDS * 1000;
  return stepMillis - (unixMillis % stepMillis);
}
