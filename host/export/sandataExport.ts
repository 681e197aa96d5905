// One Sandata Alternate-EVV export: the employees, clients and visits that are new or changed
// since the last export (or all with `all`), each with a SequenceID from one counter kept in the
// database (so it rises across exports, never reused), checked against the format's field rules
// (sandataFieldRules.ts), in batches of at most `batchSize` records, in the order Sandata takes
// them (employees, clients, visits). What was sent is remembered (content hash and SequenceID)
// in the same transaction, and the export is an audit-log entry. A visit sent before and changed
// since goes again as an update with a change record; one no longer billable with BillVisit false.
import { createHash } from "node:crypto";
import type { EvvDatabase } from "../storage/database.js";
import { AuditAppender } from "../storage/auditLog.js";
import { canonicalJson, type JsonValue } from "../storage/canonicalJson.js";
import type { SandataSettings } from "./sandataSettings.js";
import { checkSandataRecord, type SandataRecordKind } from "./sandataFieldRules.js";
import {
  SandataMappingError,
  clientRecord,
  employeeRecord,
  manualChange,
  visitChanges,
  visitRecord,
  type CaregiverRow,
  type ClientRow,
  type SandataRecord,
  type VisitChange,
  type VisitRow,
} from "./sandataRecords.js";
import { BILLABLE_STATUSES } from "./visitRecords.js";

export const SANDATA = "sandata";

export interface SandataBatch {
  kind: "employees" | "clients" | "visits";
  /** The file name: sandata-<order>-<kind>-<nnn>.json (sorted names are the order to send). */
  file: string;
  records: SandataRecord[];
  /** The file's text: the JSON array a POST sends. */
  text: string;
}

export interface SandataExport {
  batches: SandataBatch[];
  counts: { employees: number; clients: number; visits: number; updates: number };
  firstSequence: number | null;
  lastSequence: number | null;
}

export class SandataExportError extends Error {}

interface Sent {
  sequence_id: number;
  content_hash: string;
  sent_at: string;
}

const hashOf = (record: SandataRecord) => createHash("sha256").update(canonicalJson(record as JsonValue)).digest("hex");

