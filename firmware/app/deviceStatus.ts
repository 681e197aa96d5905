// The status the device signs into frames, codes, challenge answers and journal records.
import {
  FRAME_STATUS_BATTERY_LOW,
  FRAME_STATUS_CLOCK_NOT_SET,
  FRAME_STATUS_LOCKED,
  FRAME_STATUS_MOVED,
} from "../../protocol/frame.js";
import { DISPLAY_STATUS_BATTERY_LOW, DISPLAY_STATUS_MOVED } from "../../protocol/displayCode.js";
import type { FirmwareContext } from "./firmwareContext.js";
import { clockTrusted } from "./trustedClock.js";

/** The MOVED bit stays set for this many rotations (minutes) after the last movement. */
export const MOVED_HOLD_TICKS = 60;
/** A movement this many rotations after the previous one starts a new journaled episode. */
export const MOVE_EPISODE_GAP_TICKS = 15;
/** Battery low below this percent, and no longer low from BATTERY_OK_PERCENT up. */
export const BATTERY_LOW_PERCENT = 15;
export const BATTERY_OK_PERCENT = 20;

export function frameStatus(ctx: FirmwareContext): number {
  let status = 0;
  if (!clockTrusted(ctx.clock)) status |= FRAME_STATUS_CLOCK_NOT_SET;
  if (ctx.movedTicksLeft > 0) status |= FRAME_STATUS_MOVED;
  if (ctx.batteryLow) status |= FRAME_STATUS_BATTERY_LOW;
  if (ctx.config.locked) status |= FRAME_STATUS_LOCKED;
  return status;
}

export function displayStatusDigit(ctx: FirmwareContext): number {
  let digit = 0;
  if (ctx.movedTicksLeft > 0) digit |= DISPLAY_STATUS_MOVED;
  if (ctx.batteryLow) digit |= DISPLAY_STATUS_BATTERY_LOW;
  return digit;
}

export function statusHex(status: number): string {
  return (status & 255).toString(16).padStart(2, "0");
}

export function batteryPercent(ctx: FirmwareContext): number {
  const raw = Math.round(ctx.board.batteryPercent());
  return raw < 0 ? 0 : raw > 100 ? 100 : raw;
}
