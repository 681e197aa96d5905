// Rotation: at every step boundary (UTC minute) the device re-reads its conditions and
// refreshes what it shows: the advertisement frame, the screen, the NFC form. The next
// rotation is scheduled with setTimeout(millisToNextStep(now)) from the clock itself at every
// tick, so timer error never accumulates (no setInterval).
import { encodeFrame, FRAME_COMPANY_ID, FRAME_KIND_ADVERT, FRAME_KIND_NFC } from "../../protocol/frame.js";
import { groupDisplayCode, makeDisplayCode } from "../../protocol/displayCode.js";
import { millisToNextStep, stepOf } from "../../protocol/timeStep.js";
import { localOffsetMinutes } from "../../protocol/localTime.js";
import { nfcRecordPayload } from "../../protocol/nfcForm.js";
import { tagMemory } from "./nfcTag.js";
import { JOURNAL_EVENT_BATTERY_LOW, JOURNAL_EVENT_MOVED } from "../../protocol/journal.js";
import { nrf } from "../espruino/espruinoGlobals.js";
import type { FirmwareContext } from "./firmwareContext.js";
import { clockTrusted, deviceUnixSeconds } from "./trustedClock.js";
import { BATTERY_LOW_PERCENT, BATTERY_OK_PERCENT, MOVE_EPISODE_GAP_TICKS, MOVED_HOLD_TICKS, batteryPercent, displayStatusDigit, frameStatus } from "./deviceStatus.js";
import { isProvisioned } from "./provisionedConfig.js";
import { journalEvent } from "./eventJournal.js";
import { isAddressRotationStep, rotateAddress } from "./addressRotation.js";
import { millisToNextRotation, radioShouldSleep } from "./wakeSchedule.js";

/** The frame of this step, for adverts (FRAME_KIND_ADVERT) or NFC (FRAME_KIND_NFC); null unprovisioned. */
export function currentFrame(ctx: FirmwareContext, kind: number): Uint8Array | null {
  const key = ctx.config.deviceKey;
  const id = ctx.config.deviceId;
  if (key === null || id === null) return null;
  return encodeFrame(ctx.board.hash, key, id, {
    kind: kind,
    step: stepOf(deviceUnixSeconds()),
    status: frameStatus(ctx),
  });
}

/** The 12-digit code of this step; null when unprovisioned or the clock is not trusted. */
export function currentDisplayCode(ctx: FirmwareContext): string | null {
  const key = ctx.config.deviceKey;
  const id = ctx.config.deviceId;
  if (key === null || id === null || !clockTrusted(ctx.clock)) return null;
  return makeDisplayCode(ctx.board.hash, key, id, stepOf(deviceUnixSeconds()), displayStatusDigit(ctx));
}

/** Battery low with hysteresis; the step into low is journaled. */
export function checkBattery(ctx: FirmwareContext): void {
  const percent = batteryPercent(ctx);
  if (!ctx.batteryLow && percent < BATTERY_LOW_PERCENT) {
    ctx.batteryLow = true;
    journalEvent(ctx, JOURNAL_EVENT_BATTERY_LOW, percent);
  } else if (ctx.batteryLow && percent >= BATTERY_OK_PERCENT) {
    ctx.batteryLow = false;
  }
}

function advertise(ctx: FirmwareContext): void {
  if (radioShouldSleep(ctx, isProvisioned(ctx.config))) {
    // Off air between read windows; never under a connected reader (it sleeps at the disconnect).
    if (!ctx.radioAsleep && !ctx.bleConnected) {
      ctx.radioAsleep = true;
      nrf().sleep();
    }
    return;
  }
  if (ctx.radioAsleep) {
    ctx.radioAsleep = false;
    nrf().wake();
  }
  const windowInterval = ctx.board.readWindowIntervalMs;
  const interval = ctx.readWindowOpen && windowInterval !== undefined ? windowInterval : ctx.board.advertisingIntervalMs;
  const frame = currentFrame(ctx, FRAME_KIND_ADVERT);
  if (frame === null) {
    // Unprovisioned: the board's name is advertised so a provisioning tool can find it.
    nrf().setAdvertising({}, { showName: true, connectable: true, interval: interval });
    return;
  }
  nrf().setAdvertising(
    {},
    { manufacturer: FRAME_COMPANY_ID, manufacturerData: frame, showName: false, connectable: true, interval: interval },
  );
}

function twoDigits(value: number): string {
  return String(value).padStart(2, "0");
}

/** What the screen says when the clock is not trusted: plain words for a caregiver. */
export const CLOCK_NOT_SET_NOTICE = "CLOCK NOT SET\nCall your agency\nto set the time.";

