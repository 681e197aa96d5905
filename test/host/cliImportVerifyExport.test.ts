// The real CLI as a subprocess: a malformed authorization file is refused with the field named,
// a non-zero exit code and the database unchanged; a good flow imports, verifies and exports.
import { afterEach, describe, expect, it } from "vitest";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { VisitWorld, TEST_PASSPHRASE } from "./fixtures/visitWorld.js";
import { databaseDigest } from "../postgres/testDatabase.js";
import { openDatabase } from "../../host/storage/database.js";
import { EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "../../host/cli/cliError.js";
import { checkSandataRecord } from "../../host/export/sandataFieldRules.js";
import { evvRecord } from "../../host/export/evvRecord.js";
import { visit } from "../../host/domain/visit.js";
import { runEvv } from "../e2e/runEvv.js";


function evv(args: string[], env: Record<string, string> = {}) {
  // The world's keystore: imports and verify seal their audit entries with it.
  return runEvv(args, { EVV_PASSPHRASE: TEST_PASSPHRASE, ...(world ? { EVV_KEYSTORE: world.keystorePath } : {}), ...env });
}

let world: VisitWorld;
afterEach(() => world?.close());

const goodAuthorization = {
  authorizationId: "A-100",
  clientNdNumber: "C1",
  providerNumber: "P1",
  procedureCode: "T1019",
  serviceProgram: "MSP-PC",
  period: { from: "2026-01-01", to: "2026-12-31" },
  units: { adl: 400, medicationAssistance: 40, other: 40, mealPreparation: 60, laundryShoppingHousekeeping: 30 },
  liveIn: false,
  evvRequired: true,
};

describe("evv import authorizations", () => {
  it("refuses a malformed authorization file, names the field, exits 3 and leaves the database unchanged", async () => {
    world = new VisitWorld();
    world.addClient("C1");
    world.addProvider("P1");
    world.close();
    const good = join(world.dir, "good.json");
    writeFileSync(good, JSON.stringify([goodAuthorization]));
    expect((await evv(["import", "authorizations", good, "--db", world.dbPath])).code).toBe(EXIT_OK);
    const before = databaseDigest(world.dbPath);

    const bad = join(world.dir, "bad.json");
    writeFileSync(bad, JSON.stringify([{ ...goodAuthorization, authorizationId: "A-101" }, { ...goodAuthorization, authorizationId: "A-102", units: { ...goodAuthorization.units, adl: -3 } }]));
    const result = await evv(["import", "authorizations", bad, "--db", world.dbPath]);
    expect(result.code).toBe(EXIT_BAD_INPUT);
    expect(result.stderr).toContain("[1].units.adl");
    expect(result.stderr).toContain("must not be negative");
    expect(databaseDigest(world.dbPath)).toBe(before);
  });

  it("refuses an authorization for an unknown client by name, and stores none of the file's other records", async () => {
    world = new VisitWorld();
    world.addClient("C1");
    world.addProvider("P1");
    world.close();
    const before = databaseDigest(world.dbPath);
    const bad = join(world.dir, "unknown.json");
    writeFileSync(bad, JSON.stringify([goodAuthorization, { ...goodAuthorization, authorizationId: "A-2", clientNdNumber: "NOPE" }]));
    const result = await evv(["import", "authorizations", bad, "--db", world.dbPath]);
    expect(result.code).toBe(EXIT_BAD_INPUT);
    expect(result.stderr).toContain("[1].clientNdNumber: no client with ND number NOPE");
    expect(databaseDigest(world.dbPath)).toBe(before);
  });

  it("refuses a T1019 authorization without units, naming units, without creating a database", async () => {
    world = new VisitWorld();
    const bad = join(world.dir, "nounits.json");
    const fresh = join(world.dir, "fresh.db");
    const { units: _units, ...noUnits } = goodAuthorization;
    writeFileSync(bad, JSON.stringify([noUnits]));
    const result = await evv(["import", "authorizations", bad, "--db", fresh]);
    expect(result.code).toBe(EXIT_BAD_INPUT);
    expect(result.stderr).toContain("[0].units: a T1019 (unit rate) authorization needs units per task category");
    expect(existsSync(fresh)).toBe(false);
  });

  it("reads clients and authorizations from CSV, and refuses a bad CSV row by row number and field with the database unchanged", async () => {
    world = new VisitWorld();
    world.addProvider("P1");
    world.close();
    const clients = join(world.dir, "clients.csv");
    writeFileSync(clients, "ndNumber,name,locationId,address,timeZone\nC7,Client Seven,home-7,\"7 Oak St, Fargo ND\",America/Chicago\n");
    expect((await evv(["import", "clients", clients, "--db", world.dbPath])).code).toBe(EXIT_OK);
    const header =
      "authorizationId,clientNdNumber,providerNumber,procedureCode,serviceProgram,periodFrom,periodTo,unitsAdl,unitsMedicationAssistance,unitsOther,unitsMealPreparation,unitsLaundryShoppingHousekeeping,liveIn,evvRequired\n";
    const good = join(world.dir, "auth.csv");
    writeFileSync(good, header + "A7,C7,P1,T1019,MSP-PC,2026-01-01,2026-06-30,100,10,10,20,10,no,yes\n");
    const imported = await evv(["import", "authorizations", good, "--db", world.dbPath, "--json"]);
    expect(imported.code).toBe(EXIT_OK);
    expect(JSON.parse(imported.stdout)).toMatchObject({ inserted: 1 });
    const before = databaseDigest(world.dbPath);
    const bad = join(world.dir, "bad.csv");
    writeFileSync(bad, header + "A8,C7,P1,T1019,MSP-PC,2026-01-01,2026-06-30,100,10,10,20,10,no,yes\nA9,C7,P1,T1019,MSP-PC,2026-01-01,2026-06-30,-1,10,10,20,10,no,maybe\n");
    const result = await evv(["import", "authorizations", bad, "--db", world.dbPath]);
    expect(result.code).toBe(EXIT_BAD_INPUT);
    expect(result.stderr).toContain("bad.csv row 3.units.adl: must not be negative");
    expect(result.stderr).toContain("bad.csv row 3.evvRequired");
    expect(databaseDigest(world.dbPath)).toBe(before);
  });

  it("refuses an unknown kind with a usage error", async () => {
    world = new VisitWorld();
    const result = await evv(["import", "visits", "x.json", "--db", world.dbPath]);
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.stderr).toContain("kind must be one of");
  });
});

