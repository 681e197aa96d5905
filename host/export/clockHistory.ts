// Device clock history (observations and syncs) as the file `evv import clock-history` reads,
// so a verifier on another machine corrects drift from the same history and decides the same.
import type { EvvDatabase } from "../storage/database.js";
import { clockObservation, type ClockObservation } from "../domain/device.js";

export function clockHistoryRecords(db: EvvDatabase, deviceId?: string): ClockObservation[] {
  const rows = db
    .prepare(`SELECT device_id, observed_ms, device_time, source FROM clock_observations ${deviceId ? "WHERE device_id = ?" : ""} ORDER BY device_id, observed_ms, observation_id`)
    .all(...(deviceId ? [deviceId] : [])) as { device_id: string; observed_ms: number; device_time: number; source: string }[];
  return rows.map((r) => clockObservation.parse({ deviceId: r.device_id, observedAt: new Date(r.observed_ms).toISOString(), deviceTime: r.device_time, source: r.source }));
}
