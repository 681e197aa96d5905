// Device clock history moves between verifiers (`evv export clock-history`, `evv import
// clock-history`), so a verifier on another machine corrects drift from the same history and
// decides every visit the same.
import { sealAuditWith } from "../../host/storage/auditLog.js";
import { afterEach, describe, expect, it } from "vitest";
import { join } from "node:path";
import { readFileSync, writeFileSync } from "node:fs";
import { simpleWorld, TEST_PASSPHRASE, type VisitWorld } from "./fixtures/visitWorld.js";
import { DeviceRegistry } from "../../host/registry/deviceRegistry.js";
import { deviceIdHex } from "../../protocol/index.js";
import { importReadings } from "../../host/storage/importers.js";
import { openDatabase } from "../../host/storage/database.js";
import { runVerification } from "../../host/verifier/verifyRun.js";
import { verifierSettings } from "../../host/verifier/settings.js";
import { clockObservation } from "../../host/domain/device.js";
import { runEvv } from "../e2e/runEvv.js";

const evv = (args: string[]) => {
  return runEvv(args, { EVV_PASSPHRASE: TEST_PASSPHRASE, EVV_KEYSTORE: world.keystorePath });
};

let world: VisitWorld;
afterEach(() => world?.close());

const MIN = 60_000;
const T = Date.parse("2026-04-14T15:00:00Z");

describe("device clock history exchanged between two verifiers", () => {
  it("gives the second verifier the same drift corrections and the same decisions", async () => {
    world = simpleWorld();
    const fast = 5 * MIN;
    world.challenge("P1", "C1", "check-in", T + fast, { readerMs: T });
    world.challenge("P1", "C1", "check-out", T + fast + 30 * MIN, { readerMs: T + 30 * MIN, tasks: ["bathing"] });
    importReadings(world.db, "readings.jsonl", "0", world.readings.splice(0), undefined, world.receiptOf);
    // The second verifier holds the same records and readings, but none of the clock history.
    const otherPath = join(world.dir, "other.db");
    world.db.exec(`VACUUM INTO '${otherPath}'`);

    const id = deviceIdHex(world.deviceKey("C1").id);
    const registry = new DeviceRegistry(world.db);
    for (const at of ["2026-04-01T00:00:00Z", "2026-04-08T00:00:00Z"])
      registry.recordClockObservation({ deviceId: id, observedAt: at, deviceTime: Math.floor((Date.parse(at) + fast) / 1000), source: "reader" });
    const decide = (db: ReturnType<typeof openDatabase>) => {
      runVerification(db, world.keystore, verifierSettings.parse({}));
      return db.prepare("SELECT visit_id, status, begin_ms, end_ms, reasons, units FROM visits ORDER BY visit_id").all();
    };
    const first = decide(world.db);
    expect(first).toMatchObject([{ status: "verified", begin_ms: T, reasons: "[]" }]);

    const other = openDatabase(otherPath);
    sealAuditWith(other, world.keystore.auditSealKey()); // the same HHS keystore seals the second verifier's log
    try {
      expect(decide(other)).toMatchObject([{ status: "verified-with-flags", begin_ms: T + fast }]); // without the history: a clock 5 minutes off

      const file = join(world.dir, "clock-history.json");
      expect((await evv(["export", "clock-history", "--db", world.dbPath, "--out", file])).code).toBe(0);
      const history = clockObservation.array().parse(JSON.parse(readFileSync(file, "utf8")));
      expect(history).toHaveLength(2);
      const imported = await evv(["import", "clock-history", file, "--db", otherPath, "--json"]);
      expect(imported.code).toBe(0);
      expect(JSON.parse(imported.stdout)).toMatchObject({ inserted: 2, duplicates: 0 });
      expect(JSON.parse((await evv(["import", "clock-history", file, "--db", otherPath, "--json"])).stdout)).toMatchObject({ inserted: 0, duplicates: 2 });

      expect(decide(other)).toEqual(first);
    } finally {
      other.close();
    }
  });

  it("refuses history for a device the registry does not know, importing nothing", async () => {
    world = simpleWorld();
    world.close();
    const file = join(world.dir, "bad-history.json");
    writeFileSync(file, JSON.stringify([{ deviceId: "deadbeef", observedAt: "2026-04-01T00:00:00Z", deviceTime: 1775001600, source: "time-sync" }]));
    const result = await evv(["import", "clock-history", file, "--db", world.dbPath]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("[0].deviceId: no device deadbeef");
  });
});
