// Does the visits table still say what the audit log says the runs decided? The chain check
// (verifyAuditChain) proves the log unedited; this proves the derived table agrees with it,
// visit by visit and in order: an edit to a visit row (its status, units, days or anything the
// decision records) is found here, because the audit log holds the decision as it was made.
// The table holds the last full run's visits and those of the incremental runs after it: each
// stored visit is checked against its own run's decision, found by its number (a run's
// `verify.run` entry gives the number of its first visit, and its decisions are logged in the
// order of its numbers), and a decision whose visit is gone must belong to a provider–client
// pair that a later run says (in its `verify.run` entry) it replaced, or carry a number that a
// later run says (in its `verify.windows` entry) it replaced from a cut on.
import type { EvvDatabase } from "../storage/database.js";
import type { StoredVisitRow } from "../storage/storedVisitRow.js";
import { decisionsOfEntry, type VisitDecision } from "../verifier/visitDecision.js";

export interface VisitsAuditCheck {
  /** The last completed run, or null when nothing has been verified. */
  runId: number | null;
  /** The runs whose decisions the stored visits carry: the last full run and the incremental runs after it. */
  runs: number[];
  visits: number;
  decisions: number;
  ok: boolean;
  /** The first few disagreements, in words. */
  problems: string[];
}

const MAX_PROBLEMS = 10;
const PROGRESS_EVERY = 10_000;

/** The columns a decision records. */
type VisitRow = { run_id: number; visit_seq: number } & Pick<
  StoredVisitRow,
  "visit_id" | "check_in_reading" | "check_out_reading" | "provider_number" | "client_nd_number" | "authorization_id" | "device_id" | "begin_ms" | "end_ms" | "days" | "reasons" | "status" | "units"
>;

/** The row's reasons as the decision writes them ("CODE: detail"). */
function reasonsOfRow(reasonsJson: string): string[] {
  if (reasonsJson === "[]") return [];
  return (JSON.parse(reasonsJson) as { code: string; detail?: string }[]).map((r) => (r.detail ? `${r.code}: ${r.detail}` : r.code));
}

/** Where the row and its logged decision differ, in words (empty when they agree). */
function differences(row: VisitRow, decision: VisitDecision): string[] {
  const out: string[] = [];
  const compare = (field: string, stored: unknown, logged: unknown) => {
    if (stored !== logged) out.push(`${field} ${JSON.stringify(stored)}, logged ${JSON.stringify(logged)}`);
  };
  compare("visit", row.visit_id, decision.visit);
  compare("checkIn", row.check_in_reading, decision.checkIn);
  compare("checkOut", row.check_out_reading, decision.checkOut);
  compare("provider", row.provider_number, decision.provider);
  compare("client", row.client_nd_number, decision.client);
  compare("authorization", row.authorization_id, decision.authorization);
  compare("device", row.device_id, decision.device);
  compare("begin", row.begin_ms, decision.begin);
  compare("end", row.end_ms, decision.end);
  // Both were written with JSON.stringify of the same arrays, so the texts agree exactly.
  compare("days", row.days, JSON.stringify(decision.days));
  compare("reasons", JSON.stringify(reasonsOfRow(row.reasons)), JSON.stringify(decision.reasons));
  compare("status", row.status, decision.status);
  compare("units", row.units, decision.units);
  return out;
}

interface RunEntry {
  /** The number of the run's first visit (null: a run logged before numbers were, matched in order). */
  firstVisitSeq: number | null;
  /** The provider–client pairs ("provider|client") an incremental run replaced whole. */
  replacedPairs: string[];
}

/** What a run's `verify.run` entry says. */
function runEntryOf(db: EvvDatabase, runId: number, full: boolean): RunEntry {
  const entry = db.prepare("SELECT body FROM audit_log WHERE kind = 'verify.run' AND subject = ? ORDER BY seq DESC LIMIT 1").get(String(runId)) as { body: string } | undefined;
  if (!entry) return { firstVisitSeq: full ? 1 : null, replacedPairs: [] };
  const body = JSON.parse(String(entry.body)) as { firstVisitSeq?: number; incremental?: { replacedPairs?: [string, string][] } };
  return { firstVisitSeq: body.firstVisitSeq ?? (full ? 1 : null), replacedPairs: (body.incremental?.replacedPairs ?? []).map(([p, c]) => p + "|" + c) };
}

/** The visit numbers the runs' `verify.windows` entries say they replaced, as sorted, merged [first, last] ranges. */
function windowReplacedSeqs(db: EvvDatabase, runs: readonly number[]): [number, number][] {
  const all: [number, number][] = [];
  const entryOf = db.prepare("SELECT body FROM audit_log WHERE kind = 'verify.windows' AND subject = ? ORDER BY seq");
  for (const runId of runs)
    for (const { body } of entryOf.all(String(runId)) as { body: string }[])
      for (const w of (JSON.parse(String(body)) as { windows: [string, string, number, [number, number][]][] }).windows) for (const r of w[3]) all.push(r);
  all.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of all) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

