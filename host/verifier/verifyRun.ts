// One verification run: judges every stored reading, pairs readings into visits, applies the
// visit checks and the North Dakota rules, and writes the visits (one row each, days in
// the row) and every decision to the audit log in a single transaction (the previous run's results are replaced; the
// audit log only grows). Work goes component by component of the provider–client graph, so
// memory holds one component at a time, not the whole state.
import type { EvvDatabase } from "../storage/database.js";
import type { Keystore } from "../keystore/keystore.js";
import { VisitWriter } from "./visitWriter.js";
import { VerificationContext } from "./verificationContext.js";
import { LocalCalendar } from "./localCalendar.js";
import { ReadingEvidence, type ReadingVerdict } from "./readingEvidence.js";
import { READING_ROW_COLUMNS, type ReadingRow } from "./readingRow.js";
import { pairReadings } from "./visitPairing.js";
import { pairComponents } from "./pairComponents.js";
import { isBillableCandidate, type VisitDraft } from "./visitDraft.js";
import { establishVisitFacts } from "./rules/visitFacts.js";
import { markDuplicatesAndOverlaps } from "./rules/duplicatesAndOverlaps.js";
import { applyNorthDakotaRules } from "./rules/northDakotaRules.js";
import type { ProviderWeek } from "./rules/weeklyAudit.js";
import { statusOf, type VisitStatus } from "./reasonCodes.js";
import type { VerifierSettings } from "./settings.js";

export type VerifyPhase = "readings";

export interface VerifyOptions {
  onProgress?: (phase: VerifyPhase, done: number, total: number) => void;
  /** Report progress every this many readings. */
  progressEvery?: number;
}

export interface VerifyRunSummary {
  runId: number;
  readings: number;
  visits: number;
  byStatus: Record<VisitStatus, number>;
  units: number;
  auditWeeks: ProviderWeek[];
  auditHead: string;
  /** Where the time went, milliseconds (for the bench; never asserted). */
  timings: { readingsMs: number; rulesMs: number; writeMs: number };
}

export function runVerification(db: EvvDatabase, keystore: Keystore, settings: VerifierSettings, options: VerifyOptions = {}): VerifyRunSummary {
  const progress = options.onProgress ?? (() => {});
  const every = options.progressEvery ?? 10_000;
  const ctx = new VerificationContext(db, keystore);
  const calendar = new LocalCalendar();
  const evidence = new ReadingEvidence(ctx, settings);
  const maxVisitMs = settings.maxVisitHours * 3600_000;

  const totalReadings = (db.prepare("SELECT count(*) AS n FROM readings").get() as { n: number }).n;
  const pairs = db.prepare("SELECT DISTINCT provider_number, client_nd_number FROM readings").raw().all() as [string, string][];
  const components = pairComponents(pairs);
  const selectPair = db.prepare(`SELECT ${READING_ROW_COLUMNS} FROM readings WHERE provider_number = ? AND client_nd_number = ? ORDER BY reader_ms`).raw();
  const writer = new VisitWriter(db);

  const byStatus: Record<VisitStatus, number> = { verified: 0, "verified-with-flags": 0, "needs-review": 0, rejected: 0 };
  const auditWeeks: ProviderWeek[] = [];
  const timings = { readingsMs: 0, rulesMs: 0, writeMs: 0 };
  let unitsTotal = 0;
  let visitCount = 0;
  let readingsDone = 0;

  const runId = db.transaction(() => {
    const runId = writer.begin(settings);
    for (const component of components) {
      // Evidence and pairing, pair by pair in reader-time order (the typed-code throttle counts in that order).
      const t0 = performance.now();
      const visits: VisitDraft[] = [];
      for (const [providerNumber, clientNdNumber] of component) {
        const rows = selectPair.all(providerNumber, clientNdNumber) as ReadingRow[];
        const verdicts = new Array<ReadingVerdict>(rows.length);
        for (let i = 0; i < rows.length; i++) verdicts[i] = evidence.judge(rows[i]);
        for (const v of pairReadings(providerNumber, clientNdNumber, ctx.clients.get(clientNdNumber) ?? null, verdicts, maxVisitMs)) visits.push(v);
        const before = readingsDone;
        readingsDone += rows.length;
        if (Math.floor(before / every) !== Math.floor(readingsDone / every)) progress("readings", readingsDone, totalReadings);
      }
      const t1 = performance.now();
      const outcome = decideVisits(visits, ctx, calendar);
      for (const w of outcome.auditWeeks) auditWeeks.push(w);
      const t2 = performance.now();
      for (const v of visits) {
        writer.write(v);
        byStatus[v.status]++;
        unitsTotal += v.units;
      }
      visitCount += visits.length;
      const t3 = performance.now();
      timings.readingsMs += t1 - t0;
      timings.rulesMs += t2 - t1;
      timings.writeMs += t3 - t2;
    }
    const t4 = performance.now();
    writer.finish(visitCount);
    timings.writeMs += performance.now() - t4;
    progress("readings", totalReadings, totalReadings);
    return runId;
  })();
  return { runId, readings: totalReadings, visits: visitCount, byStatus, units: unitsTotal, auditWeeks, auditHead: writer.auditHead, timings };
}

/** Visit checks, duplicates and overlaps, the ND rules, and each visit's final status and units. */
function decideVisits(visits: VisitDraft[], ctx: VerificationContext, calendar: LocalCalendar) {
  const complete: VisitDraft[] = [];
  for (const v of visits) {
    v.status = statusOf(v.reasons);
    if (v.status === "rejected" || v.beginMs === null) continue;
    establishVisitFacts(v, ctx, calendar);
    v.status = statusOf(v.reasons);
    if (v.status !== "rejected") complete.push(v);
  }
  markDuplicatesAndOverlaps(complete);
  const billable: VisitDraft[] = [];
  for (const v of complete) {
    v.status = statusOf(v.reasons);
    if (isBillableCandidate(v)) billable.push(v);
  }
  const outcome = applyNorthDakotaRules(billable, ctx, calendar);
  for (const v of visits) {
    v.status = statusOf(v.reasons);
    let units = 0;
    if (v.status !== "rejected") for (const d of v.days) units += d.units;
    else for (const d of v.days) (d.paidMinutes = 0), (d.units = 0);
    v.units = units;
  }
  return outcome;
}

export { visitDecision, visitDecisionJson } from "./visitDecision.js";
