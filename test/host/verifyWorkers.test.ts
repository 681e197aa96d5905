import { afterEach, describe, expect, it } from "vitest";
import { VisitWorld } from "./fixtures/visitWorld.js";
import { decisionsOfEntry } from "../../host/verifier/visitDecision.js";
import { TSX_WORKER_ENTRY, workerScriptIn } from "../../host/verifier/verifyWorkerScript.js";
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runVerification } from "../../host/verifier/verifyRun.js";
import { DEFAULT_SETTINGS } from "../../host/verifier/settings.js";
import { verifyAuditChain } from "../../host/storage/auditLog.js";
import { importReadings } from "../../host/storage/importers.js";

let world: VisitWorld;
afterEach(() => world?.close());

/** Several components: a provider with two clients, every reading method, a forged code, an unpaired check-in. */
function mixedWorld(): VisitWorld {
  const w = new VisitWorld();
  for (let i = 1; i <= 6; i++) {
    w.addClient(`C${i}`, i % 2 ? "America/Chicago" : "America/Denver");
    w.addProvider(`P${i}`);
    w.addAuthorization({ authorizationId: `A${i}`, clientNdNumber: `C${i}`, providerNumber: `P${i}` });
  }
  w.addAuthorization({ authorizationId: "A1-2", clientNdNumber: "C2", providerNumber: "P1" });
  const day = (d: number, h: number) => Date.parse("2026-04-06T00:00:00Z") + d * 86_400_000 + h * 3_600_000;
  for (let d = 0; d < 12; d++) {
    for (let i = 1; i <= 6; i++) {
      const p = `P${i}`;
      const c = `C${i}`;
      const begin = day(d, 14 + (i % 3));
      const end = begin + (20 + 7 * d) * 60_000;
      if (d % 3 === 0) w.visit(p, c, new Date(begin).toISOString(), (end - begin) / 60_000);
      else if (d % 3 === 1) {
        w.frame(p, c, "check-in", begin, begin + 5_000);
        w.frame(p, c, "check-out", end, end + 5_000, { tasks: ["bathing"] });
      } else {
        w.typed(p, c, "check-in", begin, begin + 3_600_000);
        w.typed(p, c, "check-out", end, end + 3_600_000, { tasks: ["meal preparation"], code: i === 4 && d === 5 ? "123456789012" : undefined });
      }
    }
    w.visit("P1", "C2", new Date(day(d, 20)).toISOString(), 130);
  }
  w.challenge("P3", "C3", "check-in", day(13, 9));
  importReadings(w.db, "readings.jsonl", "0", w.readings.splice(0), undefined, w.receiptOf);
  return w;
}

function decided(w: VisitWorld) {
  const visits = w.db.prepare("SELECT * FROM visits ORDER BY visit_seq").all() as Record<string, unknown>[];
  for (const v of visits) delete v.run_id;
  const lastRun = (w.db.prepare("SELECT max(run_id) AS r FROM verify_runs").get() as { r: number }).r;
  const bodies = (w.db.prepare("SELECT body FROM audit_log WHERE kind = 'visit.decisions' ORDER BY seq").all() as { body: Buffer }[])
    .map((b) => decisionsOfEntry(b.body))
    .filter((decisions) => decisions[0].run === lastRun)
    .map((decisions) => decisions.map(({ run: _run, ...rest }) => rest));
  return { visits, bodies };
}

