// The device registry in words: where each fob hangs, its key version, and its clock drift.
import type { DeviceRegistry } from "../registry/deviceRegistry.js";
import { ClockHistory } from "../registry/clockModel.js";

export function deviceReport(registry: DeviceRegistry) {
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
        `${r.deviceId} ${r.board} key v${r.keyVersion} ${r.retiredAt ? `retired ${r.retiredAt}` : `at ${r.location ?? "(unassigned)"}`}; ` +
        (r.clockObservations ? `clock ${r.clockOffsetSeconds} s off, drifting ${r.driftSecondsPerDay} s/day (${r.clockObservations} observations)` : "no clock observations"),
    )
    .join("\n");
  return { rows, text: (text || "no devices") + "\n" };
}
