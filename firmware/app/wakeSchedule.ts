// When the fob wakes and when it is on air (firmware/README.md "Battery and the wake schedule").
// A provisioned Puck.js keeps its radio asleep (no advertising) and wakes at every quarter-hour
// (address rotation, battery and motion checks, no HMAC); a button press opens a read window of
// READ_WINDOW_MS: advertising every readAdvertisingIntervalMs, the code rotated every minute.
// Display boards advertise all the time and rotate every minute, since the screen shows the code.
import { ADDRESS_ROTATION_STEPS } from "./addressRotation.js";
import type { FirmwareContext } from "./firmwareContext.js";

/** How long a button press keeps the fob quick to read: advertising fast, rotating every minute. */
export const READ_WINDOW_MS = 120000;

/** The advertising interval now: quick during a read window, else the board's idle interval. */
export function advertisingIntervalNow(ctx: FirmwareContext): number {
  return ctx.readWindowOpen ? ctx.board.readAdvertisingIntervalMs : ctx.board.advertisingIntervalMs;
}

/** True when the radio should be asleep now: a provisioned board that advertises only in read windows, outside one. */
export function radioShouldSleep(ctx: FirmwareContext, provisioned: boolean): boolean {
  return provisioned && !ctx.board.advertisesWhenIdle && !ctx.readWindowOpen;
}

/** ms until the next rotation: the next minute, or on boards that sleep between reads the next quarter-hour. */
export function millisToNextRotation(ctx: FirmwareContext, step: number, millisToNextStep: number): number {
  if (ctx.board.rotatesEveryMinute || ctx.readWindowOpen) return millisToNextStep;
  const stepsAfterNext = (ADDRESS_ROTATION_STEPS - ((step + 1) % ADDRESS_ROTATION_STEPS)) % ADDRESS_ROTATION_STEPS;
  return millisToNextStep + stepsAfterNext * 60000;
}

/** The MOVED hold counts down by the steps since the last rotation (rotations may be a quarter-hour apart). */
export function countDownMoved(ctx: FirmwareContext, step: number): void {
  const elapsed = ctx.lastRotationStep < 0 ? 1 : step - ctx.lastRotationStep;
  ctx.lastRotationStep = step;
  if (elapsed <= 0) return;
  ctx.movedTicksLeft = ctx.movedTicksLeft > elapsed ? ctx.movedTicksLeft - elapsed : 0;
}
