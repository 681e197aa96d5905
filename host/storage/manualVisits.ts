// Manual visit entries (host/domain/manualVisit.ts): stored with who made them and when, each one
// an audit-log entry, so every hand-made change to a visit is in the hash chain. The verifier
// applies them on its next run (host/verifier/manualVisits.ts).
import type { EvvDatabase } from "./database.js";
import { AuditAppender } from "./auditLog.js";
import { InputFileError } from "../domain/inputFile.js";
import type { ManualVisitEntry } from "../domain/manualVisit.js";

export type StoredManualEntry = {
  entryId: number;
  visitId: string;
  correctsVisit: string | null;
  providerNumber: string;
  clientNdNumber: string;
  caregiverId: string;
  begin: string | null;
  end: string | null;
  tasks: string[];
  reason: string;
  memo: string | null;
  enteredBy: string;
  enteredAt: string;
};

/** Stores one entry (refusing unknown providers, clients, caregivers and visits); returns it as stored. */
export function recordManualVisit(db: EvvDatabase, entry: ManualVisitEntry, enteredAt = new Date()): StoredManualEntry {
  const one = (sql: string, ...args: string[]) => db.prepare(sql).get(...args) !== undefined;
  if (!one("SELECT 1 FROM providers WHERE provider_number = ?", entry.providerNumber)) throw new InputFileError(`provider: no provider ${entry.providerNumber}`);
  if (!one("SELECT 1 FROM clients WHERE nd_number = ?", entry.clientNdNumber)) throw new InputFileError(`client: no client with ND number ${entry.clientNdNumber}`);
  if (!one("SELECT 1 FROM caregivers WHERE provider_number = ? AND caregiver_id = ?", entry.providerNumber, entry.caregiverId))
    throw new InputFileError(`caregiver: ${entry.caregiverId} is not a caregiver of ${entry.providerNumber} (import caregivers first)`);
  if (entry.correctsVisit !== undefined && !one("SELECT 1 FROM visits WHERE visit_id = ? AND provider_number = ? AND client_nd_number = ?", entry.correctsVisit, entry.providerNumber, entry.clientNdNumber))
    throw new InputFileError(`visit: no visit ${entry.correctsVisit} of ${entry.providerNumber} for ${entry.clientNdNumber} in the last verification (run evv verify, or record a new visit)`);
  const at = enteredAt.toISOString();
  return db.transaction(() => {
    const entryId = Number(
      db
        .prepare(
          `INSERT INTO manual_visits (visit_id, corrects_visit, provider_number, client_nd_number, caregiver_id, begin_ms, end_ms, tasks, reason, memo, entered_by, entered_at)
           VALUES ('', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          entry.correctsVisit ?? null,
          entry.providerNumber,
          entry.clientNdNumber,
          entry.caregiverId,
          entry.begin === undefined ? null : Date.parse(entry.begin),
          entry.end === undefined ? null : Date.parse(entry.end),
          JSON.stringify(entry.tasks),
          entry.reason,
          entry.memo ?? null,
          entry.enteredBy,
          at,
        ).lastInsertRowid,
    );
    const visitId = entry.correctsVisit ?? `manual-${entryId}`;
    db.prepare("UPDATE manual_visits SET visit_id = ? WHERE entry_id = ?").run(visitId, entryId);
    const stored = manualEntries(db, entryId)[0];
    new AuditAppender(db).append(entry.correctsVisit ? "visit.manual-correction" : "visit.manual-entry", visitId, stored);
    return stored;
  })();
}

/** Every manual entry (or one), in the order made. */
export function manualEntries(db: EvvDatabase, entryId?: number): StoredManualEntry[] {
  const rows = db.prepare(`SELECT * FROM manual_visits ${entryId === undefined ? "" : "WHERE entry_id = ?"} ORDER BY entry_id`).all(...(entryId === undefined ? [] : [entryId])) as {
    entry_id: number;
    visit_id: string;
    corrects_visit: string | null;
    provider_number: string;
    client_nd_number: string;
    caregiver_id: string;
    begin_ms: number | null;
    end_ms: number | null;
    tasks: string;
    reason: string;
    memo: string | null;
    entered_by: string;
    entered_at: string;
  }[];
  return rows.map((r) => ({
    entryId: r.entry_id,
    visitId: r.visit_id,
    correctsVisit: r.corrects_visit,
    providerNumber: r.provider_number,
    clientNdNumber: r.client_nd_number,
    caregiverId: r.caregiver_id,
    begin: r.begin_ms === null ? null : new Date(r.begin_ms).toISOString(),
    end: r.end_ms === null ? null : new Date(r.end_ms).toISOString(),
    tasks: JSON.parse(r.tasks) as string[],
    reason: r.reason,
    memo: r.memo,
    enteredBy: r.entered_by,
    enteredAt: r.entered_at,
  }));
}
