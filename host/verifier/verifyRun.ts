// One verification run: judges every stored reading, pairs readings into visits, applies the
// visit checks and the North Dakota rules, and writes the visits, their days and one audit-log
// decision per visit in a single transaction (the previous run's results are replaced; the
// audit log only grows).
import type { EvvDatabase } from "../storage/database.js";
import type { Keystore } from "../keystore/keystore.js";
import { AuditAppender } from "../storage/auditLog.js";
import { canonicalJson } from "../storage/canonicalJson.js";
import { VerificationContext } from "./verificationContext.js";
import { LocalCalendar } from "./localCalendar.js";
import { ReadingEvidence, type ReadingVerdict } from "./readingEvidence.js";
import { READING_ROW_COLUMNS, type ReadingRow } from "./readingRow.js";
import { pairReadings } from "./visitPairing.js";
import { isBillableCandidate, type VisitDraft } from "./visitDraft.js";
import { establishVisitFacts } from "./rules/visitFacts.js";
import { markDuplicatesAndOverlaps } from "./rules/duplicatesAndOverlaps.js";
import { applyNorthDakotaRules } from "./rules/northDakotaRules.js";
import type { ProviderWeek } from "./rules/weeklyAudit.js";
import { statusOf, type VisitStatus } from "./reasonCodes.js";
import type { VerifierSettings } from "./settings.js";

export type VerifyPhase = "readings" | "rules" | "writing";

export interface VerifyOptions {
  onProgress?: (phase: VerifyPhase, done: number, total: number) => void;
  /** Visits per write transaction batch inside the run's transaction (progress granularity). */
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
  const t0 = performance.now();
  const totalReadings = (db.prepare("SELECT count(*) AS n FROM readings").get() as { n: number }).n;
  const visits: VisitDraft[] = [];
  // Readings in (provider, client, reader time) order: each group is judged in time order (the
  // typed-code throttle counts in that order), then paired.
  let groupKey = "";
  let group: ReadingVerdict[] = [];
  let groupProvider = "";
  let groupClient = "";
  const flush = () => {
    if (group.length > 0) for (const v of pairReadings(groupProvider, groupClient, ctx.clients.get(groupClient) ?? null, group, maxVisitMs)) visits.push(v);
    group = [];
  };
  let done = 0;
  const rows = db.prepare(`SELECT ${READING_ROW_COLUMNS} FROM readings ORDER BY provider_number, client_nd_number, reader_ms`).raw().iterate() as IterableIterator<ReadingRow>;
  for (const row of rows) {
    const key = row[1] + "|" + row[2];
    if (key !== groupKey) {
      flush();
      groupKey = key;
      groupProvider = row[1];
      groupClient = row[2];
    }
    group.push(evidence.judge(row));
    if (++done % every === 0) progress("readings", done, totalReadings);
  }
  flush();
  progress("readings", totalReadings, totalReadings);
  const t1 = performance.now();

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
  progress("rules", visits.length, visits.length);

  const byStatus: Record<VisitStatus, number> = { verified: 0, "verified-with-flags": 0, "needs-review": 0, rejected: 0 };
  let unitsTotal = 0;
  for (const v of visits) {
    v.status = statusOf(v.reasons);
    let units = 0;
    if (v.status !== "rejected") for (const d of v.days) units += d.units;
    else for (const d of v.days) (d.paidMinutes = 0), (d.units = 0);
    v.units = units;
    unitsTotal += units;
    byStatus[v.status]++;
  }

  const t2 = performance.now();
  const runId = writeRun(db, visits, settings, progress, every);
  const t3 = performance.now();
  const auditHead = (db.prepare("SELECT audit_head FROM verify_runs WHERE run_id = ?").get(runId) as { audit_head: string }).audit_head;
  return { runId, readings: totalReadings, visits: visits.length, byStatus, units: unitsTotal, auditWeeks: outcome.auditWeeks, auditHead, timings: { readingsMs: t1 - t0, rulesMs: t2 - t1, writeMs: t3 - t2 } };
}

