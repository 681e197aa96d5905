// Maps the verifier's data onto Sandata Alternate-EVV records (employees, clients, visits with
// calls), without their SequenceID (sandataExport.ts assigns it). Fob visits carry call type
// FVV at the device's (drift-corrected) times, in UTC whole seconds; a visit recorded by hand
// carries Manual calls and a change record; a correction carries the corrected times as
// adjusted times and a change record. Values the state assigns come from SandataSettings.
import { splitPersonName } from "../domain/caregiver.js";
import { categoryOfTask } from "../domain/taskCategory.js";
import type { ProcedureCode, ServiceProgram } from "../domain/authorization.js";
import type { ManualReason } from "../domain/manualVisit.js";
import { MANUAL_REASON_SENTENCES } from "../domain/manualVisit.js";
import type { SandataSettings } from "./sandataSettings.js";

export type SandataRecord = Record<string, unknown>;

/** UTC whole seconds, YYYY-MM-DDTHH:MM:SSZ. */
export function sandataDateTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** A name part as Sandata takes it: letters and - . ' (a space becomes a dash). */
export function sandataName(part: string): string {
  return part.trim().replace(/\s+/g, "-");
}

export class SandataMappingError extends Error {}

function providerIdentification(s: SandataSettings, providerNumber: string) {
  return { ProviderQualifier: s.providerQualifier, ProviderID: providerNumber };
}

function sandataZone(s: SandataSettings, ianaZone: string, what: string): string {
  const zone = s.timeZones[ianaZone];
  if (!zone) throw new SandataMappingError(`${what}: time zone ${ianaZone} has no Sandata name (add it to timeZones in the settings)`);
  return zone;
}

export interface CaregiverRow {
  provider_number: string;
  caregiver_id: string;
  first_name: string;
  last_name: string;
  staff_id: string | null;
  email: string | null;
}

/** The caregiver's Sandata staff ID: staffId, else the caregiver ID when it fits (at most 9 letters or digits). */
export function employeeIdentifier(c: Pick<CaregiverRow, "provider_number" | "caregiver_id" | "staff_id">): string {
  if (c.staff_id) return c.staff_id;
  if (/^[A-Za-z0-9]{1,9}$/.test(c.caregiver_id)) return c.caregiver_id;
  throw new SandataMappingError(`caregiver ${c.caregiver_id} of ${c.provider_number}: needs a staffId of at most 9 letters or digits (the caregiver ID is not 1-9 letters or digits)`);
}

export function employeeRecord(s: SandataSettings, c: CaregiverRow): SandataRecord {
  return {
    ProviderIdentification: providerIdentification(s, c.provider_number),
    EmployeeQualifier: s.employeeQualifier,
    EmployeeIdentifier: employeeIdentifier(c),
    EmployeeOtherID: c.caregiver_id,
    EmployeeFirstName: sandataName(c.first_name),
    EmployeeLastName: sandataName(c.last_name),
    ...(c.email ? { EmployeeEmail: c.email } : {}),
  };
}

export interface ClientRow {
  provider_number: string;
  nd_number: string;
  name: string;
  address: string;
  time_zone: string;
}

/** "1210 E Divide Ave, Bismarck, ND 58501" → line, city, state, ZIP (5 or 9 digits). */
export function parseUsAddress(address: string): { line1: string; city: string; state: string; zip: string } | null {
  const m = /^(.+?),\s*([^,]+?),?\s+([A-Z]{2})\s+(\d{5})(?:-?(\d{4}))?$/.exec(address.trim());
  if (!m) return null;
  return { line1: m[1], city: m[2], state: m[3], zip: m[4] + (m[5] ?? "") };
}

export function clientRecord(s: SandataSettings, c: ClientRow): SandataRecord {
  const address = parseUsAddress(c.address);
  if (!address) throw new SandataMappingError(`client ${c.nd_number}: address ${JSON.stringify(c.address)} is not "line, city, ST 12345" (Sandata needs them apart)`);
  const { firstName, lastName } = splitPersonName(c.name);
  return {
    ProviderIdentification: providerIdentification(s, c.provider_number),
    ClientQualifier: s.clientQualifier,
    ClientIdentifier: c.nd_number,
    ClientFirstName: sandataName(firstName),
    ClientLastName: sandataName(lastName),
    ClientMedicaidID: c.nd_number,
    ClientCustomID: c.nd_number,
    ClientTimeZone: sandataZone(s, c.time_zone, `client ${c.nd_number}`),
    ClientAddress: [
      {
        ClientAddressType: "Home",
        ClientAddressIsPrimary: true,
        ClientAddressLine1: address.line1,
        ClientCity: address.city,
        ClientState: address.state,
        ClientZip: address.zip,
      },
    ],
  };
}