export function exportSandata(db: EvvDatabase, settings: SandataSettings, options: { all?: boolean; now?: Date } = {}): SandataExport {
  const now = options.now ?? new Date();
  return db.transaction(() => {
    const sentOf = db.prepare("SELECT sequence_id, content_hash, sent_at FROM aggregator_sent WHERE aggregator = ? AND record_kind = ? AND record_key = ?");
    const markSent = db.prepare(
      `INSERT INTO aggregator_sent (aggregator, record_kind, record_key, sequence_id, content_hash, sent_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(aggregator, record_kind, record_key) DO UPDATE SET sequence_id = excluded.sequence_id, content_hash = excluded.content_hash, sent_at = excluded.sent_at`,
    );
    let sequence = (db.prepare("SELECT last_sequence FROM aggregator_sequence WHERE aggregator = ?").get(SANDATA) as { last_sequence: number } | undefined)?.last_sequence ?? 0;
    const first = sequence + 1;
    const problems: string[] = [];
    const out: Record<SandataBatch["kind"], SandataRecord[]> = { employees: [], clients: [], visits: [] };
    let updates = 0;

    const consider = (kind: SandataBatch["kind"], ruleKind: SandataRecordKind, key: string, build: () => SandataRecord, changes: (update: boolean, sent: Sent | undefined) => VisitChange[] | null) => {
      let record: SandataRecord;
      try {
        record = build();
      } catch (error) {
        if (error instanceof SandataMappingError) {
          problems.push(error.message);
          return;
        }
        throw error;
      }
      const hash = hashOf(record);
      const sent = sentOf.get(SANDATA, kind, key) as Sent | undefined;
      if (sent && sent.content_hash === hash && !options.all) return;
      const update = sent !== undefined;
      const seq = ++sequence;
      const list = changes(update, sent);
      const full: SandataRecord = { ...record, SequenceID: seq, ...(list && list.length > 0 ? { VisitChanges: visitChanges(settings, seq, list) } : {}) };
      const found = checkSandataRecord(ruleKind, full, { update, memoRequiredFor: settings.memoRequiredFor });
      if (found.length > 0) problems.push(`${ruleKind} ${key}: ${found.join("; ")}`);
      if (update) updates++;
      out[kind].push(full);
      markSent.run(SANDATA, kind, key, seq, hash, now.toISOString());
    };

    for (const c of db.prepare("SELECT provider_number, caregiver_id, first_name, last_name, staff_id, email FROM caregivers ORDER BY provider_number, caregiver_id").all() as CaregiverRow[])
      consider("employees", "employee", `${c.provider_number}|${c.caregiver_id}`, () => employeeRecord(settings, c), () => null);

    for (const c of db
      .prepare(
        `SELECT DISTINCT a.provider_number, c.nd_number, c.name, l.address, l.time_zone
         FROM authorizations a JOIN clients c ON c.nd_number = a.client_nd_number JOIN service_locations l ON l.location_id = c.location_id
         ORDER BY a.provider_number, c.nd_number`,
      )
      .all() as ClientRow[])
      consider("clients", "client", `${c.provider_number}|${c.nd_number}`, () => clientRecord(settings, c), () => null);

    const lastRun = db.prepare("SELECT started_at FROM verify_runs ORDER BY run_id DESC LIMIT 1").get() as { started_at: string } | undefined;
    const billable = new Set<string>(BILLABLE_STATUSES);
    for (const v of db
      .prepare(
        `SELECT v.visit_id, v.provider_number, v.client_nd_number, v.caregiver_id, g.staff_id, v.procedure_code, a.service_program, v.check_in_reading, v.check_out_reading,
                v.begin_ms, v.end_ms, v.time_zone, v.status, v.units, v.tasks, v.manual_entry,
                m.begin_ms AS manual_begin_ms, m.end_ms AS manual_end_ms, m.reason AS manual_reason, m.memo AS manual_memo, m.entered_by AS manual_by, m.entered_at AS manual_at
         FROM visits v
         JOIN authorizations a ON a.authorization_id = v.authorization_id
         LEFT JOIN caregivers g ON g.provider_number = v.provider_number AND g.caregiver_id = v.caregiver_id
         LEFT JOIN manual_visits m ON m.entry_id = v.manual_entry
         WHERE v.begin_ms IS NOT NULL AND v.end_ms IS NOT NULL AND v.caregiver_id IS NOT NULL
         ORDER BY v.begin_ms, v.visit_id`,
      )
      .all() as VisitRow[]) {
      const pays = billable.has(v.status);
      // First sends only for visits that are paid; a visit sent before goes again when it changed (BillVisit false when no longer paid).
      if (!pays && !sentOf.get(SANDATA, "visits", v.visit_id)) continue;
      consider(
        "visits",
        "visit",
        v.visit_id,
        () => visitRecord(settings, v, pays),
        (update, sent) => {
          const manual = manualChange(settings, v);
          if (manual && (!update || (sent && v.manual_at !== null && v.manual_at > sent.sent_at))) return [manual];
          const changes: VisitChange[] = manual ? [manual] : [];
          if (update)
            changes.push({
              madeBy: "evv verify",
              atMs: Date.parse(lastRun?.started_at ?? now.toISOString()),
              reasonCode: settings.reverificationReasonCode,
              memo: `re-verified: ${v.status}, ${v.units} units`,
            });
          return changes;
        },
      );
    }

    if (problems.length > 0) throw new SandataExportError(problems.slice(0, 10).join("\n") + (problems.length > 10 ? `\n... and ${problems.length - 10} more` : ""));
    if (sequence >= first) db.prepare("INSERT INTO aggregator_sequence (aggregator, last_sequence) VALUES (?, ?) ON CONFLICT(aggregator) DO UPDATE SET last_sequence = excluded.last_sequence").run(SANDATA, sequence);

    const batches: SandataBatch[] = [];
    (["employees", "clients", "visits"] as const).forEach((kind, order) => {
      const records = out[kind];
      for (let i = 0, n = 1; i < records.length; i += settings.batchSize, n++) {
        const slice = records.slice(i, i + settings.batchSize);
        batches.push({ kind, file: `sandata-${order + 1}-${kind}-${String(n).padStart(3, "0")}.json`, records: slice, text: JSON.stringify(slice, null, 2) + "\n" });
      }
    });
    const result: SandataExport = {
      batches,
      counts: { employees: out.employees.length, clients: out.clients.length, visits: out.visits.length, updates },
      firstSequence: sequence >= first ? first : null,
      lastSequence: sequence >= first ? sequence : null,
    };
    new AuditAppender(db).append("export.sandata", now.toISOString(), {
      counts: result.counts,
      firstSequence: result.firstSequence,
      lastSequence: result.lastSequence,
      files: batches.map((b) => ({ file: b.file, records: b.records.length, sha256: createHash("sha256").update(b.text).digest("hex") })),
    });
    return result;
  })();
}
