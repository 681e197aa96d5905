// Writes a verification run: replaces the derived visits table (bulk load, indexes rebuilt at the
// end) with one row per visit (its days in the row), and appends the run's decisions to the
// hash-chained audit log, one `visit.decisions` entry per slice (built and deflated where the
// slice was verified, visitDecision.ts): every decision is in the log, and editing any one of
// them breaks that entry's hash.
import type { EvvDatabase } from "../storage/database.js";
import { AuditAppender } from "../storage/auditLog.js";
import { canonicalJson } from "../storage/canonicalJson.js";
import type { VerifierSettings } from "./settings.js";
import type { SliceOutcome } from "./sliceVerifier.js";
import { RECORD_RUN, RECORD_SEQ, VISIT_RECORD_COLUMNS, VISIT_RECORD_WIDTH, type RecordValue } from "./visitRecord.js";

/** Visit rows per INSERT statement: one statement of many rows costs about a quarter less per row than one row per statement. */
const ROWS_PER_INSERT = 32;

export class VisitWriter {
  private readonly insertVisit;
  private readonly insertVisits;
  /** Values of the rows not yet inserted (fewer than ROWS_PER_INSERT rows). */
  private readonly pendingRows: RecordValue[] = [];
  private readonly audit: AuditAppender;
  private seq = 0;
  private runId = 0;

  constructor(private readonly db: EvvDatabase) {
    const row = `(${"?, ".repeat(VISIT_RECORD_WIDTH - 1)}?)`;
    this.insertVisit = db.prepare(`INSERT INTO visits (${VISIT_RECORD_COLUMNS}) VALUES ${row}`);
    this.insertVisits = db.prepare(`INSERT INTO visits (${VISIT_RECORD_COLUMNS}) VALUES ${new Array(ROWS_PER_INSERT).fill(row).join(", ")}`);
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

  /** Writes a slice's visits in order (numbering them); returns how many. */
  writeSlice(outcome: SliceOutcome): number {
    const values = outcome.records;
    const n = outcome.visits;
    const block = ROWS_PER_INSERT * VISIT_RECORD_WIDTH;
    for (let i = 0, o = 0; i < n; i++, o += VISIT_RECORD_WIDTH) {
      values[o + RECORD_SEQ] = ++this.seq;
      values[o + RECORD_RUN] = this.runId;
    }
    if (outcome.auditEntry) this.audit.appendCanonical("visit.decisions", `run ${this.runId}: ${n} decisions from ${outcome.auditEntry.firstVisit}`, outcome.auditEntry.body);
    // Rows left over from the last slice first, topped up to a whole block from this one.
    let o = 0;
    const pending = this.pendingRows;
    if (pending.length > 0) {
      while (pending.length < block && o < values.length) pending.push(values[o++]);
      if (pending.length < block) return n;
      this.insertVisits.run(pending);
      pending.length = 0;
    }
    for (; o + block <= values.length; o += block) this.insertVisits.run(values.slice(o, o + block));
    while (o < values.length) pending.push(values[o++]);
    return n;
  }

  finish(visits: number): void {
    const pending = this.pendingRows;
    for (let o = 0; o < pending.length; o += VISIT_RECORD_WIDTH) this.insertVisit.run(pending.slice(o, o + VISIT_RECORD_WIDTH));
    pending.length = 0;
    this.db.exec("CREATE UNIQUE INDEX visits_by_id ON visits(visit_id); CREATE INDEX visits_by_begin ON visits(begin_ms);");
    this.db.prepare("UPDATE verify_runs SET visits = ?, audit_head = ? WHERE run_id = ?").run(visits, this.audit.headHash, this.runId);
  }

  get auditHead(): string {
    return this.audit.headHash;
  }
}
