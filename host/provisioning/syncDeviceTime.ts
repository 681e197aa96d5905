// Authenticated time sync (SPEC.md section 8) from the key holder's side: ask the device for a
// nonce, answer with the time and its MAC, and record the clock observation in the registry.
// When the device is assigned to a service location, the location's time zone follows with a
// second nonce (ZONE, SPEC.md section 8.1), so the fob's screen shows local time.
import { fromHex, parseDeviceIdHex, timeSyncMac, toHex, zoneMac } from "../../protocol/index.js";
import { FRAME_STATUS_CLOCK_NOT_SET } from "../../protocol/frame.js";
import { CMD_STATUS } from "../../protocol/uartCommands.js";
import { zoneSettingFor, type ZoneSetting } from "./zoneSetting.js";
import { nodeSha256 } from "../crypto/nodeSha256.js";
import type { Keystore } from "../keystore/keystore.js";
import type { DeviceRegistry } from "../registry/deviceRegistry.js";
import { parseAnswer, statusAnswerLine, syncAnswerLine, syncRequestAnswerLine } from "../transport/uartAnswers.js";
import type { ConsoleSession } from "./consoleSession.js";
import { deviceCommand } from "./deviceCommand.js";

export interface SyncResult {
  deviceId: string;
  deviceTimeBefore: number;
  setTo: string;
  /** False when the device flagged its clock as not set (after a power loss, or a clock that went back). */
  clockWasSet: boolean;
  /** How far the device clock was off, in seconds; null when it had no time at all (it restarted at 1970 after a power loss). */
  offsetSeconds: number | null;
  /** The local time given to the fob, or null when the device is not assigned to a location now. */
  zone: ZoneSetting | null;
}

/** A device clock before this (2000-01-01) has never been set since it restarted at 1970. */
export const NO_TIME_BEFORE_SECONDS = 946_684_800;

/** The line `evv device sync-time` prints for a result. */
export function syncResultText(result: SyncResult): string {
  if (result.offsetSeconds === null) return `Device ${result.deviceId}: the clock was not set (the device had lost power); set to ${result.setTo}.`;
  const offset = `${result.offsetSeconds >= 0 ? "+" : ""}${result.offsetSeconds} s off`;
  if (!result.clockWasSet) return `Device ${result.deviceId}: the clock was not trusted (it had gone back) and was ${offset}; set to ${result.setTo}.`;
  return `Device ${result.deviceId}: clock was ${offset}; set to ${result.setTo}.`;
}

export async function syncDeviceTime(
  session: ConsoleSession,
  options: { deviceId: string; keystore: Keystore; registry: DeviceRegistry; now: () => Date },
): Promise<SyncResult> {
  const record = options.registry.getDevice(options.deviceId);
  if (!record) throw new Error(`device ${options.deviceId} is not registered`);
  if (record.retiredAt) throw new Error(`device ${options.deviceId} is retired`);
  const status = parseAnswer(statusAnswerLine, CMD_STATUS, await deviceCommand(session, CMD_STATUS));
  const request = parseAnswer(syncRequestAnswerLine, "SYNCREQ", await deviceCommand(session, "SYNCREQ"));
  // A locked fob's STATUS keeps its status byte to a keyed request (protocol/SPEC.md §11): then
  // the clock counts as set when the time SYNCREQ reports is past the no-time mark.
  const clockWasSet = status.status === null ? request.deviceTime >= NO_TIME_BEFORE_SECONDS : (status.status & FRAME_STATUS_CLOCK_NOT_SET) === 0;
  if (request.deviceId !== options.deviceId) throw new Error(`the device on this link is ${request.deviceId}, not ${options.deviceId}`);
  const observedAt = options.now();
  const newTime = Math.floor(observedAt.getTime() / 1000);
  const numericId = parseDeviceIdHex(options.deviceId)!;
  const key = options.keystore.deviceKey(record.keyVersion, numericId);
  const mac = timeSyncMac(nodeSha256, key, numericId, fromHex(request.nonce)!, newTime);
  const answer = parseAnswer(syncAnswerLine, "SYNC", await deviceCommand(session, `SYNC ${newTime} ${toHex(mac)}`));
  if (answer.time !== newTime) {
    key.fill(0);
    throw new Error(`the device confirmed ${answer.time}, not ${newTime}`);
  }
  const timeZone = options.registry.timeZoneAt(options.deviceId, observedAt.getTime());
  let zone: ZoneSetting | null = null;
  try {
    if (timeZone !== null) {
      zone = zoneSettingFor(timeZone, observedAt);
      const zoneRequest = parseAnswer(syncRequestAnswerLine, "SYNCREQ", await deviceCommand(session, "SYNCREQ"));
      const zoneTag = zoneMac(nodeSha256, key, numericId, fromHex(zoneRequest.nonce)!, zone.standardOffsetMinutes, zone.rule);
      const expected = `OK ZONE ${zone.standardOffsetMinutes} ${zone.ruleName}`;
      const zoneAnswer = (await deviceCommand(session, `ZONE ${zone.standardOffsetMinutes} ${zone.ruleName} ${toHex(zoneTag)}`)).trim();
      if (zoneAnswer !== expected) throw new Error(`the device answered ZONE with "${zoneAnswer}", not "${expected}"`);
    }
  } finally {
    key.fill(0);
  }
  // The clock as it was before the sync is the drift evidence.
  options.registry.recordClockObservation({ deviceId: options.deviceId, observedAt: observedAt.toISOString(), deviceTime: request.deviceTime, source: "time-sync" });
  return {
    deviceId: options.deviceId,
    deviceTimeBefore: request.deviceTime,
    setTo: new Date(newTime * 1000).toISOString(),
    clockWasSet,
    offsetSeconds: !clockWasSet && request.deviceTime < NO_TIME_BEFORE_SECONDS ? null : request.deviceTime - newTime,
    zone,
  };
}
