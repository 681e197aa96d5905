import { afterEach, describe, expect, it } from "vitest";
import { deflateRawSync } from "node:zlib";
import { importReadings } from "../../host/storage/importers.js";
import { simpleWorld, type VisitWorld } from "./fixtures/visitWorld.js";
import { applyChange, importPending, incrementalWorld, seededRandom, visitsByContent } from "./fixtures/incrementalWorld.js";
import { checkVisitsAgainstAudit } from "../../host/report/visitsAgainstAudit.js";
import { dropAuditTriggers } from "../postgres/testDatabase.js";
import { canonicalJson, type JsonValue } from "../../host/storage/canonicalJson.js";
import { verifyAuditChain } from "../../host/storage/auditLog.js";
import { runVerification } from "../../host/verifier/verifyRun.js";
import { DEFAULT_SETTINGS, verifierSettings } from "../../host/verifier/settings.js";
import { decisionsEntryBody, decisionsEntryJson, decisionsEntryText, decisionsOfEntry } from "../../host/verifier/visitDecision.js";

let world: VisitWorld;
afterEach(() => world?.close());

describe("a verification run", () => {
  it("records every visit's canonical decision in a chained audit entry", () => {
    world = simpleWorld();
    world.visit("P1", "C1", "2026-04-14T15:00:00Z", 30);
    world.challenge("P1", "C1", "check-in", Date.parse("2026-04-16T15:00:00Z"));
    world.verify();
    const entries = world.db.prepare("SELECT body FROM audit_log WHERE kind = 'visit.decisions' ORDER BY seq").all() as { body: Buffer }[];
    expect(entries).toHaveLength(1);
    const text = decisionsEntryText(entries[0].body);
    expect(text).toBe(canonicalJson(JSON.parse(text) as JsonValue));
    expect(entries[0].body.length).toBeLessThan(text.length);
    const decisions = decisionsOfEntry(entries[0].body);
    expect(decisions).toHaveLength(2);
    expect(decisions[0]).toMatchObject({ status: "verified", units: 2, days: [["2026-04-14", 30, 30, 2]], provider: "P1", client: "C1", reasons: [] });
    expect(decisions[0].visit).toBe(decisions[0].checkIn);
    expect(decisions[1]).toMatchObject({ status: "needs-review", checkOut: null, units: 0 });
    expect(verifyAuditChain(world.db).ok).toBe(true);
  });

  it("refuses to read back an audit entry whose decision rows do not have the documented columns", () => {
    const good = decisionsEntryJson(1, ['["v",null,null,"P1","C1",null,null,null,null,[],["NO_CHECK_OUT"],"needs-review",0]']);
    expect(decisionsOfEntry(good)[0]).toMatchObject({ visit: "v", reasons: ["NO_CHECK_OUT"], run: 1 });
    expect(decisionsOfEntry(decisionsEntryBody(1, ['["v",null,null,"P1","C1",null,null,null,null,[],[],"needs-review",0]'])).map((d) => d.visit)).toEqual(["v"]);
    expect(() => decisionsOfEntry(good.replace('"visit"', '"vizit"'))).toThrow(/columns must be/);
    expect(() => decisionsOfEntry(good.replace('"needs-review",0]', '"needs-review"]'))).toThrow();
  });

  it("detects a visit decision edited in the audit log", () => {
    world = simpleWorld();
    world.visit("P1", "C1", "2026-04-14T15:00:00Z", 30);
    world.challenge("P1", "C1", "check-in", Date.parse("2026-04-16T15:00:00Z"));
    world.verify();
    dropAuditTriggers(world.db, "audit_log_no_update");
    const entry = world.db.prepare("SELECT seq, body FROM audit_log WHERE kind = 'visit.decisions'").get() as { seq: number; body: Buffer };
    const seq = entry.seq;
    const edited = deflateRawSync(decisionsEntryText(entry.body).replace('"needs-review"', '"verified"'), { level: 1 });
    expect(world.db.prepare("UPDATE audit_log SET body = ? WHERE seq = ?").run(edited, seq).changes).toBe(1);
    expect(verifyAuditChain(world.db)).toMatchObject({ ok: false, brokenAtSeq: seq });
  });

  it("writes one chained entry per slice, and every visit's decision in exactly one of them", () => {
    world = simpleWorld();
    for (const n of [2, 3]) {
      world.addClient(`C${n}`);
      world.addProvider(`P${n}`);
      world.addAuthorization({ authorizationId: `A${n}`, clientNdNumber: `C${n}`, providerNumber: `P${n}` });
    }
    const visits = 30;
    for (let i = 0; i < visits; i++) world.visit(`P${1 + (i % 3)}`, `C${1 + (i % 3)}`, new Date(Date.parse("2026-04-14T15:00:00Z") + i * 3 * 3600_000).toISOString(), 30);
    importReadings(world.db, "readings.jsonl", "0", world.readings.splice(0), undefined, world.receiptOf);
    runVerification(world.db, world.keystore, DEFAULT_SETTINGS, { sliceReadings: 20 });
    const bodies = world.db.prepare("SELECT body FROM audit_log WHERE kind = 'visit.decisions' ORDER BY seq").all() as { body: Buffer }[];
    expect(bodies).toHaveLength(3);
    const ids = bodies.flatMap((b) => decisionsOfEntry(b.body).map((d) => d.visit));
    expect(new Set(ids).size).toBe(visits);
    expect(ids.sort()).toEqual(world.visits().map((v) => v.visit_id).sort());
  });

  it("replaces the previous run's visits but only ever adds to the audit log", () => {
    world = simpleWorld();
    world.visit("P1", "C1", "2026-04-14T15:00:00Z", 30);
    world.verify();
    const auditRows = (world.db.prepare("SELECT count(*) AS n FROM audit_log").get() as { n: number }).n;
    const second = runVerification(world.db, world.keystore, DEFAULT_SETTINGS, { full: true });
    expect(second).toMatchObject({ mode: "full", fullBecause: "--full was given", visits: 1 });
    expect((world.db.prepare("SELECT count(*) AS n FROM visits").get() as { n: number }).n).toBe(1);
    expect((world.db.prepare("SELECT count(*) AS n FROM audit_log").get() as { n: number }).n).toBe(auditRows + 2);
    expect(verifyAuditChain(world.db)).toMatchObject({ ok: true });
  });

  it("gives the same decisions when run twice on the same readings", () => {
    world = simpleWorld();
    world.visit("P1", "C1", "2026-04-14T15:00:00Z", 30);
    world.visit("P1", "C1", "2026-04-14T23:50:00Z", 95);
    world.verify();
    const first = world.visits().map(({ visit_id, status, units, days }) => ({ visit_id, status, units, days }));
    runVerification(world.db, world.keystore, DEFAULT_SETTINGS, { full: true });
    expect(world.visits().map(({ visit_id, status, units, days }) => ({ visit_id, status, units, days }))).toEqual(first);
  });
});

