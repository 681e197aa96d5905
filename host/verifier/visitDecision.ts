// A visit's decision as the audit log records it. A `visit.decisions` entry holds up to 1,000
// decisions as rows under one header, canonical JSON (keys sorted, no spaces):
//   {"columns":["visit","checkIn",...],"decisions":[[...],[...]],"run":n}
// Rows instead of one object per decision keep the key names out of every decision (about 40%
// of the log's bytes, which every run writes twice: to the WAL and at the checkpoint).
// decisionsOfEntry reads an entry back as one object per decision.
import { z } from "zod";
import type { VisitDraft } from "./visitDraft.js";

const str = JSON.stringify;

/** The columns of a decision row, in row order. */
export const DECISION_COLUMNS = ["visit", "checkIn", "checkOut", "provider", "client", "authorization", "device", "begin", "end", "days", "reasons", "status", "units"] as const;
const COLUMNS_JSON = str(DECISION_COLUMNS);

/** The visit's days as stored in the visit row and the decision: [[date, minutes, paidMinutes, units], ...] in date order. */
export function visitDaysJson(v: VisitDraft): string {
  let days = "";
  for (const d of v.days) days += (days ? "," : "") + "[" + str(d.date) + "," + d.minutes + "," + d.paidMinutes + "," + d.units + "]";
  return "[" + days + "]";
}

/** The decision row, in DECISION_COLUMNS order, as JSON text (written out directly: this runs once per visit). */
export function visitDecisionJson(v: VisitDraft, daysJson = visitDaysJson(v)): string {
  let reasons = "";
  for (const r of v.reasons) reasons += (reasons ? "," : "") + str(r.detail ? r.code + ": " + r.detail : r.code);
  return (
    "[" + str(v.visitId) +
    "," + (v.checkIn ? str(v.checkIn.readingId) : "null") +
    "," + (v.checkOut ? str(v.checkOut.readingId) : "null") +
    "," + str(v.providerNumber) +
    "," + str(v.clientNdNumber) +
    "," + (v.authorization ? str(v.authorization.authorizationId) : "null") +
    "," + (v.deviceId === null ? "null" : str(v.deviceId)) +
    "," + (v.beginMs ?? "null") +
    "," + (v.endMs ?? "null") +
    "," + daysJson +
    ",[" + reasons + "]" +
    "," + str(v.status) +
    "," + v.units +
    "]"
  );
}

/** A `visit.decisions` entry's canonical body around decision rows already joined with ",". */
export function decisionsEntryJson(runId: number, joinedRows: string): string {
  return '{"columns":' + COLUMNS_JSON + ',"decisions":[' + joinedRows + '],"run":' + runId + "}";
}

const decisionRow = z.tuple([
  z.string(),
  z.string().nullable(),
  z.string().nullable(),
  z.string(),
  z.string(),
  z.string().nullable(),
  z.string().nullable(),
  z.number().nullable(),
  z.number().nullable(),
  z.array(z.tuple([z.string(), z.number(), z.number(), z.number()])),
  z.array(z.string()),
  z.string(),
  z.number(),
]);
const decisionsEntry = z.object({
  columns: z.array(z.string()).refine((columns) => columns.join() === DECISION_COLUMNS.join(), `columns must be ${COLUMNS_JSON}`),
  decisions: z.array(decisionRow),
  run: z.number().int(),
});

export type VisitDecision = { [K in (typeof DECISION_COLUMNS)[number]]: z.infer<typeof decisionRow>[number] } & { run: number };

/** A `visit.decisions` entry's body read back as one object per decision (throws, naming the problem, on a body of another shape). */
export function decisionsOfEntry(body: string): VisitDecision[] {
  const entry = decisionsEntry.parse(JSON.parse(body));
  return entry.decisions.map((row) => {
    const decision: Record<string, unknown> = { run: entry.run };
    DECISION_COLUMNS.forEach((column, i) => (decision[column] = row[i]));
    return decision as VisitDecision;
  });
}
