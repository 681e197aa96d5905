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
      { numRuns: 25, seed: 15 },
    );
    // The sequences exercised both ways of re-verifying a component.
    console.log(components);
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
    const n = 2;
    importAuthorizations(world.db, "authorizations.json", "0", [
      authorization.parse({
        authorizationId: "A3",
        clientNdNumber: "C3",
        providerNumber: "P2",
        procedureCode: "T1019",
        serviceProgram: "MSP-PC",
        period: { from: "2026-01-01", to: "2026-12-31" },
        units: { adl: n, medicationAssistance: n, other: n, mealPreparation: n, laundryShoppingHousekeeping: n },
        unitsPer: "month",
        liveIn: false,
        evvRequired: true,
      }),
    ]);
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
