// Writes a verification run: a full run replaces the derived visits table (bulk load, indexes
// rebuilt at the end), an incremental run replaces the visits of the pairs it re-verified (their
// rows deleted by their visit_seq ranges, the new rows appended after the highest visit_seq); one
// row per visit (its days in the row), and appends the run's decisions to the hash-chained audit
// log, one `visit.decisions` entry per slice (built and deflated where the slice was verified,
// visitDecision.ts): every decision is in the log, and editing any one of them breaks that
// entry's hash. The run's `verify.run` entry says what it replaced (runPlan.ts).
import type { EvvDatabase } from "../storage/database.js";
import { AuditAppender } from "../storage/auditLog.js";
import { canonicalJson } from "../storage/canonicalJson.js";
import type { VerifierSettings } from "./settings.js";
import type { SliceOutcome } from "./sliceVerifier.js";
import type { RunPlan } from "./runPlan.js";
import { storeInputDigests } from "./inputDigests.js";
import { VERIFIER_RULES_VERSION } from "./rulesVersion.js";
import { RECORD_CLIENT, RECORD_PROVIDER, RECORD_RUN, RECORD_SEQ, VISIT_RECORD_COLUMNS, VISIT_RECORD_WIDTH, type RecordValue } from "./visitRecord.js";

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
  private plan: RunPlan | null = null;
  /** Visits the run deleted (an incremental run's replaced pairs). */
  replacedVisits = 0;
  /** visit_seq range of each pair's visits written by this run ("provider|client" → [first, last]). */
  private readonly pairRanges = new Map<string, [number, number]>();
  private lastProvider: unknown = null;
  private lastClient: unknown = null;
  private lastRange: [number, number] = [0, 0];

  constructor(private readonly db: EvvDatabase) {
    const row = `(${"?, ".repeat(VISIT_RECORD_WIDTH - 1)}?)`;
    this.insertVisit = db.prepare(`INSERT INTO visits (${VISIT_RECORD_COLUMNS}) VALUES ${row}`);
    this.insertVisits = db.prepare(`INSERT INTO visits (${VISIT_RECORD_COLUMNS}) VALUES ${new Array(ROWS_PER_INSERT).fill(row).join(", ")}`);
    this.audit = new AuditAppender(db);
  }

  /** Starts the run (takes the database's write lock) and returns its id. */
  begin(settings: VerifierSettings, plan: RunPlan): number {
    this.plan = plan;
    if (plan.mode === "full") this.db.exec("DELETE FROM visits; DROP INDEX IF EXISTS visits_by_id; DROP INDEX IF EXISTS visits_by_begin;");
    else {
      // A pair's visits are written together, so its stored visits are one visit_seq range.
      const remove = this.db.prepare("DELETE FROM visits WHERE visit_seq BETWEEN ? AND ?");
      for (const s of plan.replaced.values()) if (s.firstVisitSeq !== null && s.lastVisitSeq !== null) this.replacedVisits += remove.run(s.firstVisitSeq, s.lastVisitSeq).changes;
      this.seq = (this.db.prepare("SELECT coalesce(max(visit_seq), 0) AS s FROM visits").get() as { s: number }).s;
    }
    this.runId = Number(
      this.db
        .prepare("INSERT INTO verify_runs (started_at, settings, visits, audit_head, mode, received_through, rules_version) VALUES (?, ?, 0, '', ?, ?, ?)")
        .run(new Date().toISOString(), canonicalJson(settings), plan.mode, plan.receivedThrough, VERIFIER_RULES_VERSION).lastInsertRowid,
    );
    if (plan.mode === "full") this.audit.append("verify.run", String(this.runId), { runId: this.runId, settings });
    else
      this.audit.append("verify.run", String(this.runId), {
        runId: this.runId,
        settings,
        incremental: {
          readingsAfter: plan.receivedAfter,
          readingsThrough: plan.receivedThrough,
          replacedPairs: [...plan.replaced.keys()].map((k) => k.split("|")),
          replacedVisits: this.replacedVisits,
        },
      });
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
      if (values[o + RECORD_PROVIDER] !== this.lastProvider || values[o + RECORD_CLIENT] !== this.lastClient) {
        this.lastProvider = values[o + RECORD_PROVIDER];
        this.lastClient = values[o + RECORD_CLIENT];
        this.lastRange = [this.seq, this.seq];
        this.pairRanges.set(`${this.lastProvider}|${this.lastClient}`, this.lastRange);
      } else this.lastRange[1] = this.seq;
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

  /** Ends the run: indexes (full run), the run's row, and what the next run compares with (runPlan.ts). Returns the visits stored. */
  finish(visits: number): number {
    const plan = this.plan!;
    const pending = this.pendingRows;
    for (let o = 0; o < pending.length; o += VISIT_RECORD_WIDTH) this.insertVisit.run(pending.slice(o, o + VISIT_RECORD_WIDTH));
    pending.length = 0;
    if (plan.mode === "full") this.db.exec("CREATE UNIQUE INDEX visits_by_id ON visits(visit_id); CREATE INDEX visits_by_begin ON visits(begin_ms);");
    if (plan.mode === "full") this.db.exec("DELETE FROM verify_pairs");
    const savePair = this.db.prepare(
      "INSERT INTO verify_pairs (provider_number, client_nd_number, readings, first_visit_seq, last_visit_seq) VALUES (?, ?, ?, ?, ?) " +
        "ON CONFLICT (provider_number, client_nd_number) DO UPDATE SET readings = excluded.readings, first_visit_seq = excluded.first_visit_seq, last_visit_seq = excluded.last_visit_seq",
    );
    for (const component of plan.components)
      for (const [p, c] of component) {
        const key = p + "|" + c;
        const range = this.pairRanges.get(key);
        savePair.run(p, c, plan.readingsOfPair.get(key) ?? 0, range?.[0] ?? null, range?.[1] ?? null);
      }
    storeInputDigests(this.db, plan.digestsBefore, plan.digestsNow);
    const stored = plan.mode === "full" ? visits : plan.visitsBefore - this.replacedVisits + visits;
    this.db.prepare("UPDATE verify_runs SET visits = ?, audit_head = ? WHERE run_id = ?").run(stored, this.audit.headHash, this.runId);
    return stored;
  }

  get auditHead(): string {
    return this.audit.headHash;
  }
}