function inRanges(ranges: readonly [number, number][], n: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (n < ranges[mid][0]) hi = mid - 1;
    else if (n > ranges[mid][1]) lo = mid + 1;
    else return true;
  }
  return false;
}

/** `onProgress(visitsChecked, visitsStored)` every PROGRESS_EVERY visits (a bar on a large run). */
export function checkVisitsAgainstAudit(db: EvvDatabase, onProgress: (done: number, total: number) => void = () => {}): VisitsAuditCheck {
  const run = db.prepare("SELECT run_id, visits FROM verify_runs WHERE audit_head != '' ORDER BY run_id DESC LIMIT 1").get() as { run_id: number; visits: number } | undefined;
  if (!run) return { runId: null, runs: [], visits: 0, decisions: 0, ok: true, problems: [] };
  const lastFull = (db.prepare("SELECT max(run_id) AS r FROM verify_runs WHERE audit_head != '' AND mode = 'full'").get() as { r: number | null }).r ?? 0;
  const runs = (db.prepare("SELECT run_id FROM verify_runs WHERE audit_head != '' AND run_id >= ? ORDER BY run_id").raw().all(lastFull) as [number][]).map((r) => r[0]);
  const entries = runs.map((r) => runEntryOf(db, r, r === lastFull));
  // Pairs replaced after each run: a decision of run runs[i] for such a pair has no visit row any more.
  const replacedAfter: Set<string>[] = runs.map(() => new Set());
  for (let i = runs.length - 2; i >= 0; i--) {
    replacedAfter[i] = new Set(replacedAfter[i + 1]);
    for (const pair of entries[i + 1].replacedPairs) replacedAfter[i].add(pair);
  }
  // Numbers are never given twice, so a number a window replaced belongs to an earlier run's visit.
  const windowReplaced = windowReplacedSeqs(db, runs);
  const problems: string[] = [];
  const note = (text: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(text);
  };
  const entriesOf = db.prepare("SELECT body FROM audit_log WHERE kind = 'visit.decisions' AND (subject LIKE ? OR subject LIKE ?) ORDER BY seq");
  const rows = db
    .prepare(
      "SELECT visit_seq, run_id, visit_id, check_in_reading, check_out_reading, provider_number, client_nd_number, authorization_id, device_id, begin_ms, end_ms, days, reasons, status, units FROM visits ORDER BY visit_seq",
    )
    .iterate() as IterableIterator<VisitRow>;
  let visits = 0;
  let decisions = 0;
  let logged = 0;
  // The runs' live decisions in order, each with its visit number: a run's visits take numbers above every earlier run's.
  function* liveDecisions(): Generator<{ decision: VisitDecision; seq: number | null }> {
    for (let i = 0; i < runs.length; i++) {
      const runId = runs[i];
      let seq = entries[i].firstVisitSeq;
      for (const entry of entriesOf.all(`run ${runId}:%`, `run ${runId} from %`) as { body: string | Uint8Array }[])
        for (const d of decisionsOfEntry(entry.body)) {
          if (d.run !== runId) continue;
          logged++;
          const at = seq;
          if (seq !== null) seq++;
          if (replacedAfter[i].has(d.provider + "|" + d.client) || (at !== null && inRanges(windowReplaced, at))) continue;
          yield { decision: d, seq: at };
        }
    }
  }
  const live = liveDecisions();
  const nextDecision = () => {
    const next = live.next();
    if (next.done) return null;
    decisions++;
    return next.value;
  };
  const rowIterator = rows[Symbol.iterator]();
  const nextRow = (): VisitRow | null => {
    const next = rowIterator.next();
    if (next.done) return null;
    visits++;
    if (visits % PROGRESS_EVERY === 0) onProgress(visits, run.visits);
    return next.value;
  };
  let row = nextRow();
  let next = nextDecision();
  while (row || next) {
    if (row && (!next || (next.seq !== null && row.visit_seq < next.seq))) {
      note(`visit ${row.visit_id} (number ${row.visit_seq}) has no logged decision`);
      row = nextRow();
    } else if (next && (!row || (next.seq !== null && row.visit_seq > next.seq))) {
      note(`logged decision ${logged} has no visit row (visit ${next.decision.visit}${next.seq !== null ? `, number ${next.seq}` : ""})`);
      next = nextDecision();
    } else {
      const decision = next!.decision;
      const diff = differences(row!, decision);
      if (row!.run_id !== decision.run) diff.unshift(`run ${row!.run_id}, logged ${decision.run}`);
      if (diff.length > 0) note(`visit ${row!.visit_id} (number ${row!.visit_seq}): ${diff.join("; ")}`);
      row = nextRow();
      next = nextDecision();
    }
  }
  if (visits !== run.visits) note(`run ${run.run_id} recorded ${run.visits} visits; the visits table holds ${visits}`);
  return { runId: run.run_id, runs, visits, decisions, ok: problems.length === 0, problems };
}
