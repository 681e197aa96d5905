// Writes a verification run: a full run replaces the derived visits table (bulk load, indexes
// rebuilt at the end), an incremental run replaces the visits of the pairs it re-verified (a
// whole pair's rows deleted by their visit_seq ranges, a windowed pair's from its cut on by visit
// ID; the new rows appended after the highest visit_seq ever given); one
// row per visit (its days in the row), and appends the run's decisions to the hash-chained audit
// log, one `visit.decisions` entry per slice (built and deflated where the slice was verified,
// visitDecision.ts): every decision is in the log, and editing any one of them breaks that
// entry's hash. The run's `verify.run` entry says what it replaced whole (runPlan.ts), and its
// `verify.windows` entry what its windows replaced; `verify_units` keeps each authorization span's
// units accumulator at the end of every week, for the next run's windows.
import type { EvvDatabase } from "../storage/database.js";
import { AuditAppender } from "../storage/auditLog.js";
import { canonicalJson } from "../storage/canonicalJson.js";
import type { VerifierSettings } from "./settings.js";
import type { PairOutcome, SliceOutcome } from "./sliceVerifier.js";
import type { RunPlan } from "./runPlan.js";
import { storeInputDigests } from "./inputDigests.js";
import { VERIFIER_RULES_VERSION } from "./rulesVersion.js";
import { RECORD_CLIENT, RECORD_PROVIDER, RECORD_RUN, RECORD_SEQ, VISIT_RECORD_COLUMNS, VISIT_RECORD_WIDTH, type RecordValue } from "./visitRecord.js";

/** Visit rows per INSERT statement: one statement of many rows costs about a quarter less per row than one row per statement. */
const ROWS_PER_INSERT = 32;

export class VisitWriter {
  private readonly insertVisit;
  private readonly insertVisits;
  private readonly insertUnits;
  private readonly insertUnitsBlock;
  private readonly deleteVisitById;
  private readonly deleteUnitsFrom;
  /** Values of the rows not yet inserted (fewer than ROWS_PER_INSERT rows). */
  private readonly pendingRows: RecordValue[] = [];
  private readonly audit: AuditAppender;
  private seq = 0;
  private runId = 0;
  private plan: RunPlan | null = null;
  /** Visits the run deleted (an incremental run's replaced pairs and windows). */
  replacedVisits = 0;
  /** visit_seq range of each pair's visits written by this run ("provider|client" → [first, last]). */
  private readonly pairRanges = new Map<string, [number, number]>();
  private lastProvider: unknown = null;
  private lastClient: unknown = null;
  private lastRange: [number, number] = [0, 0];
  /** What each pair verified records for the next run, in order. */
  private readonly pairOutcomes: PairOutcome[] = [];
  /** Windowed pairs' deleted visit numbers ("provider|client" → visit_seq, ascending per slice). */
  private readonly windowDeleted = new Map<string, number[]>();

  constructor(private readonly db: EvvDatabase) {
    const row = `(${"?, ".repeat(VISIT_RECORD_WIDTH - 1)}?)`;
    this.insertVisit = db.prepare(`INSERT INTO visits (${VISIT_RECORD_COLUMNS}) VALUES ${row}`);
    this.insertVisits = db.prepare(`INSERT INTO visits (${VISIT_RECORD_COLUMNS}) VALUES ${new Array(ROWS_PER_INSERT).fill(row).join(", ")}`);
    const unitsInsert = "INSERT INTO verify_units (provider_number, client_nd_number, authorization_id, span, week, total, by_category, days) VALUES ";
    this.insertUnits = db.prepare(unitsInsert + "(?, ?, ?, ?, ?, ?, ?, ?)");
    this.insertUnitsBlock = db.prepare(unitsInsert + new Array(ROWS_PER_INSERT).fill("(?, ?, ?, ?, ?, ?, ?, ?)").join(", "));
    this.deleteVisitById = db.prepare("DELETE FROM visits WHERE visit_id = ? RETURNING visit_seq").pluck();
    this.deleteUnitsFrom = db.prepare("DELETE FROM verify_units WHERE provider_number = ? AND client_nd_number = ? AND week >= ?");
    this.audit = new AuditAppender(db);
  }

