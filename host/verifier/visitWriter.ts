// Writes a verification run: replaces the derived visits table (bulk load, indexes rebuilt at the
// end) with one row per visit (its days in the row), and appends the run's decisions to the
// hash-chained audit log, DECISIONS_PER_AUDIT_ENTRY canonical decisions per `visit.decisions`
// entry: every decision is in the log, and editing any one of them breaks that entry's hash.
import type { EvvDatabase } from "../storage/database.js";
import { AuditAppender } from "../storage/auditLog.js";
import { canonicalJson } from "../storage/canonicalJson.js";
import type { VerifierSettings } from "./settings.js";
import type { SliceOutcome } from "./sliceVerifier.js";
import { VISIT_RECORD_COLUMNS, VISIT_RECORD_WIDTH } from "./visitRecord.js";
import { decisionsEntryJson } from "./visitDecision.js";

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
    this.insertVisit = db.prepare(`INSERT INTO visits (visit_seq, run_id, ${VISIT_RECORD_COLUMNS}) VALUES (${"?, ".repeat(VISIT_RECORD_WIDTH + 1)}?)`);
    this.audit = new AuditAppender(db);
  }

  /** Starts the run (takes the database's write lock) and returns its id. */
  begin(settings: VerifierSettings): number {
    this.db.exec("DELETE FROM visits; DROP INDEX IF EXISTS visits_by_id; DROP INDEX IF EXISTS visits_by_begin;");
    this.runId = Number(
      this.db.prepare("INSERT INTO verify_runs (started_at, settings, visits, audit_head) VALUES (?, ?, 0, '')").run(new Date().toISOString(), canonicalJson(settings)).lastInsertRowid,
    );
    this.audit.append("verify.run", String(this.runId), { runId: this.runId, settings });
    return this.runId;
  }

  /** Writes a slice's visits in order; returns how many. */
  writeSlice(outcome: SliceOutcome): number {
    const values = outcome.records;
    const n = outcome.decisions.length;
    const insert = this.insertVisit;
    const runId = this.runId;
    for (let i = 0, o = 0; i < n; i++, o += VISIT_RECORD_WIDTH) {
      insert.run(
        ++this.seq, runId,
        values[o], values[o + 1], values[o + 2], values[o + 3], values[o + 4], values[o + 5], values[o + 6], values[o + 7], values[o + 8],
        values[o + 9], values[o + 10], values[o + 11], values[o + 12], values[o + 13], values[o + 14], values[o + 15], values[o + 16], values[o + 17],
      );
      if (this.batchCount === 0) this.batchFirst = values[o] as string;
      this.decisions += (this.batchCount === 0 ? "" : ",") + outcome.decisions[i];
      if (++this.batchCount === DECISIONS_PER_AUDIT_ENTRY) this.flushDecisions();
    }
    return n;
  }

  finish(visits: number): void {
    this.flushDecisions();
    this.db.exec("CREATE UNIQUE INDEX visits_by_id ON visits(visit_id); CREATE INDEX visits_by_begin ON visits(begin_ms);");
    this.db.prepare("UPDATE verify_runs SET visits = ?, audit_head = ? WHERE run_id = ?").run(visits, this.audit.headHash, this.runId);
  }

  get auditHead(): string {
    return this.audit.headHash;
  }

  /** One chained entry (visitDecision.ts): the header, the decision rows and the run, canonical. */
  private flushDecisions(): void {
    if (this.batchCount === 0) return;
    this.audit.appendCanonical("visit.decisions", `run ${this.runId} from ${this.batchFirst}`, decisionsEntryJson(this.runId, this.decisions));
    this.decisions = "";
    this.batchCount = 0;
  }
}
