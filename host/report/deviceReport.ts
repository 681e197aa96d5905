// The device registry in words: where each fob hangs, its key version, and its clock drift.
import type { DeviceRegistry } from "../registry/deviceRegistry.js";
import { ClockHistory } from "../registry/clockModel.js";
import type { EvvDatabase } from "../storage/database.js";
import { localDateTime } from "./localTime.js";

/** The time zone a device's times are shown in: its location's, else this computer's. */
export function deviceTimeZone(db: EvvDatabase, locationId: string | null): string {
  const row = locationId === null ? undefined : (db.prepare("SELECT time_zone AS zone FROM service_locations WHERE location_id = ?").get(locationId) as { zone: string } | undefined);
  return row?.zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function deviceReport(registry: DeviceRegistry, db: EvvDatabase) {
  const rows = registry.listDevices().map((d) => {
    const history = new ClockHistory(d.clockObservations.map((o) => ({ observedMs: o.observedMs, deviceTime: o.deviceTime, source: o.source })));
    const model = history.modelAt(Number.MAX_SAFE_INTEGER);
    const current = d.assignments.find((a) => a.toMs === null);
    return {
      deviceId: d.deviceId,
      board: d.board,
      keyVersion: d.keyVersion,
      location: current?.locationId ?? null,
      retiredAt: d.retiredAt,
      assignments: d.assignments.length,
      clockObservations: model.samples,
      clockOffsetSeconds: Math.round(model.offsetSeconds * 10) / 10,
      driftSecondsPerDay: Math.round(model.driftRate * 86400 * 10) / 10,
    };
  });
  const text = rows
    .map(
      (r) =>
        `${r.deviceId} ${r.board} key v${r.keyVersion} ${r.retiredAt ? `retired ${localDateTime(Date.parse(r.retiredAt), deviceTimeZone(db, r.location))}` : `at ${r.location ?? "(unassigned)"}`}; ` +
        (r.clockObservations ? `clock ${r.clockOffsetSeconds} s off, drifting ${r.driftSecondsPerDay} s/day (${r.clockObservations} observations)` : "no clock observations"),
    )
    .join("\n");
  return { rows, text: (text || "no devices") + "\n" };
}
