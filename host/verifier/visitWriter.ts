// Writes a verification run: replaces the derived visits table (bulk load, indexes rebuilt at the
// end) with one row per visit (its days in the row), and appends the run's decisions to the
// hash-chained audit log, DECISIONS_PER_AUDIT_ENTRY canonical decisions per `visit.decisions`
// entry: every decision is in the log, and editing any one of them breaks that entry's hash.
import type { EvvDatabase } from "../storage/database.js";
import { AuditAppender } from "../storage/auditLog.js";
import { canonicalJson } from "../storage/canonicalJson.js";
import type { VerifierSettings } from "./settings.js";
import type { SliceOutcome } from "./sliceVerifier.js";
import { VISIT_RECORD_COLUMNS, VISIT_RECORD_WIDTH, type RecordValue } from "./visitRecord.js";
import { decisionsEntryJson } from "./visitDecision.js";

export const DECISIONS_PER_AUDIT_ENTRY = 1000;
/** Visit rows per INSERT statement: one statement of many rows costs about a quarter less per row than one row per statement. */
const ROWS_PER_INSERT = 32;
/** Values bound per visit row: its sequence number, the run, and the record. */
const ROW_VALUES = VISIT_RECORD_WIDTH + 2;

export class VisitWriter {
  private readonly insertVisit;
  private readonly insertVisits;
  /** Values of the rows not yet inserted (fewer than ROWS_PER_INSERT rows). */
  private readonly pendingRows: RecordValue[] = [];
  private readonly audit: AuditAppender;
  private seq = 0;
  private runId = 0;
  private decisions = "";
  private batchCount = 0;
  private batchFirst = "";

  constructor(private readonly db: EvvDatabase) {
    const row = `(${"?, ".repeat(ROW_VALUES - 1)}?)`;
    this.insertVisit = db.prepare(`INSERT INTO visits (visit_seq, run_id, ${VISIT_RECORD_COLUMNS}) VALUES ${row}`);
    this.insertVisits = db.prepare(`INSERT INTO visits (visit_seq, run_id, ${VISIT_RECORD_COLUMNS}) VALUES ${new Array(ROWS_PER_INSERT).fill(row).join(", ")}`);
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
    const pending = this.pendingRows;
    const runId = this.runId;
    for (let i = 0, o = 0; i < n; i++, o += VISIT_RECORD_WIDTH) {
      pending.push(++this.seq, runId);
      for (let k = 0; k < VISIT_RECORD_WIDTH; k++) pending.push(values[o + k]);
      if (pending.length === ROWS_PER_INSERT * ROW_VALUES) {
        this.insertVisits.run(pending);
        pending.length = 0;
      }
      if (this.batchCount === 0) this.batchFirst = values[o] as string;
      this.decisions += (this.batchCount === 0 ? "" : ",") + outcome.decisions[i];
      if (++this.batchCount === DECISIONS_PER_AUDIT_ENTRY) this.flushDecisions();
    }
    return n;
  }

  finish(visits: number): void {
    const pending = this.pendingRows;
    for (let o = 0; o < pending.length; o += ROW_VALUES) this.insertVisit.run(pending.slice(o, o + ROW_VALUES));
    pending.length = 0;
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
