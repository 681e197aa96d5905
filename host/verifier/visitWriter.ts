// Writes a verification run: replaces the derived visits table (bulk load, indexes rebuilt at the
// end) with one row per visit (its days in the row), and appends the run's decisions to the
// hash-chained audit log, DECISIONS_PER_AUDIT_ENTRY canonical decisions per `visit.decisions`
// entry: every decision is in the log, and editing any one of them breaks that entry's hash.
import type { EvvDatabase } from "../storage/database.js";
import { AuditAppender } from "../storage/auditLog.js";
import { canonicalJson } from "../storage/canonicalJson.js";
import type { VerifierSettings } from "./settings.js";
import type { VisitDraft } from "./visitDraft.js";
import { visitDaysJson, visitDecisionJson } from "./visitDecision.js";

export const DECISIONS_PER_AUDIT_ENTRY = 1000;

export class VisitWriter {
  private readonly insertVisit;
  private readonly audit: AuditAppender;
  private seq = 0;
  private runId = 0;
  private decisions = "";
  private batchCount = 0;
  private batchFirst = "";

  constructor(private readonly db: EvvDatabase) {
    this.insertVisit = db.prepare(
      `INSERT INTO visits (visit_seq, visit_id, run_id, provider_number, client_nd_number, authorization_id, procedure_code, check_in_reading, check_out_reading,
         device_id, begin_ms, end_ms, time_zone, presence_in, presence_out, status, units, reasons, tasks, days)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.audit = new AuditAppender(db);
  }

  begin(settings: VerifierSettings): number {
    this.db.exec("DELETE FROM visits; DROP INDEX IF EXISTS visits_by_id; DROP INDEX IF EXISTS visits_by_begin;");
    this.runId = Number(
      this.db.prepare("INSERT INTO verify_runs (started_at, settings, visits, audit_head) VALUES (?, ?, 0, '')").run(new Date().toISOString(), canonicalJson(settings)).lastInsertRowid,
    );
    this.audit.append("verify.run", String(this.runId), { runId: this.runId, settings });
    return this.runId;
  }

  write(v: VisitDraft): void {
    const seq = ++this.seq;
    const days = visitDaysJson(v);
    this.insertVisit.run(
      seq,
      v.visitId,
      this.runId,
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
      JSON.stringify(v.reasons),
      JSON.stringify(v.tasks),
      days,
    );
    if (this.batchCount === 0) this.batchFirst = v.visitId;
    this.decisions += (this.batchCount === 0 ? "" : ",") + visitDecisionJson(this.runId, v, days);
    if (++this.batchCount === DECISIONS_PER_AUDIT_ENTRY) this.flushDecisions();
  }

  finish(visits: number): void {
    this.flushDecisions();
    this.db.exec("CREATE UNIQUE INDEX visits_by_id ON visits(visit_id); CREATE INDEX visits_by_begin ON visits(begin_ms);");
    this.db.prepare("UPDATE verify_runs SET visits = ?, audit_head = ? WHERE run_id = ?").run(visits, this.audit.headHash, this.runId);
  }

  get auditHead(): string {
    return this.audit.headHash;
  }

  /** One chained entry: {"decisions":[...],"run":N}, canonical (the decisions are canonical and the keys sorted). */
  private flushDecisions(): void {
    if (this.batchCount === 0) return;
    this.audit.appendCanonical("visit.decisions", `run ${this.runId} from ${this.batchFirst}`, '{"decisions":[' + this.decisions + '],"run":' + this.runId + "}");
    this.decisions = "";
    this.batchCount = 0;
  }
}
