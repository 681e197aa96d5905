import { afterEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import type { VisitWorld } from "./fixtures/visitWorld.js";
import { applyChange, CHANGE_KINDS, importPending, incrementalWorld, seededRandom, visitsByContent, visitsOfFullRun, type ChangeKind } from "./fixtures/incrementalWorld.js";
import { runVerification } from "../../host/verifier/verifyRun.js";
import { DEFAULT_SETTINGS } from "../../host/verifier/settings.js";
import { checkVisitsAgainstAudit } from "../../host/report/visitsAgainstAudit.js";
import { verifyAuditChain } from "../../host/storage/auditLog.js";
import { importAuthorizations } from "../../host/storage/importers.js";
import { authorization } from "../../host/domain/authorization.js";
import { join } from "node:path";
import { Keystore } from "../../host/keystore/keystore.js";
import { CHEAP_SCRYPT, TEST_PASSPHRASE } from "./fixtures/visitWorld.js";

let world: VisitWorld | undefined;

/** P2's authorization A3 for C3 (T1019), two units per category, ten in all, per `unitsPer`. */
function authorizeTwoUnitsPerCategory(w: VisitWorld, unitsPer: "period" | "month"): void {
  const n = 2;
  importAuthorizations(w.db, "authorizations.json", "0", [
    authorization.parse({
      authorizationId: "A3",
      clientNdNumber: "C3",
      providerNumber: "P2",
      procedureCode: "T1019",
      serviceProgram: "MSP-PC",
      period: { from: "2026-01-01", to: "2026-12-31" },
      units: { adl: n, medicationAssistance: n, other: n, mealPreparation: n, laundryShoppingHousekeeping: n },
      unitsPer,
      liveIn: false,
      evvRequired: true,
    }),
  ]);
}
afterEach(() => {
  world?.close();
  world = undefined;
});

const FIRST_DAY_MS = Date.parse("2026-04-01T05:00:00Z");

/** Builds the world, verifies it once, then applies `steps` changes, comparing an incremental run with a full one after each. */
function replay(seed: number, kinds: readonly ChangeKind[]): { modes: string[]; windowed: number; whole: number } {
  const random = seededRandom(seed);
  const now = { ms: FIRST_DAY_MS + 10 * 86_400_000 };
  world = incrementalWorld();
  for (let i = 0; i < 6; i++) applyChange(world, "visits", random, now);
  importPending(world);
  runVerification(world.db, world.keystore, DEFAULT_SETTINGS);
  const modes: string[] = [];
  const done: string[] = [];
  let windowed = 0;
  let whole = 0;
  for (const kind of kinds) {
    done.push(applyChange(world, kind, random, now));
    importPending(world);
    const summary = runVerification(world.db, world.keystore, DEFAULT_SETTINGS);
    modes.push(summary.mode);
    windowed += summary.windowedComponents;
    whole += summary.components - summary.windowedComponents;
    const context = `seed ${seed}, after: ${done.join("; ")}`;
    expect(visitsByContent(world.db), context).toEqual(visitsOfFullRun(world));
    expect(checkVisitsAgainstAudit(world.db).problems, context).toEqual([]);
  }
  expect(verifyAuditChain(world.db).ok).toBe(true);
  return { modes, windowed, whole };
}

describe("incremental verification", () => {
  it("gives exactly the visits, units, statuses and reasons of a full run after every change of a random sequence", () => {
    const components = { windowed: 0, whole: 0 };
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.array(fc.constantFrom(...CHANGE_KINDS), { minLength: 4, maxLength: 10 }), (seed, kinds) => {
        world?.close();
        const { modes, windowed, whole } = replay(seed, kinds);
        expect(modes.every((m) => m === "incremental")).toBe(true);
        components.windowed += windowed;
        components.whole += whole;
      }),
      { numRuns: Number(process.env.EVV_PROPERTY_RUNS ?? 25), seed: Number(process.env.EVV_PROPERTY_SEED ?? 15) },
    );
    // The sequences exercised both ways of re-verifying a component.
    expect(components.windowed).toBeGreaterThan(0);
    expect(components.whole).toBeGreaterThan(0);
  });

  it("re-verifies only the component with new readings and keeps the others' visits as they were", () => {
    const random = seededRandom(7);
    const now = { ms: FIRST_DAY_MS + 10 * 86_400_000 };
    world = incrementalWorld();
    for (const [p, c] of [["P1", "C1"], ["P2", "C3"], ["P3", "C4"]]) world.visit(p, c, "2026-04-06T15:00:00Z", 60, ["bathing"], p === "P3" ? "K1" : undefined);
    importPending(world);
    const first = runVerification(world.db, world.keystore, DEFAULT_SETTINGS);
    expect(first).toMatchObject({ mode: "full", fullBecause: "the first run on this database", components: 3, visits: 3 });
    const kept = world.db.prepare("SELECT visit_seq, run_id, visit_id FROM visits WHERE provider_number != 'P2' ORDER BY visit_seq").all();
    world.visit("P2", "C3", "2026-04-07T15:00:00Z", 60);
    importPending(world);
    const second = runVerification(world.db, world.keystore, DEFAULT_SETTINGS);
    expect(second).toMatchObject({ mode: "incremental", fullBecause: null, newReadings: 2, changedInputs: 0, components: 1, readings: 4, visits: 2, replacedVisits: 1, storedVisits: 4 });
    expect(world.db.prepare("SELECT visit_seq, run_id, visit_id FROM visits WHERE provider_number != 'P2' ORDER BY visit_seq").all()).toEqual(kept);
    expect(world.db.prepare("SELECT DISTINCT run_id FROM visits WHERE provider_number = 'P2'").all()).toEqual([{ run_id: second.runId }]);
    // Nothing new: nothing re-verified, every visit kept.
    expect(runVerification(world.db, world.keystore, DEFAULT_SETTINGS)).toMatchObject({ mode: "incremental", components: 0, visits: 0, replacedVisits: 0, storedVisits: 4 });
    expect(checkVisitsAgainstAudit(world.db)).toMatchObject({ ok: true, visits: 4, decisions: 4 });
    void random;
    void now;
  });

  it("re-verifies the readings a reader signed when the reader is revoked", () => {
    world = incrementalWorld();
    world.visit("P1", "C1", "2026-04-06T15:00:00Z", 60);
    world.visit("P2", "C3", "2026-04-06T15:00:00Z", 60);
    importPending(world);
    world.db.prepare("INSERT INTO readers (reader_id, provider_number, caregiver_id, kind, public_key, enrolled_ms) VALUES ('r-1', 'P2', 'P2', 'cli', '{}', 0)").run();
    world.db.prepare("UPDATE readings SET signed_by = 'r-1' WHERE provider_number = 'P2'").run();
    expect(runVerification(world.db, world.keystore, DEFAULT_SETTINGS).byStatus.verified).toBe(2);
    world.db.prepare("UPDATE readers SET revoked_ms = ? WHERE reader_id = 'r-1'").run(Date.parse("2026-04-06T15:30:00Z"));
    expect(runVerification(world.db, world.keystore, DEFAULT_SETTINGS)).toMatchObject({ mode: "incremental", changedInputs: 1, components: 1, replacedVisits: 1 });
    expect(visitsByContent(world.db)).toEqual(visitsOfFullRun(world));
    expect(world.db.prepare("SELECT status, reasons FROM visits WHERE provider_number = 'P2' ORDER BY visit_id").all()).toEqual(
      expect.arrayContaining([expect.objectContaining({ reasons: expect.stringContaining("READER_REVOKED") })]),
    );
    // A reader's counter is not something the verifier reads: raising it re-verifies nothing.
    world.db.prepare("UPDATE readers SET last_counter = 9 WHERE reader_id = 'r-1'").run();
    expect(runVerification(world.db, world.keystore, DEFAULT_SETTINGS)).toMatchObject({ changedInputs: 0, components: 0 });
  });

  it("runs in full on --full, after a settings change, and when the stored run predates the verifier's rules", () => {
    world = incrementalWorld();
    world.visit("P1", "C1", "2026-04-06T15:00:00Z", 60);
    importPending(world);
    runVerification(world.db, world.keystore, DEFAULT_SETTINGS);
    expect(runVerification(world.db, world.keystore, DEFAULT_SETTINGS, { full: true })).toMatchObject({ mode: "full", fullBecause: "--full was given", visits: 2 - 1 });
    expect(runVerification(world.db, world.keystore, { ...DEFAULT_SETTINGS, maxVisitHours: 12 })).toMatchObject({ mode: "full", fullBecause: expect.stringMatching(/^the settings differ from run 2's$/) });
    const otherKeys = Keystore.create(join(world.dir, "other-keys.json"), TEST_PASSPHRASE, CHEAP_SCRYPT);
    expect(runVerification(world.db, otherKeys, { ...DEFAULT_SETTINGS, maxVisitHours: 12 })).toMatchObject({ mode: "full", fullBecause: "the keystore's master keys differ from run 3's" });
    expect(runVerification(world.db, world.keystore, { ...DEFAULT_SETTINGS, maxVisitHours: 12 })).toMatchObject({ mode: "full", fullBecause: "the keystore's master keys differ from run 4's" });
    world.db.prepare("UPDATE verify_runs SET rules_version = 'older'").run();
    expect(runVerification(world.db, world.keystore, { ...DEFAULT_SETTINGS, maxVisitHours: 12 })).toMatchObject({
      mode: "full",
      fullBecause: expect.stringMatching(/^the verifier's rules changed since run 5 \(older → /),
    });
  });
});

describe("incremental verification at the edges of weeks and months", () => {
  /** Verifies what is pending incrementally, checks it against a full run, and returns the visit of `visitId`. */
  function verifyAndCompare(w: VisitWorld, visitId: string) {
    importPending(w);
    expect(runVerification(w.db, w.keystore, DEFAULT_SETTINGS).mode).toBe("incremental");
    expect(visitsByContent(w.db)).toEqual(visitsOfFullRun(w));
    const visit = w.visits().find((v) => v.visit_id === visitId);
    if (!visit) throw new Error(`no visit ${visitId}`);
    return visit;
  }

  it("re-verifies a visit across Sunday midnight with the week before it and the week after", () => {
    world = incrementalWorld();
    for (let d = 6; d <= 11; d++) world.visit("P1", "C2", `2026-04-${String(d).padStart(2, "0")}T14:00:00Z`, 120);
    world.visit("P1", "C2", "2026-04-13T15:00:00Z", 120);
    importPending(world);
    runVerification(world.db, world.keystore, DEFAULT_SETTINGS);
    // Sunday 2026-04-12 22:00 to Monday 02:00, Chicago time.
    const { begin } = world.visit("P1", "C2", "2026-04-13T03:00:00Z", 240);
    const v = verifyAndCompare(world, begin.readingId);
    expect(v.days.map((d) => [d.local_date, d.minutes])).toEqual([
      ["2026-04-12", 120],
      ["2026-04-13", 120],
    ]);
  });

  it("re-verifies a typed code received now for last month, refused as a late entry", () => {
    world = incrementalWorld();
    world.visit("P2", "C3", "2026-05-04T15:00:00Z", 60);
    importPending(world);
    runVerification(world.db, world.keystore, DEFAULT_SETTINGS);
    const at = Date.parse("2026-04-28T15:00:00Z");
    const late = world.typed("P2", "C3", "check-in", at, at + 60_000);
    world.receipts.set(late.readingId, Date.parse("2026-05-10T12:00:00Z"));
    const v = verifyAndCompare(world, late.readingId);
    expect(v.status).toBe("rejected");
    expect(world.codes(v)).toContain("LATE_ENTRY");
  });

  it("counts units per month up to the month's last day and afresh from its first", () => {
    world = incrementalWorld();
    authorizeTwoUnitsPerCategory(world, "month");
    world.visit("P2", "C3", "2026-04-28T15:00:00Z", 60);
    world.visit("P2", "C3", "2026-04-29T15:00:00Z", 60);
    importPending(world);
    runVerification(world.db, world.keystore, DEFAULT_SETTINGS);
    // Ten units a month in all: eight used, two left on April 30; four again on May 1.
    const lastDay = world.visit("P2", "C3", "2026-04-30T15:00:00Z", 60).begin;
    const firstDay = world.visit("P2", "C3", "2026-05-01T15:00:00Z", 60).begin;
    expect(verifyAndCompare(world, lastDay.readingId)).toMatchObject({ units: 2 });
    expect(world.codes(world.visitOf(lastDay))).toContain("UNITS_OVER_AUTHORIZATION");
    expect(world.visitOf(firstDay)).toMatchObject({ units: 4, status: "verified" });
  });
});

describe("windowed runs: a component re-verified from a Monday on, its visits before kept", () => {
  const day = (d: number, hourUtc = 15) => new Date(Date.parse("2026-04-01T00:00:00Z") + (d - 1) * 86_400_000 + hourUtc * 3600_000).toISOString();
  /** Verifies what is pending, checks the run was windowed and agrees with a full run and with the audit log; returns the summary. */
  function verifyWindowed(w: VisitWorld) {
    importPending(w);
    const summary = runVerification(w.db, w.keystore, DEFAULT_SETTINGS);
    expect(summary).toMatchObject({ mode: "incremental", windowedComponents: 1 });
    expect(visitsByContent(w.db)).toEqual(visitsOfFullRun(w));
    expect(checkVisitsAgainstAudit(w.db).problems).toEqual([]);
    return summary;
  }
  const runsOf = (w: VisitWorld, provider: string) =>
    w.db.prepare("SELECT substr(days, 4, 10) AS date, run_id FROM visits WHERE provider_number = ? ORDER BY begin_ms").all(provider) as { date: string; run_id: number }[];

  it("re-verifies from the Monday before the earliest new reading and keeps the visits before it as they were", () => {
    world = incrementalWorld();
    for (let d = 1; d <= 9; d++) world.visit("P1", "C1", day(d), 60);
    importPending(world);
    const first = runVerification(world.db, world.keystore, DEFAULT_SETTINGS);
    world.visit("P1", "C1", day(10), 60);
    // Friday 2026-04-10: the cut is Monday 2026-04-06, local midnight; Wednesday to Sunday before it are kept.
    const second = verifyWindowed(world);
    expect(second).toMatchObject({ newReadings: 2, readings: 2 + 8 + 2, visits: 5, replacedVisits: 4, storedVisits: 10 });
    expect(runsOf(world, "P1").map((v) => [v.date, v.run_id === first.runId ? "kept" : "new"])).toEqual([
      ["2026-04-01", "kept"],
      ["2026-04-02", "kept"],
      ["2026-04-03", "kept"],
      ["2026-04-04", "kept"],
      ["2026-04-05", "kept"],
      ["2026-04-06", "new"],
      ["2026-04-07", "new"],
      ["2026-04-08", "new"],
      ["2026-04-09", "new"],
      ["2026-04-10", "new"],
    ]);
    const entry = world.db.prepare("SELECT body FROM audit_log WHERE kind = 'verify.windows' AND subject = ?").get(String(second.runId)) as { body: string };
    expect(JSON.parse(entry.body)).toMatchObject({ runId: second.runId, windows: [["P1", "C1", Date.parse("2026-04-06T05:00:00Z"), [[expect.any(Number), expect.any(Number)]]]] });
  });

  it("moves the cut a week earlier while a check-in before it could pair with a new check-out", () => {
    world = incrementalWorld();
    for (let d = 6; d <= 11; d++) world.visit("P1", "C2", day(d), 60);
    // Sunday 2026-04-12, 22:00 in Chicago: a check-in whose check-out arrives with the next run.
    world.challenge("P1", "C2", "check-in", Date.parse("2026-04-13T03:00:00Z"));
    importPending(world);
    runVerification(world.db, world.keystore, DEFAULT_SETTINGS);
    const { readingId } = world.challenge("P1", "C2", "check-out", Date.parse("2026-04-13T07:00:00Z"));
    const summary = verifyWindowed(world);
    expect(summary).toMatchObject({ visits: 7, replacedVisits: 7 });
    const v = world.visits().find((x) => x.begin_ms === Date.parse("2026-04-13T03:00:00Z"))!;
    expect(v.end_ms).toBe(Date.parse("2026-04-13T07:00:00Z"));
    void readingId;
    expect(v.days.map((d) => [d.local_date, d.minutes])).toEqual([
      ["2026-04-12", 120],
      ["2026-04-13", 120],
    ]);
  });

  it("carries the authorized units used before the cut in the authorization's period", () => {
    world = incrementalWorld();
    authorizeTwoUnitsPerCategory(world, "period");
    // Ten units in all: four, four and two used in the first week.
    for (let d = 1; d <= 3; d++) world.visit("P2", "C3", day(d), 60);
    importPending(world);
    runVerification(world.db, world.keystore, DEFAULT_SETTINGS);
    const late = world.visit("P2", "C3", day(14), 60).begin;
    verifyWindowed(world);
    expect(world.visitOf(late)).toMatchObject({ units: 0 });
    expect(world.codes(world.visitOf(late))).toContain("UNITS_OVER_AUTHORIZATION");
  });

  it("keeps an earlier week flagged over 80 hours and decides the new week on its own", () => {
    world = incrementalWorld();
    // Monday 2026-04-06 to Sunday 2026-04-12: twelve paid hours a day for P1 across C1 and C2.
    for (let d = 6; d <= 12; d++) {
      world.visit("P1", "C1", day(d, 12), 600);
      world.visit("P1", "C2", day(d, 22) /* 17:00 local */, 300, ["laundry"]);
    }
    importPending(world);
    const first = runVerification(world.db, world.keystore, DEFAULT_SETTINGS);
    expect(first.auditWeeks).toMatchObject([{ providerNumber: "P1", weekOf: "2026-04-06" }]);
    world.visit("P1", "C1", day(15), 600);
    const second = verifyWindowed(world);
    expect(second).toMatchObject({ visits: 1, replacedVisits: 0, auditWeeks: [] });
    const flagged = world.db.prepare("SELECT count(*) AS n FROM visits WHERE reasons LIKE '%WEEK_OVER_80_HOURS%' AND run_id = ?").get(first.runId) as { n: number };
    expect(flagged.n).toBe(14);
  });

  it("has evv report audit find an edited or deleted visit among a full run's and windowed runs' visits", () => {
    world = incrementalWorld();
    for (let d = 1; d <= 9; d++) world.visit("P1", "C1", day(d), 60);
    importPending(world);
    runVerification(world.db, world.keystore, DEFAULT_SETTINGS);
    world.visit("P1", "C1", day(10), 60);
    const second = verifyWindowed(world);
    world.visit("P1", "C1", day(11), 60);
    verifyWindowed(world);
    expect(checkVisitsAgainstAudit(world.db)).toMatchObject({ ok: true, visits: 11, decisions: 11 });
    // A visit the full run decided and both windowed runs kept, and the last run's newest visit.
    const kept = world.db.prepare("SELECT visit_id FROM visits WHERE run_id = 1 ORDER BY visit_seq LIMIT 1").get() as { visit_id: string };
    world.db.prepare("UPDATE visits SET units = units + 1 WHERE visit_id = ?").run(kept.visit_id);
    const latest = world.db.prepare("SELECT visit_id, visit_seq FROM visits ORDER BY visit_seq DESC LIMIT 1").get() as { visit_id: string; visit_seq: number };
    world.db.prepare("UPDATE visits SET status = 'verified-with-flags' WHERE visit_id = ?").run(latest.visit_id);
    let check = checkVisitsAgainstAudit(world.db);
    expect(check.ok).toBe(false);
    expect(check.problems.join("\n")).toContain(kept.visit_id);
    expect(check.problems.join("\n")).toContain(`visit ${latest.visit_id} (number ${latest.visit_seq}): status "verified-with-flags", logged "verified"`);
    world.db.prepare("DELETE FROM visits WHERE visit_id IN (?, ?)").run(kept.visit_id, latest.visit_id);
    check = checkVisitsAgainstAudit(world.db);
    expect(check.problems.join("\n")).toMatch(/has no visit row[\s\S]*has no visit row[\s\S]*recorded 11 visits; the visits table holds 9/);
    void second;
  });
});

describe("windowed runs with worker threads", () => {
  it("decide what one thread decides, the workers reading the store as it was before the run", () => {
    const random = seededRandom(44);
    const now = { ms: FIRST_DAY_MS + 10 * 86_400_000 };
    world = incrementalWorld();
    for (let i = 0; i < 6; i++) applyChange(world, "visits", random, now);
    importPending(world);
    runVerification(world.db, world.keystore, DEFAULT_SETTINGS);
    let windowed = 0;
    for (const kind of ["daily run", "daily run", "busy week", "daily run"] as const) {
      applyChange(world, kind, random, now);
      importPending(world);
      const summary = runVerification(world.db, world.keystore, DEFAULT_SETTINGS, { workers: 1, sliceReadings: 2 });
      expect(summary.mode).toBe("incremental");
      // A run of one slice (the busy week touches one group) stays in one thread.
      if (summary.workers === 1) windowed += summary.windowedComponents;
      expect(visitsByContent(world.db)).toEqual(visitsOfFullRun(world));
      expect(checkVisitsAgainstAudit(world.db).problems).toEqual([]);
    }
    expect(windowed).toBeGreaterThan(2);
  });
});
