// Visits in the shape of Sandata's alternate-EVV (altEVV) visit upload: one visit object with
// its calls; fob visits carry call type "FVV" (fixed visit verification). Field names follow
// the altEVV visit specification; values our verifier does not know are left out, not invented.
import { z } from "zod";
import type { EvvRecord } from "./evvRecord.js";

const sandataCall = z.object({
  CallExternalID: z.string(),
  CallDateTime: z.string(),
  CallAssignment: z.enum(["Time In", "Time Out"]),
  CallType: z.literal("FVV"),
  ProcedureCode: z.string(),
  ClientIdentifierOnCall: z.string(),
  VisitLocationType: z.literal("1"), // 1 = home
  Location: z.string(),
  DeviceID: z.string(),
  PresenceMethod: z.string(),
});

export const sandataVisit = z.object({
  ProviderIdentification: z.object({ ProviderQualifier: z.literal("Other"), ProviderID: z.string() }),
  VisitOtherID: z.string(),
  SequenceID: z.string(),
  EmployeeQualifier: z.literal("EmployeeCustomID"),
  EmployeeOtherID: z.string(),
  EmployeeIdentifier: z.string(),
  EmployeeName: z.string(),
  ClientIDQualifier: z.literal("ClientCustomID"),
  ClientID: z.string(),
  ClientOtherID: z.string(),
  ClientName: z.string(),
  VisitCancelledIndicator: z.boolean(),
  PayerID: z.literal("NDMedicaid"),
  PayerProgram: z.string(),
  ProcedureCode: z.string(),
  VisitTimeZone: z.string(),
  AdjInDateTime: z.string(),
  AdjOutDateTime: z.string(),
  BillVisit: z.boolean(),
  HoursToBill: z.number(),
  HoursToPay: z.number(),
  Memo: z.string(),
  Calls: z.array(sandataCall),
  VisitTasks: z.array(z.object({ TaskID: z.string() })),
});
export type SandataVisit = z.infer<typeof sandataVisit>;

export function toSandataVisit(r: EvvRecord, sequence: number): SandataVisit {
  const hours = Math.round((Date.parse(r.endTime) - Date.parse(r.beginTime)) / 36_000) / 100;
  const call = (assignment: "Time In" | "Time Out", at: string, presence: string) => ({
    CallExternalID: `${r.visitId}-${assignment === "Time In" ? "in" : "out"}`,
    CallDateTime: new Date(at).toISOString(),
    CallAssignment: assignment,
    CallType: "FVV" as const,
    ProcedureCode: r.procedureCode,
    ClientIdentifierOnCall: r.clientNdNumber,
    VisitLocationType: "1" as const,
    Location: r.location,
    DeviceID: r.deviceId,
    PresenceMethod: presence,
  });
  return {
    ProviderIdentification: { ProviderQualifier: "Other", ProviderID: r.providerNumber },
    VisitOtherID: r.visitId,
    SequenceID: String(sequence),
    EmployeeQualifier: "EmployeeCustomID",
    EmployeeOtherID: r.providerNumber,
    EmployeeIdentifier: r.providerNumber,
    EmployeeName: r.providerName,
    ClientIDQualifier: "ClientCustomID",
    ClientID: r.clientNdNumber,
    ClientOtherID: r.clientNdNumber,
    ClientName: r.clientName,
    VisitCancelledIndicator: false,
    PayerID: "NDMedicaid",
    PayerProgram: r.typeOfService.split(" ")[1] ?? "",
    ProcedureCode: r.procedureCode,
    VisitTimeZone: r.timeZone,
    AdjInDateTime: new Date(r.beginTime).toISOString(),
    AdjOutDateTime: new Date(r.endTime).toISOString(),
    BillVisit: r.status === "verified" || r.status === "verified-with-flags",
    HoursToBill: r.procedureCode === "T1019" ? r.units / 4 : hours,
    HoursToPay: hours,
    Memo: r.reasonCodes.join(" "),
    Calls: [call("Time In", r.beginTime, r.presenceCheckIn), call("Time Out", r.endTime, r.presenceCheckOut)],
    VisitTasks: r.tasks.map((t) => ({ TaskID: t })),
  };
}

export function sandataVisitsJson(records: Iterable<EvvRecord>): string {
  const visits: SandataVisit[] = [];
  let sequence = 1;
  for (const r of records) visits.push(toSandataVisit(r, sequence++));
  return JSON.stringify(visits, null, 2) + "\n";
}