  /** Starts the run (takes the database's write lock) and returns its id. */
  begin(settings: VerifierSettings, plan: RunPlan): number {
    this.plan = plan;
    if (plan.mode === "full") this.db.exec("DELETE FROM visits; DROP INDEX IF EXISTS visits_by_id; DROP INDEX IF EXISTS visits_by_begin; DELETE FROM verify_units;");
    else {
      // Visit numbers are never given twice (evv report audit finds a run's visits by number).
      const highest = this.db.prepare("SELECT max(s) AS s FROM (SELECT max(visit_seq) AS s FROM visits UNION ALL SELECT max(last_visit_seq) AS s FROM verify_runs) AS h").get() as { s: number | null };
      this.seq = highest.s ?? 0;
      // The pairs of components verified whole: every visit, by the visit_seq ranges of the pair.
      const remove = this.db.prepare("DELETE FROM visits WHERE visit_seq BETWEEN ? AND ?");
      const removeUnits = this.db.prepare("DELETE FROM verify_units WHERE provider_number = ? AND client_nd_number = ?");
      for (const [key, s] of plan.replaced) {
        for (const [first, last] of s.ranges) this.replacedVisits += remove.run(first, last).changes;
        const [p, c] = key.split("|");
        removeUnits.run(p, c);
      }
    }
    this.runId = Number(
      this.db
        .prepare("INSERT INTO verify_runs (started_at, settings, visits, audit_head, mode, received_through, rules_version) VALUES (?, ?, 0, '', ?, ?, ?)")
        .run(new Date().toISOString(), canonicalJson(settings), plan.mode, plan.receivedThrough, VERIFIER_RULES_VERSION).lastInsertRowid,
    );
    if (plan.mode === "full") this.audit.append("verify.run", String(this.runId), { runId: this.runId, settings, firstVisitSeq: 1 });
    else
      this.audit.append("verify.run", String(this.runId), {
        runId: this.runId,
        settings,
        firstVisitSeq: this.seq + 1,
        incremental: {
          readingsAfter: plan.receivedAfter,
          readingsThrough: plan.receivedThrough,
          replacedPairs: [...plan.replaced.keys()].map((k) => k.split("|")),
          replacedVisits: this.replacedVisits,
        },
      });
    return this.runId;
  }

  /** Writes a slice's visits in order (numbering them), after deleting the stored visits its windows replace; returns how many. */
  writeSlice(outcome: SliceOutcome): number {
    for (const pair of outcome.pairs) {
      this.pairOutcomes.push(pair);
      if (!pair.window) continue;
      const deleted: number[] = [];
      for (const id of pair.window.replacesVisitIds) {
        const seq = this.deleteVisitById.get(id) as number | undefined;
        if (seq !== undefined) deleted.push(seq);
      }
      this.replacedVisits += deleted.length;
      if (deleted.length > 0) this.windowDeleted.set(pair.provider + "|" + pair.client, deleted.sort((a, b) => a - b));
      if (pair.window.fromWeek !== null) this.deleteUnitsFrom.run(pair.provider, pair.client, pair.window.fromWeek);
    }
    const units = outcome.unitsWeeks;
    let u = 0;
    for (; u + ROWS_PER_INSERT <= units.length; u += ROWS_PER_INSERT) this.insertUnitsBlock.run(units.slice(u, u + ROWS_PER_INSERT).flat());
    for (; u < units.length; u++) this.insertUnits.run(units[u]);
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
      "INSERT INTO verify_pairs (provider_number, client_nd_number, readings, first_visit_seq, last_visit_seq, visit_ranges, lead_ms, caregivers, typed_failures) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) " +
        "ON CONFLICT (provider_number, client_nd_number) DO UPDATE SET readings = excluded.readings, first_visit_seq = excluded.first_visit_seq, last_visit_seq = excluded.last_visit_seq, " +
        "visit_ranges = excluded.visit_ranges, lead_ms = excluded.lead_ms, caregivers = excluded.caregivers, typed_failures = excluded.typed_failures",
    );
    const anyIn = this.db.prepare("SELECT 1 FROM visits WHERE visit_seq BETWEEN ? AND ? LIMIT 1").pluck();
    const windows: [string, string, number, [number, number][]][] = [];
    for (const pair of this.pairOutcomes) {
      const key = pair.provider + "|" + pair.client;
      const ranges: [number, number][] = [];
      if (pair.window) {
        // The stored ranges, less those the window emptied.
        const deleted = this.windowDeleted.get(key) ?? [];
        for (const range of plan.windowed.get(key)?.ranges ?? []) {
          const hit = deleted.some((seq) => seq >= range[0] && seq <= range[1]);
          if (!hit || anyIn.get(range[0], range[1]) !== undefined) ranges.push(range);
        }
        if (pair.window.fromMs !== null) windows.push([pair.provider, pair.client, pair.window.fromMs, rangesOf(deleted)]);
      }
      const written = this.pairRanges.get(key);
      if (written) ranges.push(written);
      const failures = (pair.window ? (plan.windowed.get(key)?.typedFailures ?? 0) : 0) + pair.typedFailures;
      savePair.run(
        pair.provider,
        pair.client,
        plan.readingsOfPair.get(key) ?? 0,
        ranges.length > 0 ? ranges[0][0] : null,
        ranges.length > 0 ? ranges[ranges.length - 1][1] : null,
        JSON.stringify(ranges),
        pair.leadMs,
        JSON.stringify(pair.caregivers),
        failures,
      );
    }
    if (windows.length > 0) this.audit.append("verify.windows", String(this.runId), { runId: this.runId, windows });
    storeInputDigests(this.db, plan.digestsBefore, plan.digestsNow);
    const stored = plan.mode === "full" ? visits : plan.visitsBefore - this.replacedVisits + visits;
    this.db.prepare("UPDATE verify_runs SET visits = ?, audit_head = ?, last_visit_seq = ? WHERE run_id = ?").run(stored, this.audit.headHash, this.seq, this.runId);
    return stored;
  }

  get auditHead(): string {
    return this.audit.headHash;
  }
}

/** Ascending numbers as [first, last] ranges of consecutive ones. */
function rangesOf(sorted: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const n of sorted) {
    const last = out[out.length - 1];
    if (last && n === last[1] + 1) last[1] = n;
    else out.push([n, n]);
  }
  return out;
}
