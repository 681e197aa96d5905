// Manual visit maintenance (issue 10): staff record or correct a visit with a reason, who and
// when; every entry is in the audit log; the verifier applies it and never shows the visit as
// device-verified; the EVV usage score counts it.
import { afterEach, describe, expect, it } from "vitest";
import { VisitWorld, TEST_PASSPHRASE } from "./fixtures/visitWorld.js";
import { manualVisitEntry } from "../../host/domain/manualVisit.js";
import { recordManualVisit } from "../../host/storage/manualVisits.js";
import { InputFileError } from "../../host/domain/inputFile.js";
import { evvUsageReport } from "../../host/report/evvUsage.js";
import { checkVisitsAgainstAudit } from "../../host/report/visitsAgainstAudit.js";
import { verifyAuditChain } from "../../host/storage/auditLog.js";
import { visitRecords } from "../../host/export/visitRecords.js";
import { claimSummary } from "../../host/export/claimSummary.js";
import { runEvv } from "../e2e/runEvv.js";

const evv = (args: string[]) => {
  // The world's keystore: a manual entry's audit record is sealed with it.
  return runEvv(args, { EVV_PASSPHRASE: TEST_PASSPHRASE, EVV_KEYSTORE: world.keystorePath });
};

let world: VisitWorld;
afterEach(() => world?.close());

function agency(): VisitWorld {
  const w = new VisitWorld();
  w.addClient("C1");
  w.addProvider("A1", { kind: "agency" });
  w.addCaregiver("A1", "E1");
  w.addAuthorization({ authorizationId: "AU1", clientNdNumber: "C1", providerNumber: "A1" });
  return w;
}

const entry = (fields: Record<string, unknown>) =>
  manualVisitEntry.parse({ providerNumber: "A1", clientNdNumber: "C1", caregiverId: "E1", tasks: ["bathing"], reason: "device-not-placed", enteredBy: "hhs.anna", ...fields });

