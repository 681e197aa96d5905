// Authenticated time sync (SPEC.md section 8) from the key holder's side: ask the device for a
// nonce, answer with the time and its MAC, and record the clock observation in the registry.
import { fromHex, parseDeviceIdHex, timeSyncMac, toHex } from "../../protocol/index.js";
import { FRAME_STATUS_CLOCK_NOT_SET } from "../../protocol/frame.js";
import { CMD_STATUS } from "../../protocol/uartCommands.js";
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
  /** False when the device had no time (it lost power): then there is no offset to speak of. */
  clockWasSet: boolean;
  /** How far the device clock was off, in seconds; null when it was not set. */
  offsetSeconds: number | null;
}

/** The line `evv device sync-time` prints for a result. */
export function syncResultText(result: SyncResult): string {
  if (!result.clockWasSet) return `Device ${result.deviceId}: the clock was not set (the device had lost power); set to ${result.setTo}.`;
  const offset = result.offsetSeconds!;
  return `Device ${result.deviceId}: clock was ${offset >= 0 ? "+" : ""}${offset} s off; set to ${result.setTo}.`;
}

export async function syncDeviceTime(
  session: ConsoleSession,
  options: { deviceId: string; keystore: Keystore; registry: DeviceRegistry; now: () => Date },
): Promise<SyncResult> {
  const record = options.registry.getDevice(options.deviceId);
  if (!record) throw new Error(`device ${options.deviceId} is not registered`);
  if (record.retiredAt) throw new Error(`device ${options.deviceId} is retired`);
  const status = parseAnswer(statusAnswerLine, CMD_STATUS, await deviceCommand(session, CMD_STATUS));
  const clockWasSet = (status.status & FRAME_STATUS_CLOCK_NOT_SET) === 0;
  const request = parseAnswer(syncRequestAnswerLine, "SYNCREQ", await deviceCommand(session, "SYNCREQ"));
  if (request.deviceId !== options.deviceId) throw new Error(`the device on this link is ${request.deviceId}, not ${options.deviceId}`);
  const observedAt = options.now();
  const newTime = Math.floor(observedAt.getTime() / 1000);
  const numericId = parseDeviceIdHex(options.deviceId)!;
  const key = options.keystore.deviceKey(record.keyVersion, numericId);
  const mac = timeSyncMac(nodeSha256, key, numericId, fromHex(request.nonce)!, newTime);
  key.fill(0);
  const answer = parseAnswer(syncAnswerLine, "SYNC", await deviceCommand(session, `SYNC ${newTime} ${toHex(mac)}`));
  if (answer.time !== newTime) throw new Error(`the device confirmed ${answer.time}, not ${newTime}`);
  // The clock as it was before the sync is the drift evidence.
  options.registry.recordClockObservation({ deviceId: options.deviceId, observedAt: observedAt.toISOString(), deviceTime: request.deviceTime, source: "time-sync" });
  return {
    deviceId: options.deviceId,
    deviceTimeBefore: request.deviceTime,
    setTo: new Date(newTime * 1000).toISOString(),
    clockWasSet,
    offsetSeconds: clockWasSet ? request.deviceTime - newTime : null,
  };
}
