// When the fob wakes and when it is on air (firmware/README.md "Battery and the wake schedule").
// A board with readWindowIntervalMs (Puck.js) keeps its radio asleep once provisioned and wakes
// at every quarter-hour (address rotation, battery and motion checks, no HMAC); a button press
// opens a read window of READ_WINDOW_MS: advertising every readWindowIntervalMs, the code
// rotated every minute. Display boards advertise all the time and rotate every minute.
import { millisToNextStep, stepOf } from "../../protocol/timeStep.js";
import { ADDRESS_ROTATION_STEPS } from "./addressRotation.js";
import type { FirmwareContext } from "./firmwareContext.js";

/** How long a button press keeps the fob on air and quick to read. */
export const READ_WINDOW_MS = 120000;

/** True when the radio should be asleep now: a provisioned board that sleeps between reads, outside a read window. */
export function radioShouldSleep(ctx: FirmwareContext, provisioned: boolean): boolean {
  return provisioned && ctx.board.readWindowIntervalMs !== undefined && !ctx.readWindowOpen;
}

/** ms from now (device clock, ms) to the next rotation: the next minute, or between reads on a sleeping board the next quarter-hour. */
export function millisToNextRotation(ctx: FirmwareContext, nowMs: number): number {
  const toNextMinute = millisToNextStep(nowMs);
  if (ctx.board.readWindowIntervalMs === undefined || ctx.readWindowOpen) return toNextMinute;
  const next = stepOf(nowMs / 1000) + 1;
  return toNextMinute + ((ADDRESS_ROTATION_STEPS - (next % ADDRESS_ROTATION_STEPS)) % ADDRESS_ROTATION_STEPS) * 60000;
}