describe("verification in worker threads", () => {
  it("decides, numbers and audits every visit exactly as one thread does", () => {
    world = mixedWorld();
    const one = runVerification(world.db, world.keystore, DEFAULT_SETTINGS, { workers: 0, sliceReadings: 10 });
    const single = decided(world);
    const two = runVerification(world.db, world.keystore, DEFAULT_SETTINGS, { workers: 2, sliceReadings: 10, full: true });
    expect(one.workers).toBe(0);
    expect(two.workers).toBe(2);
    expect(single.visits.length).toBeGreaterThan(80);
    expect(new Set(single.visits.map((v) => v.status)).size).toBeGreaterThan(1);
    expect(decided(world)).toEqual(single);
    expect({ ...two, runId: 0, auditHead: "", timings: null, workers: 0, fullBecause: null, changedInputs: 0, newReadings: 0 }).toEqual({
      ...one,
      runId: 0,
      auditHead: "",
      timings: null,
      workers: 0,
      fullBecause: null,
      changedInputs: 0,
      newReadings: 0,
    });
    expect(verifyAuditChain(world.db).ok).toBe(true);
  });

  it("falls back to loading the sources through tsx where the bundle cannot be written, with the same results", () => {
    const blocked = join(mkdtempSync(join(tmpdir(), "evv-cache-")), "a-file");
    writeFileSync(blocked, "not a directory");
    expect(workerScriptIn(join(blocked, "evv")).href).toBe(TSX_WORKER_ENTRY.href);
    const cacheDir = join(tmpdir(), `evv-cache-${process.pid}`);
    const bundle = workerScriptIn(cacheDir);
    expect(bundle.href).toMatch(/verify-worker-[0-9a-f]{16}\.mjs$/);
    expect(readFileSync(bundle, "utf8")).toContain("SliceVerifier");
    rmSync(cacheDir, { recursive: true, force: true });
    rmSync(dirname(blocked), { recursive: true, force: true });

    world = mixedWorld();
    runVerification(world.db, world.keystore, DEFAULT_SETTINGS, { workers: 0, sliceReadings: 10 });
    const single = decided(world);
    const viaTsx = runVerification(world.db, world.keystore, DEFAULT_SETTINGS, { workers: 1, sliceReadings: 10, workerScript: TSX_WORKER_ENTRY, full: true });
    expect(viaTsx.workers).toBe(1);
    expect(decided(world)).toEqual(single);
  });

  it("keeps the four newest worker bundles in its cache, removing older versions", () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "evv-cache-"));
    for (let i = 0; i < 6; i++) {
      const old = join(cacheDir, `verify-worker-${String(i).repeat(16)}.mjs`);
      writeFileSync(old, "// an older version");
      utimesSync(old, new Date(Date.now() - (i + 1) * 3600_000), new Date(Date.now() - (i + 1) * 3600_000));
    }
    const bundle = workerScriptIn(cacheDir);
    const left = readdirSync(cacheDir).sort();
    expect(left).toHaveLength(4);
    expect(left).toContain(bundle.pathname.split("/").pop());
    expect(left).toEqual(expect.arrayContaining(["verify-worker-0000000000000000.mjs", "verify-worker-1111111111111111.mjs", "verify-worker-2222222222222222.mjs"]));
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it("fails the whole run, leaving the database unchanged, when a worker fails on a slice", () => {
    world = mixedWorld();
    runVerification(world.db, world.keystore, DEFAULT_SETTINGS, { workers: 0 });
    const before = decided(world);
    const count = (table: string) => (world.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const auditRows = count("audit_log");
    const runs = count("verify_runs");
    // A row written behind the importer's back (no MAC on a challenge) makes the verifier throw.
    world.db
      .prepare(
        `INSERT INTO readings (reading_id, reader_id, provider_number, client_nd_number, event, reader_time, reader_ms, method, transport, challenge_nonce, challenge_device_id, challenge_device_time, challenge_status, challenge_journal_seq, imported_at)
         SELECT 'broken', reader_id, provider_number, client_nd_number, event, reader_time, reader_ms + 1, method, transport, challenge_nonce, challenge_device_id, challenge_device_time, challenge_status, challenge_journal_seq, imported_at
         FROM readings WHERE provider_number = 'P6' AND method = 'challenge' LIMIT 1`,
      )
      .run();
    expect(() => runVerification(world.db, world.keystore, DEFAULT_SETTINGS, { workers: 2, sliceReadings: 10, full: true })).toThrow(/verification worker \d failed on slice \d+/);
    expect(decided(world)).toEqual(before);
    expect(count("audit_log")).toBe(auditRows);
    expect(count("verify_runs")).toBe(runs);
  });
});