describe("manual visits", () => {
  it("records a visit by hand: paid, flagged MANUAL_ENTRY, never device-verified, in the audit log with who and why", () => {
    world = agency();
    const proven = world.visit("A1", "C1", "2026-04-14T15:00:00Z", 60, ["bathing"], "E1");
    world.verify();
    const stored = recordManualVisit(world.db, entry({ begin: "2026-04-15T10:00:00-05:00", end: "2026-04-15T11:00:00-05:00" }), new Date("2026-04-16T08:00:00Z"));
    expect(stored).toMatchObject({ visitId: `manual-${stored.entryId}`, enteredBy: "hhs.anna", enteredAt: "2026-04-16T08:00:00.000Z", reason: "device-not-placed" });
    world.verify();
    const manual = world.visits().find((v) => v.visit_id === stored.visitId)!;
    expect(manual).toMatchObject({ status: "verified-with-flags", units: 4, caregiver_id: "E1", manual_entry: stored.entryId, device_id: null });
    expect(world.codes(manual)).toEqual(["MANUAL_ENTRY"]);
    expect(world.visitOf(proven.begin).status).toBe("verified");
    const logged = world.db.prepare("SELECT kind, subject, body FROM audit_log WHERE kind LIKE 'visit.manual%'").all() as { kind: string; subject: string; body: string }[];
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ kind: "visit.manual-entry", subject: stored.visitId });
    expect(JSON.parse(logged[0].body)).toMatchObject({ enteredBy: "hhs.anna", reason: "device-not-placed", caregiverId: "E1" });
    expect(verifyAuditChain(world.db).ok).toBe(true);
    expect(checkVisitsAgainstAudit(world.db).ok).toBe(true);
    expect(evvUsageReport(world.db).rows).toEqual([
      { providerNumber: "A1", providerName: "Provider A1", visits: 2, deviceProven: 1, manuallyCorrected: 0, manuallyRecorded: 1, score: 0.5 },
    ]);
  });

  it("corrects a missed check-out: the visit is paid to the corrected end and flagged MANUAL_CORRECTION", () => {
    world = agency();
    const checkIn = world.challenge("A1", "C1", "check-in", Date.parse("2026-04-14T15:00:00Z"), { caregiverId: "E1" });
    world.verify();
    expect(world.codes(world.visitOf(checkIn))).toEqual(["MISSING_CHECK_OUT"]);
    recordManualVisit(world.db, entry({ correctsVisit: checkIn.readingId, end: "2026-04-14T16:30:00Z", reason: "check-out-failed" }));
    world.verify();
    const v = world.visitOf(checkIn);
    expect(v.status).toBe("verified-with-flags");
    expect(world.codes(v)).toEqual(["MANUAL_CORRECTION"]);
    expect(v.end_ms! - v.begin_ms!).toBe(90 * 60_000);
    expect(v.units).toBe(6);
    expect(evvUsageReport(world.db).rows[0]).toMatchObject({ visits: 1, deviceProven: 0, manuallyCorrected: 1, score: 0 });
  });

  it("refuses an entry for an unknown caregiver or visit, and a reason 'other' without a memo", () => {
    world = agency();
    expect(() => recordManualVisit(world.db, entry({ caregiverId: "E9", begin: "2026-04-15T10:00:00Z", end: "2026-04-15T11:00:00Z" }))).toThrow(InputFileError);
    expect(() => recordManualVisit(world.db, entry({ correctsVisit: "nope", end: "2026-04-15T11:00:00Z" }))).toThrow(/no visit nope/);
    expect(manualVisitEntry.safeParse({ ...entry({ begin: "2026-04-15T10:00:00Z", end: "2026-04-15T11:00:00Z" }), reason: "other" }).success).toBe(false);
    expect(world.db.prepare("SELECT count(*) AS n FROM manual_visits").get()).toEqual({ n: 0 });
  });

  it("marks the manual visit in every export: the EVV records and the claim lines", () => {
    world = agency();
    world.visit("A1", "C1", "2026-04-15T13:00:00Z", 60, ["bathing"], "E1");
    const stored = recordManualVisit(world.db, entry({ begin: "2026-04-15T10:00:00-05:00", end: "2026-04-15T11:00:00-05:00" }));
    world.verify();
    const records = [...visitRecords(world.db, { statuses: ["verified", "verified-with-flags"] })];
    expect(records.map((r) => [r.verification, r.presenceCheckIn, r.deviceId, r.manualReason, r.individualProvidingService])).toEqual([
      ["device", "challenge", expect.stringMatching(/^[0-9a-f]{8}$/), "", "Care Giver"],
      ["manual-entry", "manual", "", "device-not-placed", "Care Giver"],
    ]);
    expect(records[1].visitId).toBe(stored.visitId);
    expect(claimSummary(world.db)).toEqual([expect.objectContaining({ date: "2026-04-15", visits: 2, manualVisits: 1, units: 8 })]);
  });

  it("records, lists and refuses entries from the command line with the documented exit codes", async () => {
    world = agency();
    world.close();
    const db = ["--db", world.dbPath];
    const base = ["visit", "record", ...db, "--provider", "A1", "--client", "C1", "--begin", "2026-04-15T10:00", "--end", "2026-04-15T11:30", "--reason", "fob-malfunction", "--by", "hhs.anna"];
    const ok = await evv([...base, "--caregiver", "E1", "--json"]);
    expect(ok.code).toBe(0);
    // A local time is read in the client's time zone (Chicago, UTC-5 in April).
    expect(JSON.parse(ok.stdout)).toMatchObject({ visitId: "manual-1", begin: "2026-04-15T15:00:00.000Z", end: "2026-04-15T16:30:00.000Z", enteredBy: "hhs.anna" });
    const unknown = await evv([...base, "--caregiver", "E9"]);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain("E9 is not a caregiver of A1");
    const badReason = await evv([...base.slice(0, -4), "--reason", "tired", "--by", "hhs.anna", "--caregiver", "E1"]);
    expect(badReason.code).toBe(2);
    expect(badReason.stderr).toContain("reason");
    const list = await evv(["visit", "list", ...db]);
    expect(list.stdout).toContain("by hhs.anna  new manual-1  A1/E1 → C1");
    expect(list.stdout.trim().split("\n")).toHaveLength(1);
  });
});
