// Authenticated time sync (SPEC.md section 8) from the key holder's side: ask the device for a
// nonce, answer with the time and its MAC, and record the clock observation in the registry.
// When the device is assigned to a service location, the location's time zone follows with a
// second nonce (ZONE, SPEC.md section 8.1), so the fob's screen shows local time.
import { fromHex, parseDeviceIdHex, timeSyncMac, toHex, zoneMac } from "../../protocol/index.js";
import { zoneSettingFor, type ZoneSetting } from "./zoneSetting.js";
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
  /** The local time given to the fob, or null when the device is not assigned to a location now. */
  zone: ZoneSetting | null;
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
    offsetSeconds: request.deviceTime - newTime,
    zone,
  };
}
