// A visit's decision as canonical JSON: what the audit log records for it (inside a
// `visit.decisions` entry) and what the visit row must still agree with.
import type { VisitDraft } from "./visitDraft.js";

const str = JSON.stringify;

/** The visit's days as stored in the visit row and the decision: [[date, minutes, paidMinutes, units], ...] in date order. */
export function visitDaysJson(v: VisitDraft): string {
  let days = "";
  for (const d of v.days) days += (days ? "," : "") + "[" + str(d.date) + "," + d.minutes + "," + d.paidMinutes + "," + d.units + "]";
  return "[" + days + "]";
}

/**
 * The decision as canonical JSON: the same text canonicalJson gives for the object with these
 * keys (sorted), written out directly because this runs once per visit.
 */
export function visitDecisionJson(runId: number, v: VisitDraft, daysJson = visitDaysJson(v)): string {
  let reasons = "";
  for (const r of v.reasons) reasons += (reasons ? "," : "") + str(r.detail ? r.code + ": " + r.detail : r.code);
  return (
    '{"authorization":' + (v.authorization ? str(v.authorization.authorizationId) : "null") +
    ',"begin":' + (v.beginMs ?? "null") +
    ',"checkIn":' + (v.checkIn ? str(v.checkIn.readingId) : "null") +
    ',"checkOut":' + (v.checkOut ? str(v.checkOut.readingId) : "null") +
    ',"client":' + str(v.clientNdNumber) +
    ',"days":' + daysJson +
    ',"device":' + (v.deviceId === null ? "null" : str(v.deviceId)) +
    ',"end":' + (v.endMs ?? "null") +
    ',"provider":' + str(v.providerNumber) +
    ',"reasons":[' + reasons + "]" +
    ',"run":' + runId +
    ',"status":' + str(v.status) +
    ',"units":' + v.units +
    ',"visit":' + str(v.visitId) +
    "}"
  );
}

/** The same decision as a plain object (what visitDecisionJson serializes). */
export function visitDecision(runId: number, v: VisitDraft) {
  return {
    authorization: v.authorization?.authorizationId ?? null,
    begin: v.beginMs,
    checkIn: v.checkIn?.readingId ?? null,
    checkOut: v.checkOut?.readingId ?? null,
    client: v.clientNdNumber,
    days: v.days.map((d) => [d.date, d.minutes, d.paidMinutes, d.units]),
    device: v.deviceId,
    end: v.endMs,
    provider: v.providerNumber,
    reasons: v.reasons.map((r) => (r.detail ? r.code + ": " + r.detail : r.code)),
    run: runId,
    status: v.status,
    units: v.units,
    visit: v.visitId,
  };
}