describe("verifier settings", () => {
  it("default to a 6-day late-entry limit, 2-minute drift tolerance and 5 wrong typed codes an hour", () => {
    expect(DEFAULT_SETTINGS).toMatchObject({ lateEntryLimitHours: 144, driftToleranceSeconds: 120, typedFailuresPerHour: 5, typedFailuresPerDay: 20, typedFailuresInAll: 50, maxVisitHours: 24 });
  });

  it("refuse a late-entry limit beyond what the display code can recover, naming the field", () => {
    const parsed = verifierSettings.safeParse({ lateEntryLimitHours: 200 });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0].path).toEqual(["lateEntryLimitHours"]);
  });
});

describe("windowed incremental runs on this engine", () => {
  it("give what a full run gives after daily runs, an 80-hour week and a visit received late, and agree with the audit log", () => {
    world = incrementalWorld();
    const random = seededRandom(2026);
    const now = { ms: Date.parse("2026-04-01T05:00:00Z") + 12 * 86_400_000 };
    for (let i = 0; i < 3; i++) applyChange(world, "visits", random, now);
    importPending(world);
    runVerification(world.db, world.keystore, DEFAULT_SETTINGS);
    let windowed = 0;
    for (const kind of ["daily run", "daily run", "busy week", "daily run", "late visit", "daily run"] as const) {
      applyChange(world, kind, random, now);
      importPending(world);
      const summary = runVerification(world.db, world.keystore, DEFAULT_SETTINGS);
      expect(summary.mode).toBe("incremental");
      windowed += summary.windowedComponents;
    }
    expect(windowed).toBeGreaterThan(0);
    expect(checkVisitsAgainstAudit(world.db).problems).toEqual([]);
    const incremental = visitsByContent(world.db);
    runVerification(world.db, world.keystore, DEFAULT_SETTINGS, { full: true });
    expect(visitsByContent(world.db)).toEqual(incremental);
  });
});
