// Writes events into the journal: time 0 while the clock is not trusted, the current status,
// and at most one record per step for the events a caller can repeat at will (button,
// challenge, refused sync), so no one can wear the flash out by pressing or asking.
import { JOURNAL_EVENT_BUTTON, JOURNAL_EVENT_CHALLENGE, JOURNAL_EVENT_SYNC_REFUSED } from "../../protocol/journal.js";
import { stepOf } from "../../protocol/timeStep.js";
import type { FirmwareContext } from "./firmwareContext.js";
import { appendJournal } from "./journalRing.js";
import { clockTrusted, deviceUnixSeconds } from "./trustedClock.js";
import { frameStatus } from "./deviceStatus.js";

function rateLimited(event: number): boolean {
  return event === JOURNAL_EVENT_BUTTON || event === JOURNAL_EVENT_CHALLENGE || event === JOURNAL_EVENT_SYNC_REFUSED;
}

/** Appends a record when the device is provisioned; returns false when nothing was written. */
export function journalEvent(ctx: FirmwareContext, event: number, arg: number): boolean {
  const key = ctx.config.deviceKey;
  const id = ctx.config.deviceId;
  if (key === null || id === null) return false;
  const now = deviceUnixSeconds();
  const step = stepOf(now);
  if (rateLimited(event)) {
    if (ctx.lastJournaledStep[event] === step) return false;
    ctx.lastJournaledStep[event] = step;
  }
  try {
    appendJournal(ctx.journal, ctx.board.hash, key, id, clockTrusted(ctx.clock) ? now : 0, event, frameStatus(ctx), arg);
  } catch (e) {
    // Storage full or failing: nothing was written and the next record takes the same seq;
    // the device keeps producing codes either way.
    return false;
  }
  return true;
}
