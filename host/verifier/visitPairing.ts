// Pairs one caregiver's readings for one client into visits: in time order, each check-in with
// the next check-out within the longest visit. A reading that proves nothing, or repeats one
// already seen (same event, device and time: the same code typed twice), becomes a rejected
// visit of its own, so its counterpart is left unpaired and goes to review.
import type { ReadingVerdict } from "./readingEvidence.js";
import type { VisitDraft } from "./visitDraft.js";
import type { Reason } from "./reasonCodes.js";
import type { ClientInfo } from "./verificationContext.js";

export function pairReadings(
  providerNumber: string,
  caregiverId: string | null,
  clientNdNumber: string,
  client: ClientInfo | null,
  verdicts: ReadingVerdict[],
  maxVisitMs: number,
): VisitDraft[] {
  const draft = (checkIn: ReadingVerdict | null, checkOut: ReadingVerdict | null) => visitDraft(providerNumber, caregiverId, clientNdNumber, client, checkIn, checkOut);
  const visits: VisitDraft[] = [];
  const proven: ReadingVerdict[] = [];
  const seen = new Map<string, string>();
  for (const v of verdicts) {
    if (v.proven) {
      const key = v.event + "|" + v.deviceId + "|" + v.timeMs;
      const earlier = seen.get(key);
      if (earlier === undefined) {
        seen.set(key, v.readingId);
        proven.push(v);
        continue;
      }
      v.proven = false;
      v.reasons.push({ code: "DUPLICATE_READING", detail: `same as ${earlier}` });
    }
    visits.push(draft(v.event === "check-in" ? v : null, v.event === "check-out" ? v : null));
  }
  proven.sort((a, b) => a.timeMs - b.timeMs || (a.event === b.event ? 0 : a.event === "check-in" ? -1 : 1));
  let open: ReadingVerdict | null = null;
  for (const v of proven) {
    if (v.event === "check-in") {
      if (open) visits.push(draft(open, null));
      open = v;
    } else if (open && v.timeMs - open.timeMs > maxVisitMs) {
      visits.push(draft(open, null));
      visits.push(draft(null, v));
      open = null;
    } else {
      visits.push(draft(open, v));
      open = null;
    }
  }
  if (open) visits.push(draft(open, null));
  return visits;
}

/** A visit of the readings given (either may be null), with their reasons. */
export function visitDraft(
  providerNumber: string,
  caregiverId: string | null,
  clientNdNumber: string,
  client: ClientInfo | null,
  checkIn: ReadingVerdict | null,
  checkOut: ReadingVerdict | null,
): VisitDraft {
  const reasons: Reason[] = [];
  if (checkIn) for (const r of checkIn.reasons) reasons.push(r);
  if (checkOut) for (const r of checkOut.reasons) reasons.push(r);
  const bothProven = checkIn !== null && checkOut !== null && checkIn.proven && checkOut.proven;
  if (checkIn?.proven && !checkOut) reasons.push({ code: "MISSING_CHECK_OUT" });
  if (checkOut?.proven && !checkIn) reasons.push({ code: "MISSING_CHECK_IN" });
  if (bothProven && checkIn.deviceId !== checkOut.deviceId) reasons.push({ code: "DEVICE_CHANGED", detail: `${checkIn.deviceId} then ${checkOut.deviceId}` });
  return {
    visitId: (checkIn ?? checkOut)?.readingId ?? "",
    providerNumber,
    caregiverId,
    clientNdNumber,
    client,
    manualEntry: null,
    manualTasksJson: null,
    checkIn,
    checkOut,
    deviceId: checkIn?.deviceId ?? checkOut?.deviceId ?? null,
    beginMs: bothProven ? checkIn.timeMs : null,
    endMs: bothProven ? checkOut.timeMs : null,
    tasks: [],
    tasksJson: "[]",
    categories: [],
    authorization: null,
    days: [],
    reasons,
    status: "verified",
    units: 0,
  };
}