function drawScreen(ctx: FirmwareContext): void {
  const show = ctx.board.show;
  if (show === null) return;
  const code = currentDisplayCode(ctx);
  const now = deviceUnixSeconds();
  const zoneOffset = ctx.config.zoneOffset;
  // Local time of the service location when the key holder gave it (ZONE), else UTC.
  const local = now + (zoneOffset === null ? 0 : localOffsetMinutes(zoneOffset, ctx.config.zoneRule, now) * 60);
  const minuteOfDay = Math.floor((((local % 86400) + 86400) % 86400) / 60);
  show({
    groupedCode: code === null ? null : groupDisplayCode(code),
    notice: !isProvisioned(ctx.config) ? "NOT PROVISIONED" : code === null ? CLOCK_NOT_SET_NOTICE : null,
    batteryPercent: batteryPercent(ctx),
    batteryLow: ctx.batteryLow,
    clockTrusted: clockTrusted(ctx.clock),
    moved: ctx.movedTicksLeft > 0,
    localTime: zoneOffset !== null,
    clockText: twoDigits(Math.floor(minuteOfDay / 60)) + ":" + twoDigits(minuteOfDay % 60),
  });
}

/** nfcFormStep while the raw NFC link is not started. */
export const NFC_NOT_STARTED = -2;

/**
 * While NFC is served, starts the emulated tag and marks its NFC form stale: the form is
 * computed on demand when a phone reads it (nfcFormNow), not at every rotation.
 */
export function serveNfc(ctx: FirmwareContext): void {
  const start = nrf().nfcStart;
  if (!ctx.board.hasNfc || start === undefined || !ctx.nfcServing) return;
  const started = ctx.nfcFormStep !== NFC_NOT_STARTED;
  ctx.nfcFormStep = -1;
  if (!started) start();
}

/** The tag memory with the NFC form of the current step and status, computed when stale; null when not served. */
export function nfcFormNow(ctx: FirmwareContext): Uint8Array | null {
  if (!ctx.nfcServing) return null;
  const step = stepOf(deviceUnixSeconds());
  if (ctx.nfcMemory === null || ctx.nfcFormStep !== step) {
    const frame = currentFrame(ctx, FRAME_KIND_NFC);
    if (frame === null) return null;
    ctx.nfcMemory = tagMemory(nfcRecordPayload(frame, ctx.config.tapUrl));
    ctx.nfcFormStep = step;
  }
  return ctx.nfcMemory;
}

/** Re-publishes everything that depends on the step or the status (the advert only while on air). */
export function refreshOutputs(ctx: FirmwareContext): void {
  advertise(ctx);
  drawScreen(ctx);
  serveNfc(ctx);
}

/** Boards that sample motion (Puck.js) read the accelerometer once at a wake-up; a movement sets MOVED and is journaled. */
export function checkMotion(ctx: FirmwareContext): void {
  const check = ctx.board.checkMoved;
  if (check !== undefined && check()) noteMovement(ctx);
}

/** A movement: MOVED for MOVED_HOLD_TICKS minutes, journaled once per episode. */
export function noteMovement(ctx: FirmwareContext): void {
  const newEpisode = ctx.movedTicksLeft <= MOVED_HOLD_TICKS - MOVE_EPISODE_GAP_TICKS;
  ctx.movedTicksLeft = MOVED_HOLD_TICKS;
  if (newEpisode) journalEvent(ctx, JOURNAL_EVENT_MOVED, 0);
}

function rotate(ctx: FirmwareContext): void {
  ctx.rotationTimer = undefined;
  const step = stepOf(deviceUnixSeconds());
  // The MOVED hold counts down by the steps since the last rotation (they may be a quarter-hour apart).
  const elapsed = ctx.lastRotationStep < 0 ? 1 : step - ctx.lastRotationStep;
  ctx.lastRotationStep = step;
  if (elapsed > 0) ctx.movedTicksLeft = ctx.movedTicksLeft > elapsed ? ctx.movedTicksLeft - elapsed : 0;
  checkMotion(ctx);
  checkBattery(ctx);
  if (isAddressRotationStep(step)) rotateAddress(ctx);
  refreshOutputs(ctx);
  scheduleRotation(ctx);
}

function scheduleRotation(ctx: FirmwareContext): void {
  const now = Date.now();
  ctx.rotationTimer = setTimeout(function () {
    rotate(ctx);
  }, millisToNextRotation(ctx, now));
}

/** Starts the rotation, or re-aligns it after the clock was set or a read window opened or closed. */
export function restartRotation(ctx: FirmwareContext): void {
  if (ctx.rotationTimer !== undefined) clearTimeout(ctx.rotationTimer);
  ctx.rotationTimer = undefined;
  refreshOutputs(ctx);
  scheduleRotation(ctx);
}