export interface VisitRow {
  visit_id: string;
  provider_number: string;
  client_nd_number: string;
  caregiver_id: string;
  staff_id: string | null;
  procedure_code: ProcedureCode;
  service_program: ServiceProgram;
  check_in_reading: string | null;
  check_out_reading: string | null;
  begin_ms: number;
  end_ms: number;
  time_zone: string;
  status: string;
  units: number;
  tasks: string;
  manual_entry: number | null;
  manual_begin_ms: number | null;
  manual_end_ms: number | null;
  manual_reason: ManualReason | null;
  manual_memo: string | null;
  manual_by: string | null;
  manual_at: string | null;
}

/** A fob call's external ID: the reading's UUID, its first 16 hex digits (64 bits: unique in practice, and stable across runs). */
export function deviceCallId(readingId: string): string {
  return readingId.replace(/-/g, "").slice(0, 16);
}

export interface VisitChange {
  madeBy: string;
  atMs: number;
  reasonCode: string;
  memo: string | null;
}

/** The visit record without SequenceID; `changes` become its VisitChanges under the SequenceID. */
export function visitRecord(s: SandataSettings, v: VisitRow, billable: boolean): SandataRecord {
  const procedure = s.procedures[v.procedure_code];
  const callBase = { ProcedureCode: procedure.code, ...(s.visitLocationType ? { VisitLocationType: s.visitLocationType } : {}) };
  const calls: SandataRecord[] = [];
  let adjIn: string | null = null;
  let adjOut: string | null = null;
  const manualOnly = v.manual_entry !== null && v.check_in_reading === null && v.check_out_reading === null;
  if (manualOnly) {
    calls.push({ CallExternalID: `M${v.manual_entry}-IN`, CallDateTime: sandataDateTime(v.begin_ms), CallAssignment: "Time In", CallType: "Manual", ...callBase });
    calls.push({ CallExternalID: `M${v.manual_entry}-OUT`, CallDateTime: sandataDateTime(v.end_ms), CallAssignment: "Time Out", CallType: "Manual", ...callBase });
  } else {
    // Device calls for the ends the fob proved and no one corrected; corrected ends are adjusted times.
    if (v.manual_begin_ms !== null) adjIn = sandataDateTime(v.begin_ms);
    else if (v.check_in_reading !== null)
      calls.push({ CallExternalID: deviceCallId(v.check_in_reading), CallDateTime: sandataDateTime(v.begin_ms), CallAssignment: "Time In", CallType: "FVV", ...callBase });
    if (v.manual_end_ms !== null) adjOut = sandataDateTime(v.end_ms);
    else if (v.check_out_reading !== null)
      calls.push({ CallExternalID: deviceCallId(v.check_out_reading), CallDateTime: sandataDateTime(v.end_ms), CallAssignment: "Time Out", CallType: "FVV", ...callBase });
  }
  const taskIds = [...new Set((JSON.parse(v.tasks) as string[]).map((t) => s.taskIds[categoryOfTask(t) ?? "other"]))];
  const modifiers: SandataRecord = {};
  procedure.modifiers.forEach((m, i) => (modifiers[`Modifier${i + 1}`] = m));
  return {
    ProviderIdentification: providerIdentification(s, v.provider_number),
    VisitOtherID: v.visit_id,
    EmployeeQualifier: s.employeeQualifier,
    EmployeeIdentifier: employeeIdentifier({ provider_number: v.provider_number, caregiver_id: v.caregiver_id, staff_id: v.staff_id }),
    EmployeeOtherID: v.caregiver_id,
    ClientIDQualifier: s.clientQualifier,
    ClientID: v.client_nd_number,
    VisitCancelledIndicator: false,
    PayerID: s.payerId,
    PayerProgram: s.payerPrograms[v.service_program],
    ProcedureCode: procedure.code,
    ...modifiers,
    VisitTimeZone: sandataZone(s, v.time_zone, `visit ${v.visit_id}`),
    AdjInDateTime: adjIn,
    AdjOutDateTime: adjOut,
    BillVisit: billable,
    Calls: calls,
    Tasks: taskIds.map((id) => ({ TaskID: id })),
  };
}

/** The change record of a manual entry. */
export function manualChange(s: SandataSettings, v: VisitRow): VisitChange | null {
  if (v.manual_entry === null || v.manual_reason === null) return null;
  return {
    madeBy: v.manual_by ?? "unknown",
    atMs: Date.parse(v.manual_at ?? "1970-01-01T00:00:00Z"),
    reasonCode: s.manualReasonCodes[v.manual_reason],
    memo: v.manual_memo ?? `${v.manual_reason}: ${MANUAL_REASON_SENTENCES[v.manual_reason]}`,
  };
}

export function visitChanges(s: SandataSettings, sequenceId: number, changes: readonly VisitChange[]): SandataRecord[] {
  return changes.map((c) => ({
    SequenceID: String(sequenceId),
    ChangeMadeBy: c.madeBy.slice(0, 64),
    ChangeDateTime: sandataDateTime(c.atMs),
    ReasonCode: c.reasonCode,
    ...(c.memo !== null ? { ChangeReasonMemo: c.memo.slice(0, 256) } : s.memoRequiredFor.includes(c.reasonCode) ? { ChangeReasonMemo: "see the visit's record" } : {}),
  }));
}
