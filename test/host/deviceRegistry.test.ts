import { describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { openDatabase } from "../../host/storage/database.js";
import { DeviceRegistry } from "../../host/registry/deviceRegistry.js";
import { ClockHistory, correctDeviceTime, fitClockModel, offsetAt } from "../../host/registry/clockModel.js";
import { verifyAuditChain } from "../../host/storage/auditLog.js";

function registry() {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), "evv-reg-")), "evv.db"));
  return { db, registry: new DeviceRegistry(db) };
}

const device = { deviceId: "0000abcd", board: "puckjs" as const, firmwareHash: "cd".repeat(32), keyVersion: 1, provisionedAt: "2026-01-01T00:00:00Z" };

describe("device registry", () => {
  it("records a device, its assignments over time, its retirement, and audits each change", () => {
    const { db, registry: r } = registry();
    r.registerDevice(device);
    r.assignDevice({ deviceId: "0000abcd", locationId: "home-1", from: "2026-01-02T00:00:00Z" });
    r.assignDevice({ deviceId: "0000abcd", locationId: "home-2", from: "2026-03-01T00:00:00Z" });
    r.retireDevice("0000abcd", "2026-06-01T00:00:00Z");
    const d = r.getDevice("0000abcd")!;
    expect(d.assignments.map((a) => [a.locationId, new Date(a.fromMs).toISOString(), a.toMs && new Date(a.toMs).toISOString()])).toEqual([
      ["home-1", "2026-01-02T00:00:00.000Z", "2026-03-01T00:00:00.000Z"],
      ["home-2", "2026-03-01T00:00:00.000Z", "2026-06-01T00:00:00.000Z"],
    ]);
    expect(d.retiredAt).toBe("2026-06-01T00:00:00Z");
    expect(r.listDevices().map((x) => x.deviceId)).toEqual(["0000abcd"]);
    expect(verifyAuditChain(db)).toEqual({ ok: true, rows: 4 });
  });

  it("refuses a second registration, an unknown device, a retired device's assignment and a malformed ID by field", () => {
    const { registry: r } = registry();
    r.registerDevice(device);
    expect(() => r.registerDevice(device)).toThrow(/already registered/);
    expect(() => r.assignDevice({ deviceId: "0000ffff", locationId: "home-1", from: "2026-01-02T00:00:00Z" })).toThrow(/not registered/);
    expect(() => r.registerDevice({ ...device, deviceId: "XYZ" })).toThrow(/deviceId/);
    r.retireDevice("0000abcd", "2026-02-01T00:00:00Z");
    expect(() => r.assignDevice({ deviceId: "0000abcd", locationId: "home-1", from: "2026-03-02T00:00:00Z" })).toThrow(/retired/);
  });

  it("refuses an assignment overlapping a closed one", () => {
    const { registry: r } = registry();
    r.registerDevice(device);
    r.assignDevice({ deviceId: "0000abcd", locationId: "home-1", from: "2026-01-02T00:00:00Z", to: "2026-02-01T00:00:00Z" });
    expect(() => r.assignDevice({ deviceId: "0000abcd", locationId: "home-2", from: "2026-01-15T00:00:00Z", to: "2026-01-20T00:00:00Z" })).toThrow(/already assigned to home-1/);
  });

  it("estimates the clock offset and drift rate from its observations", () => {
    const { registry: r } = registry();
    r.registerDevice(device);
    // 43 s/day fast (500 ppm), 10 s ahead at the first observation.
    for (let day = 0; day < 5; day++) {
      const at = Date.parse("2026-01-02T00:00:00Z") + day * 86400_000;
      r.recordClockObservation({ deviceId: "0000abcd", observedAt: new Date(at).toISOString(), deviceTime: Math.round(at / 1000 + 10 + 43.2 * day), source: "sync" });
    }
    const model = r.clockHistories().get("0000abcd")!.modelAt(Date.parse("2026-01-06T00:00:00Z"));
    expect(model.samples).toBe(5);
    expect(model.driftRate * 86400).toBeCloseTo(43.2, 0);
    expect(model.offsetSeconds).toBeCloseTo(10 + 43.2 * 4, 0);
  });
});

describe("clock model", () => {
  it("maps a device time back to the true time for any offset and drift within ±1000 ppm", () => {
    fc.assert(
      fc.property(fc.integer({ min: -3600, max: 3600 }), fc.double({ min: -1e-3, max: 1e-3, noNaN: true }), fc.integer({ min: 0, max: 30 * 86400 }), (offset, drift, later) => {
        const t0 = Date.parse("2026-01-01T00:00:00Z");
        const samples = [0, 86400, 2 * 86400].map((s) => ({ observedMs: t0 + s * 1000, deviceTime: t0 / 1000 + s + offset + drift * s }));
        const model = fitClockModel(samples);
        const trueSeconds = t0 / 1000 + later;
        const deviceSeconds = trueSeconds + offset + drift * later;
        return Math.abs(correctDeviceTime(model, deviceSeconds) - trueSeconds * 1000) < 50;
      }),
    );
  });

  it("leaves device time as it is without observations", () => {
    expect(correctDeviceTime(fitClockModel([]), 1_800_000_000)).toBe(1_800_000_000_000);
  });
});

describe("clock history over time syncs", () => {
  const t0 = Date.parse("2026-12-07T11:00:00Z");
  const day = 86400_000;

  it("does not let a later sync that found the clock off rewrite the corrections of earlier readings", () => {
    const history = new ClockHistory([
      { observedMs: t0, deviceTime: t0 / 1000, source: "provisioning" },
      { observedMs: t0 + 2.5 * day, deviceTime: t0 / 1000 + 2.5 * 86400 + 1500, source: "time-sync" },
    ]);
    expect(offsetAt(history.modelAt(t0 + day), t0 + day)).toBe(0);
    expect(offsetAt(history.modelAt(t0 + 2 * day), t0 + 2 * day)).toBe(0);
  });

  it("restarts the offset at zero after a sync and keeps the drift rate the sync measured", () => {
    // 500 ppm fast: 43.2 s a day, found 86.4 s ahead at a sync two days in.
    const history = new ClockHistory([
      { observedMs: t0, deviceTime: t0 / 1000, source: "provisioning" },
      { observedMs: t0 + 2 * day, deviceTime: t0 / 1000 + 2 * 86400 + 86.4, source: "time-sync" },
    ]);
    const model = history.modelAt(t0 + 3 * day);
    expect(offsetAt(model, t0 + 2 * day)).toBeCloseTo(0, 6);
    expect(offsetAt(model, t0 + 3 * day)).toBeCloseTo(43.2, 1);
    const trueSeconds = (t0 + 3 * day) / 1000;
    expect(Math.abs(correctDeviceTime(model, trueSeconds + 43.2) - trueSeconds * 1000)).toBeLessThan(50);
  });

  it("knows nothing before the first observation", () => {
    const history = new ClockHistory([{ observedMs: t0, deviceTime: t0 / 1000 + 30, source: "provisioning" }]);
    expect(history.modelAt(t0 - 1).samples).toBe(0);
    expect(offsetAt(history.modelAt(t0 + day), t0 + day)).toBe(30);
  });
});
