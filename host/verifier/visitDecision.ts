// A visit's decision as the audit log records it. A `visit.decisions` entry holds one slice's
// decisions (a few thousand) as rows under one header, canonical JSON (keys sorted, no spaces):
//   {"columns":["visit","checkIn",...],"decisions":[[...],[...]],"run":n}
// stored deflated (raw DEFLATE, RFC 1951, zlib level 1): rows keep the key names out of every
// decision, and deflating cuts the entry to about a ninth, which matters because a run writes
// every byte twice (to the WAL and at the checkpoint). The chain hashes the stored bytes.
// The worker that verified the slice builds and deflates its entry; decisionsOfEntry reads one
// back as one object per decision.
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { z } from "zod";
import type { VisitDraft } from "./visitDraft.js";

const str = JSON.stringify;

/** The columns of a decision row, in row order. */
export const DECISION_COLUMNS = ["visit", "checkIn", "checkOut", "provider", "client", "authorization", "device", "begin", "end", "days", "reasons", "status", "units"] as const;
const COLUMNS_JSON = str(DECISION_COLUMNS);

/** The visit's days as stored in the visit row and the decision: [[date, minutes, paidMinutes, units], ...] in date order. */
export function visitDays(v: VisitDraft): [string, number, number, number][] {
  const days = new Array<[string, number, number, number]>(v.days.length);
  for (let i = 0; i < v.days.length; i++) {
    const d = v.days[i];
    days[i] = [d.date, d.minutes, d.paidMinutes, d.units];
  }
  return days;
}

/**
 * The decision row, in DECISION_COLUMNS order, as JSON text. JSON.stringify of the row array
 * gives one flat string (text pieced together with + is a rope, and flattening a thousand
 * ropes when the audit entry is hashed cost more than building them).
 */
export function visitDecisionJson(v: VisitDraft, days = visitDays(v)): string {
  const reasons = new Array<string>(v.reasons.length);
  for (let i = 0; i < v.reasons.length; i++) {
    const r = v.reasons[i];
    reasons[i] = r.detail ? r.code + ": " + r.detail : r.code;
  }
  return JSON.stringify([
    v.visitId,
    v.checkIn ? v.checkIn.readingId : null,
    v.checkOut ? v.checkOut.readingId : null,
    v.providerNumber,
    v.clientNdNumber,
    v.authorization ? v.authorization.authorizationId : null,
    v.deviceId,
    v.beginMs,
    v.endMs,
    days,
    reasons,
    v.status,
    v.units,
  ]);
}

/** A `visit.decisions` entry's canonical JSON around decision rows (each a visitDecisionJson). */
export function decisionsEntryJson(runId: number, rows: readonly string[]): string {
  return '{"columns":' + COLUMNS_JSON + ',"decisions":[' + rows.join(",") + '],"run":' + runId + "}";
}

/** A `visit.decisions` entry's body as stored: its canonical JSON, deflated. */
export function decisionsEntryBody(runId: number, rows: readonly string[]): Uint8Array {
  return deflateRawSync(decisionsEntryJson(runId, rows), { level: 1 });
}

/** The canonical JSON of a stored `visit.decisions` body (deflated bytes; text as written before deflating was adopted). */
export function decisionsEntryText(body: string | Uint8Array): string {
  return typeof body === "string" ? body : inflateRawSync(body).toString("utf8");
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

/** A stored `visit.decisions` body read back as one object per decision (throws, naming the problem, on a body of another shape). */
export function decisionsOfEntry(body: string | Uint8Array): VisitDecision[] {
  const entry = decisionsEntry.parse(JSON.parse(decisionsEntryText(body)));
  return entry.decisions.map((row) => {
    const decision: Record<string, unknown> = { run: entry.run };
    DECISION_COLUMNS.forEach((column, i) => (decision[column] = row[i]));
    return decision as VisitDecision;
  });
}
