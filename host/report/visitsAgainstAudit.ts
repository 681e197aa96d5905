// Does the visits table still say what the audit log says the last run decided? The chain check
// (verifyAuditChain) proves the log unedited; this proves the derived table agrees with it,
// visit by visit and in order: an edit to a visit row (its status, units, days or anything the
// decision records) is found here, because the audit log holds the decision as it was made.
import type { EvvDatabase } from "../storage/database.js";
import type { StoredVisitRow } from "../storage/storedVisitRow.js";
import { decisionsOfEntry, type VisitDecision } from "../verifier/visitDecision.js";

export interface VisitsAuditCheck {
  /** The last completed run, or null when nothing has been verified. */
  runId: number | null;
  visits: number;
  decisions: number;
  ok: boolean;
  /** The first few disagreements, in words. */
  problems: string[];
}

const MAX_PROBLEMS = 10;
const PROGRESS_EVERY = 10_000;

/** The columns a decision records. */
type VisitRow = Pick<
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

/** `onProgress(visitsChecked, visitsOfTheRun)` every PROGRESS_EVERY visits (a bar on a large run). */
export function checkVisitsAgainstAudit(db: EvvDatabase, onProgress: (done: number, total: number) => void = () => {}): VisitsAuditCheck {
  const run = db.prepare("SELECT run_id, visits FROM verify_runs WHERE audit_head != '' ORDER BY run_id DESC LIMIT 1").get() as { run_id: number; visits: number } | undefined;
  if (!run) return { runId: null, visits: 0, decisions: 0, ok: true, problems: [] };
  const problems: string[] = [];
  const note = (text: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(text);
  };
  // Entries of the run: subjects start "run <id>:" (or "run <id> from", as written before entries were per slice).
  const entries = db
    .prepare("SELECT body FROM audit_log WHERE kind = 'visit.decisions' AND (subject LIKE ? OR subject LIKE ?) ORDER BY seq")
    .all(`run ${run.run_id}:%`, `run ${run.run_id} from %`) as { body: string | Uint8Array }[];
  const rows = db
    .prepare("SELECT visit_id, check_in_reading, check_out_reading, provider_number, client_nd_number, authorization_id, device_id, begin_ms, end_ms, days, reasons, status, units FROM visits ORDER BY visit_seq")
    .iterate() as IterableIterator<VisitRow>;
  let visits = 0;
  let decisions = 0;
  let entry: VisitDecision[] = [];
  let inEntry = 0;
  let nextEntry = 0;
  const nextDecision = (): VisitDecision | null => {
    while (inEntry >= entry.length) {
      if (nextEntry >= entries.length) return null;
      entry = decisionsOfEntry(entries[nextEntry++].body).filter((d) => d.run === run.run_id);
      inEntry = 0;
    }
    decisions++;
    return entry[inEntry++];
  };
  for (const row of rows) {
    visits++;
    if (visits % PROGRESS_EVERY === 0) onProgress(visits, run.visits);
    const decision = nextDecision();
    if (!decision) {
      note(`visit ${row.visit_id} (number ${visits}) has no logged decision`);
      continue;
    }
    const diff = differences(row, decision);
    if (diff.length > 0) note(`visit ${row.visit_id} (number ${visits}): ${diff.join("; ")}`);
  }
  while (nextDecision()) note(`logged decision ${decisions} has no visit row`);
  if (visits !== run.visits) note(`run ${run.run_id} recorded ${run.visits} visits; the visits table holds ${visits}`);
  return { runId: run.run_id, visits, decisions, ok: problems.length === 0, problems };
}