describe("the verifier's command line, end to end", () => {
  it("imports readings, verifies them, exports records, FVV visits and claims, and checks the audit chain", async () => {
    world = new VisitWorld();
    world.addClient("C1");
    world.addProvider("P1");
    world.addCaregiver("P1", "P1", { firstName: "Dana", lastName: "Berg" });
    world.addClientName("C1", "Ada Lindqvist");
    world.addAuthorization({ authorizationId: "A1", clientNdNumber: "C1", providerNumber: "P1" });
    world.visit("P1", "C1", "2026-04-14T15:00:00Z", 45, ["bathing", "meals"]);
    const typedDeviceMs = Date.parse("2026-04-15T15:00:00Z");
    world.typed("P1", "C1", "check-in", typedDeviceMs, typedDeviceMs + 3 * 86400_000);
    world.typed("P1", "C1", "check-out", typedDeviceMs + 30 * 60_000, typedDeviceMs + 3 * 86400_000 + 5_000, { tasks: ["laundry"] });
    const readingsFile = join(world.dir, "visits.jsonl");
    writeFileSync(readingsFile, world.readings.map((r) => JSON.stringify(r)).join("\n") + "\n");
    world.close();
    const stores = ["--db", world.dbPath];

    // The file as HHS received it, 10 s after the last code was typed (a file's readings are otherwise received at import).
    const imported = await evv(["import", "readings", readingsFile, ...stores, "--json", "--received-at", "2026-04-18T15:00:15Z"]);
    expect(imported.code).toBe(EXIT_OK);
    expect(JSON.parse(imported.stdout)).toMatchObject({ kind: "readings", inserted: 4, duplicates: 0 });
    expect(JSON.parse((await evv(["import", "readings", readingsFile, ...stores, "--json"])).stdout)).toMatchObject({ inserted: 0, duplicates: 4 });

    const verified = await evv(["verify", ...stores, "--keystore", world.keystorePath, "--json"]);
    expect(verified.code).toBe(EXIT_OK);
    const summary = JSON.parse(verified.stdout);
    expect(summary.byStatus).toEqual({ verified: 2, "verified-with-flags": 0, "needs-review": 0, rejected: 0 });
    expect(summary.units).toBe(3 + 2);

    const csv = await evv(["export", "records", ...stores]);
    expect(csv.code).toBe(EXIT_OK);
    const lines = csv.stdout.trim().split("\n");
    expect(lines[0]).toContain("typeOfService,individualReceivingService,dateOfService,location,individualProvidingService,caregiverId,beginTime,endTime,clientName,clientNdNumber,providerName,providerNumber");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain("2026-04-14T10:00:00-05:00");
    expect(lines[1]).toContain("bathing;meals");

    const sandataDir = join(world.dir, "sandata");
    const sandata = await evv(["export", "sandata", ...stores, "--out-dir", sandataDir, "--json"]);
    expect(sandata.stderr).toBe("");
    expect(sandata.code).toBe(EXIT_OK);
    expect(JSON.parse(sandata.stdout)).toMatchObject({ employees: 1, clients: 1, visits: 2, firstSequence: 1, lastSequence: 4 });
    const visitsSent = JSON.parse(readFileSync(join(sandataDir, "sandata-3-visits-001.json"), "utf8"));
    expect(visitsSent).toHaveLength(2);
    for (const v of visitsSent) expect(checkSandataRecord("visit", v)).toEqual([]);
    expect(visitsSent[0].Calls.map((c: { CallType: string }) => c.CallType)).toEqual(["FVV", "FVV"]);
    expect(visitsSent[0]).toMatchObject({ EmployeeIdentifier: "P1", ClientID: "C1", VisitTimeZone: "US/Central", AdjInDateTime: null, SequenceID: 3 });

    const claims = JSON.parse((await evv(["export", "claims", ...stores, "--json"])).stdout);
    expect(claims.totals).toEqual([
      { date: "2026-04-14", procedureCode: "T1019", units: 3, clients: 1 },
      { date: "2026-04-15", procedureCode: "T1019", units: 2, clients: 1 },
    ]);

    const audit = await evv(["report", "audit", ...stores, "--json"]);
    expect(audit.code).toBe(EXIT_OK);
    expect(JSON.parse(audit.stdout)).toMatchObject({ ok: true, chain: { ok: true }, visits: { ok: true } });

    const out = join(world.dir, "records.json");
    expect((await evv(["export", "records", ...stores, "--format", "json", "--out", out])).code).toBe(EXIT_OK);
    const records = JSON.parse(readFileSync(out, "utf8"));
    for (const record of records) expect(evvRecord.safeParse(record).success).toBe(true);
    expect(records[0]).toMatchObject({
      typeOfService: "T1019 MSP-PC",
      individualReceivingService: "C1",
      dateOfService: "2026-04-14",
      location: "1 C1 St, Bismarck, ND 58501",
      individualProvidingService: "Dana Berg",
      caregiverId: "P1",
      verification: "device",
      beginTime: "2026-04-14T10:00:00-05:00",
      endTime: "2026-04-14T10:45:00-05:00",
      clientName: "Ada Lindqvist",
      providerName: "Provider P1",
      tasks: ["bathing", "meals"],
      presenceCheckIn: "challenge",
    });

    const summaryReport = await evv(["report", "summary", ...stores, "--json"]);
    expect(JSON.parse(summaryReport.stdout)).toMatchObject({ byStatus: { verified: 2 }, units: 5 });
    const visitsReport = await evv(["report", "visits", ...stores]);
    expect(visitsReport.stdout).toContain("verified, 3 units");
    const visitsJson = visit.array().parse(JSON.parse((await evv(["report", "visits", ...stores, "--json"])).stdout));
    expect(visitsJson[1]).toMatchObject({ presenceCheckIn: "typed", days: [{ date: "2026-04-15", minutes: 30, paidMinutes: 30, units: 2 }] });

    // A visit row edited behind the verifier's back no longer matches its logged decision.
    const tamper = openDatabase(world.dbPath);
    tamper.prepare("UPDATE visits SET units = units + 1 WHERE visit_seq = 1").run();
    tamper.close();
    const tampered = await evv(["report", "audit", ...stores]);
    expect(tampered.code).toBe(EXIT_FAILURE);
    expect(tampered.stdout).toContain("audit log intact");
    expect(tampered.stdout).toMatch(/visits table DISAGREES with the log for run 1:\n  visit \S+ \(number 1\): units \d+, logged \d+/);
  });

  it("refuses a --workers value that is not a whole number from 0 to 64, naming the option", async () => {
    world = new VisitWorld();
    world.close();
    const result = await evv(["verify", "--db", world.dbPath, "--keystore", world.keystorePath, "--workers", "two"]);
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.stderr).toContain("--workers");
  });

  it("refuses verify without the keystore passphrase", async () => {
    world = new VisitWorld();
    world.close();
    const result = await evv(["verify", "--db", world.dbPath, "--keystore", world.keystorePath], { EVV_PASSPHRASE: "" });
    expect(result.code).toBe(EXIT_BAD_INPUT);
    expect(result.stderr).toContain("passphrase");
  });
});
