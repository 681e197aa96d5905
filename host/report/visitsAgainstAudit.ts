// Does the visits table still say what the audit log says the last run decided? The chain check
// (verifyAuditChain) proves the log unedited; this proves the derived table agrees with it,
// visit by visit and in order: an edit to a visit row (its status, units, days or anything the
// decision records) is found here, because the audit log holds the decision as it was made.
import type { EvvDatabase } from "../storage/database.js";
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

interface VisitRow {
  visit_id: string;
  check_in_reading: string | null;
  check_out_reading: string | null;
  provider_number: string;
  client_nd_number: string;
  authorization_id: string | null;
  device_id: string | null;
  begin_ms: number | null;
  end_ms: number | null;
  days: string;
  reasons: string;
  status: string;
  units: number;
}

/** The row as the decision writes it (reasons as "CODE: detail" strings, days as arrays). */
function rowAsDecision(row: VisitRow): Omit<VisitDecision, "run"> {
  const reasons = (JSON.parse(row.reasons) as { code: string; detail?: string }[]).map((r) => (r.detail ? `${r.code}: ${r.detail}` : r.code));
  return {
    visit: row.visit_id,
    checkIn: row.check_in_reading,
    checkOut: row.check_out_reading,
    provider: row.provider_number,
    client: row.client_nd_number,
    authorization: row.authorization_id,
    device: row.device_id,
    begin: row.begin_ms,
    end: row.end_ms,
    days: JSON.parse(row.days) as VisitDecision["days"],
    reasons,
    status: row.status,
    units: row.units,
  };
}

function differences(row: Omit<VisitDecision, "run">, decision: VisitDecision): string[] {
  const out: string[] = [];
  for (const key of Object.keys(row) as (keyof typeof row)[]) {
    const [stored, logged] = [JSON.stringify(row[key]), JSON.stringify(decision[key])];
    if (stored !== logged) out.push(`${key} ${stored}, logged ${logged}`);
  }
  return out;
}

export function checkVisitsAgainstAudit(db: EvvDatabase): VisitsAuditCheck {
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
    const decision = nextDecision();
    if (!decision) {
      note(`visit ${row.visit_id} (number ${visits}) has no logged decision`);
      continue;
    }
    const diff = differences(rowAsDecision(row), decision);
    if (diff.length > 0) note(`visit ${row.visit_id} (number ${visits}): ${diff.join("; ")}`);
  }
  while (nextDecision()) note(`logged decision ${decisions} has no visit row`);
  if (visits !== run.visits) note(`run ${run.run_id} recorded ${run.visits} visits; the visits table holds ${visits}`);
  return { runId: run.run_id, visits, decisions, ok: problems.length === 0, problems };
}
