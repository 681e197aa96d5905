// The application: loads the provisioned state, takes the command links, starts rotating
// codes, and wires the button and the motion sensor. Every board entry calls startFirmware.
import { JOURNAL_EVENT_BOOT, JOURNAL_EVENT_BUTTON, JOURNAL_EVENT_CLOCK_LOST } from "../../protocol/journal.js";
import type { Board } from "../board/board.js";
import { nrf, watchButton } from "../espruino/espruinoGlobals.js";
import type { FirmwareContext } from "./firmwareContext.js";
import { isProvisioned, loadConfig } from "./provisionedConfig.js";
import { clockTrusted, loadClockState } from "./trustedClock.js";
import { openJournal } from "./journalRing.js";
import { journalEvent } from "./eventJournal.js";
import { NFC_NOT_STARTED, checkBattery, checkMotion, nfcFormNow, noteMovement, refreshOutputs, restartRotation, serveNfc } from "./codeRotation.js";
import { attachCommandLinks } from "./commandLinks.js";
import { nfcAnswer, T2T_READ } from "./nfcTag.js";
import { rotateAddress, rotateAddressIfPending } from "./addressRotation.js";
import { READ_WINDOW_MS, radioShouldSleep } from "./wakeSchedule.js";

/** How long one button press keeps NFC served (the NFC form and the NFC challenge). */
export const NFC_SERVE_MS = 120000;

/** Ends the read window (its 2 minutes are over, or the reader that got its answer left): off air again. */
function closeReadWindow(ctx: FirmwareContext): void {
  if (ctx.readWindowTimer !== undefined) clearTimeout(ctx.readWindowTimer);
  ctx.readWindowTimer = undefined;
  ctx.readWindowOpen = false;
  restartRotation(ctx);
}

function onButtonPress(ctx: FirmwareContext): void {
  journalEvent(ctx, JOURNAL_EVENT_BUTTON, 0);
  ctx.board.acknowledgePress();
  checkMotion(ctx);
  // A press opens (or extends) the read window: on air quickly, a fresh code every minute.
  if (ctx.readWindowTimer !== undefined) clearTimeout(ctx.readWindowTimer);
  ctx.readWindowOpen = true;
  ctx.readWindowTimer = setTimeout(function () {
    closeReadWindow(ctx);
  }, READ_WINDOW_MS);
  if (ctx.board.hasNfc && isProvisioned(ctx.config)) {
    ctx.nfcServing = true;
    serveNfc(ctx);
    if (ctx.nfcTimer !== undefined) clearTimeout(ctx.nfcTimer);
    ctx.nfcTimer = setTimeout(function () {
      ctx.nfcTimer = undefined;
      ctx.nfcServing = false;
      ctx.nfcMemory = null;
      ctx.nfcFormStep = NFC_NOT_STARTED;
      const stop = nrf().nfcStop;
      if (stop !== undefined) stop();
    }, NFC_SERVE_MS);
  }
  restartRotation(ctx);
}

function onMoved(ctx: FirmwareContext): void {
  const held = ctx.movedTicksLeft > 0;
  noteMovement(ctx);
  if (!held) refreshOutputs(ctx);
}

export function startFirmware(board: Board): void {
  const ctx: FirmwareContext = {
    board: board,
    config: loadConfig(),
    clock: loadClockState(),
    journal: openJournal(),
    movedTicksLeft: 0,
    batteryLow: false,
    pendingSyncNonce: null,
    nfcServing: false,
    nfcMemory: null,
    nfcFormStep: NFC_NOT_STARTED,
    nfcTimer: undefined,
    rotationTimer: undefined,
    readWindowOpen: false,
    readWindowTimer: undefined,
    challengeAnswered: false,
    radioAsleep: false,
    lastRotationStep: -1,
    lastJournaledStep: {},
    consoleLink: null,
    bleConnected: nrf().getSecurityStatus().connected,
    addressRotationPending: false,
  };
  nrf().setServices({}, { uart: true });
  nrf().on("connect", function () {
    ctx.bleConnected = true;
    ctx.challengeAnswered = false;
    // A reader is here: a board that samples motion looks once, so the challenge carries MOVED.
    checkMotion(ctx);
  });
  nrf().on("disconnect", function () {
    ctx.bleConnected = false;
    rotateAddressIfPending(ctx);
    // One press, one read: a reader that got its challenge answered ends the read window; a
    // window that closed during the connection puts the radio to sleep now.
    if (ctx.challengeAnswered && ctx.readWindowOpen) closeReadWindow(ctx);
    else if (radioShouldSleep(ctx, isProvisioned(ctx.config))) refreshOutputs(ctx);
  });
  rotateAddress(ctx);
  attachCommandLinks(ctx);
  journalEvent(ctx, JOURNAL_EVENT_BOOT, 0);
  if (ctx.clock.lastAcceptedTime > 0 && !clockTrusted(ctx.clock)) journalEvent(ctx, JOURNAL_EVENT_CLOCK_LOST, 0);
  if (board.hasNfc)
    nrf().on("NFCrx", function (frame: ArrayBuffer) {
      const send = nrf().nfcSend;
      const bytes = new Uint8Array(frame);
      // The NFC form is computed only when a phone reads it.
      if (send !== undefined) send(nfcAnswer(ctx, bytes[0] === T2T_READ ? nfcFormNow(ctx) : ctx.nfcMemory, bytes));
    });
  watchButton(function () {
    onButtonPress(ctx);
  });
  const motion = board.startMotionSensing;
  if (motion !== null)
    motion(function () {
      onMoved(ctx);
    });
  checkBattery(ctx);
  checkMotion(ctx); // the lie at boot: the first check to compare with
  restartRotation(ctx);
}
