import { afterEach, describe, expect, it } from "vitest";
import { simpleWorld, type VisitWorld } from "./fixtures/visitWorld.js";
import { importReadings } from "../../host/storage/importers.js";
import { runVerification } from "../../host/verifier/verifyRun.js";
import { DEFAULT_SETTINGS } from "../../host/verifier/settings.js";
import { checkVisitsAgainstAudit } from "../../host/report/visitsAgainstAudit.js";

let world: VisitWorld;
afterEach(() => world?.close());

function verifiedWorld(): VisitWorld {
  const w = simpleWorld();
  w.addClient("C2");
  w.addProvider("P2");
  w.addAuthorization({ authorizationId: "A2", clientNdNumber: "C2", providerNumber: "P2" });
  for (let i = 0; i < 12; i++) w.visit(`P${1 + (i % 2)}`, `C${1 + (i % 2)}`, new Date(Date.parse("2026-04-14T15:00:00Z") + i * 3 * 3600_000).toISOString(), 30 + i);
  w.challenge("P1", "C1", "check-in", Date.parse("2026-04-20T15:00:00Z"));
  importReadings(w.db, "readings.jsonl", "0", w.readings.splice(0), undefined, w.receiptOf);
  runVerification(w.db, w.keystore, DEFAULT_SETTINGS, { sliceReadings: 8 });
  return w;
}

describe("the visits table checked against the logged decisions", () => {
  it("agrees visit by visit after a run written over several audit entries", () => {
    world = verifiedWorld();
    const entries = (world.db.prepare("SELECT count(*) AS n FROM audit_log WHERE kind = 'visit.decisions'").get() as { n: number }).n;
    expect(entries).toBeGreaterThan(1);
    expect(checkVisitsAgainstAudit(world.db)).toMatchObject({ ok: true, visits: 13, decisions: 13, problems: [] });
  });

  it("checks only the last full run's decisions when the log holds earlier runs", () => {
    world = verifiedWorld();
    runVerification(world.db, world.keystore, DEFAULT_SETTINGS, { full: true });
    expect(checkVisitsAgainstAudit(world.db)).toMatchObject({ ok: true, runId: 2, visits: 13, decisions: 13 });
  });

  it("names the visit and the field when a visit row was edited after the run", () => {
    world = verifiedWorld();
    const target = world.db.prepare("SELECT visit_id FROM visits WHERE status = 'needs-review'").get() as { visit_id: string };
    world.db.prepare("UPDATE visits SET status = 'verified', units = 4 WHERE visit_id = ?").run(target.visit_id);
    const check = checkVisitsAgainstAudit(world.db);
    expect(check.ok).toBe(false);
    expect(check.problems).toHaveLength(1);
    expect(check.problems[0]).toContain(target.visit_id);
    expect(check.problems[0]).toContain('status "verified", logged "needs-review"');
    expect(check.problems[0]).toContain("units 4, logged 0");
  });

  it("finds a visit row deleted after the run", () => {
    world = verifiedWorld();
    world.db.prepare("DELETE FROM visits WHERE visit_seq = (SELECT max(visit_seq) FROM visits)").run();
    const check = checkVisitsAgainstAudit(world.db);
    expect(check.ok).toBe(false);
    expect(check.problems.join("\n")).toMatch(/logged decision 13 has no visit row[\s\S]*recorded 13 visits; the visits table holds 12/);
  });

  it("has nothing to check before the first run", () => {
    world = simpleWorld();
    expect(checkVisitsAgainstAudit(world.db)).toEqual({ runId: null, runs: [], visits: 0, decisions: 0, ok: true, problems: [] });
  });
});
