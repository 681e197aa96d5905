// Authenticated time sync (SPEC.md section 8) from the key holder's side: ask the device for a
// nonce, answer with the time and its MAC, and record the clock observation in the registry.
import { fromHex, parseDeviceIdHex, timeSyncMac, toHex } from "../../protocol/index.js";
import { nodeSha256 } from "../crypto/nodeSha256.js";
import type { Keystore } from "../keystore/keystore.js";
import type { DeviceRegistry } from "../registry/deviceRegistry.js";
import { parseAnswer, syncAnswerLine, syncRequestAnswerLine } from "../transport/uartAnswers.js";
import type { ConsoleSession } from "./consoleSession.js";
import { deviceCommand } from "./deviceCommand.js";

export interface SyncResult {
  deviceId: string;
  deviceTimeBefore: number;
  setTo: string;
  offsetSeconds: number;
}

export async function syncDeviceTime(
  session: ConsoleSession,
  options: { deviceId: string; keystore: Keystore; registry: DeviceRegistry; now: () => Date },
): Promise<SyncResult> {
  const record = options.registry.getDevice(options.deviceId);
  if (!record) throw new Error(`device ${options.deviceId} is not registered`);
  if (record.retiredAt) throw new Error(`device ${options.deviceId} is retired`);
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
    offsetSeconds: request.deviceTime - newTime,
  };
}