function writeRun(db: EvvDatabase, visits: VisitDraft[], settings: VerifierSettings, progress: NonNullable<VerifyOptions["onProgress"]>, every: number): number {
  const insertVisit = db.prepare(
    `INSERT INTO visits (visit_seq, visit_id, run_id, provider_number, client_nd_number, authorization_id, procedure_code, check_in_reading, check_out_reading,
       device_id, begin_ms, end_ms, time_zone, presence_in, presence_out, status, units, reasons, tasks)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertDay = db.prepare("INSERT INTO visit_days (visit_seq, local_date, minutes, paid_minutes, units) VALUES (?, ?, ?, ?, ?)");
  return db.transaction(() => {
    // Bulk load: empty the derived tables, drop their secondary indexes, append in sequence, rebuild.
    db.exec("DELETE FROM visit_days; DELETE FROM visits; DROP INDEX IF EXISTS visits_by_id; DROP INDEX IF EXISTS visits_by_begin;");
    const audit = new AuditAppender(db);
    const runId = Number(
      db.prepare("INSERT INTO verify_runs (started_at, settings, visits, audit_head) VALUES (?, ?, ?, '')").run(new Date().toISOString(), canonicalJson(settings), visits.length)
        .lastInsertRowid,
    );
    audit.append("verify.run", String(runId), { runId, settings, visits: visits.length });
    let written = 0;
    for (const v of visits) {
      const seq = ++written;
      const reasonsJson = JSON.stringify(v.reasons);
      insertVisit.run(
        seq,
        v.visitId,
        runId,
        v.providerNumber,
        v.clientNdNumber,
        v.authorization?.authorizationId ?? null,
        v.authorization?.procedureCode ?? null,
        v.checkIn?.readingId ?? null,
        v.checkOut?.readingId ?? null,
        v.deviceId,
        v.beginMs,
        v.endMs,
        v.client?.timeZone ?? null,
        v.checkIn?.method ?? null,
        v.checkOut?.method ?? null,
        v.status,
        v.units,
        reasonsJson,
        JSON.stringify(v.tasks),
      );
      for (const d of v.days) insertDay.run(seq, d.date, d.minutes, d.paidMinutes, d.units);
      audit.appendCanonical("visit.decision", v.visitId, visitDecisionJson(runId, v));
      if (seq % every === 0) progress("writing", seq, visits.length);
    }
    db.exec("CREATE UNIQUE INDEX visits_by_id ON visits(visit_id); CREATE INDEX visits_by_begin ON visits(begin_ms);");
    db.prepare("UPDATE verify_runs SET audit_head = ? WHERE run_id = ?").run(audit.headHash, runId);
    progress("writing", visits.length, visits.length);
    return runId;
  })();
}

const str = JSON.stringify;

/**
 * The decision as canonical JSON: the same text canonicalJson gives for the object with these
 * keys (sorted), written out directly because this runs once per visit.
 */
export function visitDecisionJson(runId: number, v: VisitDraft): string {
  let days = "";
  for (const d of v.days) days += (days ? "," : "") + "[" + str(d.date) + "," + d.minutes + "," + d.paidMinutes + "," + d.units + "]";
  let reasons = "";
  for (const r of v.reasons) reasons += (reasons ? "," : "") + str(r.detail ? r.code + ": " + r.detail : r.code);
  return (
    '{"authorization":' + (v.authorization ? str(v.authorization.authorizationId) : "null") +
    ',"begin":' + (v.beginMs ?? "null") +
    ',"checkIn":' + (v.checkIn ? str(v.checkIn.readingId) : "null") +
    ',"checkOut":' + (v.checkOut ? str(v.checkOut.readingId) : "null") +
    ',"client":' + str(v.clientNdNumber) +
    ',"days":[' + days + "]" +
    ',"device":' + (v.deviceId === null ? "null" : str(v.deviceId)) +
    ',"end":' + (v.endMs ?? "null") +
    ',"provider":' + str(v.providerNumber) +
    ',"reasons":[' + reasons + "]" +
    ',"run":' + runId +
    ',"status":' + str(v.status) +
    ',"units":' + v.units +
    ',"visit":' + str(v.visitId) +
    "}"
  );
}

/** The same decision as a plain object (what visitDecisionJson serializes). */
export function visitDecision(runId: number, v: VisitDraft) {
  return {
    authorization: v.authorization?.authorizationId ?? null,
    begin: v.beginMs,
    checkIn: v.checkIn?.readingId ?? null,
    checkOut: v.checkOut?.readingId ?? null,
    client: v.clientNdNumber,
    days: v.days.map((d) => [d.date, d.minutes, d.paidMinutes, d.units]),
    device: v.deviceId,
    end: v.endMs,
    provider: v.providerNumber,
    reasons: v.reasons.map((r) => (r.detail ? r.code + ": " + r.detail : r.code)),
    run: runId,
    status: v.status,
    units: v.units,
    visit: v.visitId,
  };
}
