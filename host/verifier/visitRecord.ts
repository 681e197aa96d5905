// A decided visit as the writer stores it: the visits row's values, in column order, with
// visit_seq and run_id left as 0 for the writer to fill in, and its decision row, flat so that a
// worker thread can hand a slice of them to the writer thread cheaply and the writer can bind
// them as they are.
import type { VisitDraft } from "./visitDraft.js";
import type { VisitStatus } from "./reasonCodes.js";
import { visitDays, visitDecisionJson } from "./visitDecision.js";

/** The visits columns a record fills, in order. */
export const VISIT_RECORD_COLUMNS =
  "visit_seq, run_id, visit_id, provider_number, client_nd_number, authorization_id, procedure_code, check_in_reading, check_out_reading, device_id, begin_ms, end_ms, time_zone, presence_in, presence_out, status, units, reasons, tasks, days, caregiver_id, manual_entry";
export const VISIT_RECORD_WIDTH = 22;
export const RECORD_SEQ = 0;
export const RECORD_RUN = 1;
export const RECORD_VISIT_ID = 2;
export const RECORD_PROVIDER = 3;
export const RECORD_CLIENT = 4;
export const RECORD_STATUS = 15;
export const RECORD_UNITS = 16;

export type RecordValue = string | number | null;

/** Appends the visit's row values to `values` and returns its decision row (JSON). */
export function recordVisit(v: VisitDraft, values: RecordValue[]): string {
  const days = visitDays(v);
  values.push(
    0,
    0,
    v.visitId,
    v.providerNumber,
    v.clientNdNumber,
    v.authorization?.authorizationId ?? null,
    v.authorization?.procedureCode ?? null,
    v.checkIn?.readingId ?? null,
    v.checkOut?.readingId ?? null,
    v.deviceId,
    v.beginMs,
    v.endMs,
    v.client?.timeZone ?? null,
    v.checkIn?.method ?? null,
    v.checkOut?.method ?? null,
    v.status,
    v.units,
    v.reasons.length === 0 ? "[]" : JSON.stringify(v.reasons),
    v.tasksJson,
    JSON.stringify(days),
    v.caregiverId,
    v.manualEntry,
  );
  return visitDecisionJson(v, days);
}

export function statusOfRecord(values: readonly RecordValue[], index: number): VisitStatus {
  return values[index * VISIT_RECORD_WIDTH + RECORD_STATUS] as VisitStatus;
}

export function unitsOfRecord(values: readonly RecordValue[], index: number): number {
  return values[index * VISIT_RECORD_WIDTH + RECORD_UNITS] as number;
}
