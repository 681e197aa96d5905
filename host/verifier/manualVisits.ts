// Manual visit entries (host/domain/manualVisit.ts) as the verifier applies them to one provider
// and client's visits: a correction sets the real begin or end of the visit it names (the device
// readings stay as they were, for the record), a new entry becomes a visit of its own. Either way
// the visit carries MANUAL_CORRECTION or MANUAL_ENTRY, so it is never shown as device-verified.
import type { VisitDraft } from "./visitDraft.js";
import type { ClientInfo } from "./verificationContext.js";
import type { Reason } from "./reasonCodes.js";
import { statusOf } from "./reasonCodes.js";
import { visitDraft } from "./visitPairing.js";

/** A manual_visits row as the verifier reads it. */
export interface ManualEntryRow {
  entry_id: number;
  visit_id: string;
  corrects_visit: string | null;
  caregiver_id: string;
  begin_ms: number | null;
  end_ms: number | null;
  tasks: string;
  reason: string;
  entered_by: string;
}

export const MANUAL_ENTRY_COLUMNS = "entry_id, visit_id, corrects_visit, caregiver_id, begin_ms, end_ms, tasks, reason, entered_by";

/** What the readings left open that a correction settles. */
const SETTLED_BY_CORRECTION = new Set<Reason["code"]>(["MISSING_CHECK_IN", "MISSING_CHECK_OUT", "CAREGIVER_NOT_NAMED"]);

/** Applies the pair's entries in the order they were made; returns the visits (corrected in place, new ones appended). */
export function applyManualEntries(visits: VisitDraft[], entries: readonly ManualEntryRow[], providerNumber: string, clientNdNumber: string, client: ClientInfo | null): void {
  for (const e of entries) {
    const detail = `entry ${e.entry_id}: ${e.reason}, by ${e.entered_by}`;
    const target = e.corrects_visit === null ? undefined : visits.find((v) => v.visitId === e.corrects_visit);
    // A visit the readings could not prove at all (rejected) is not patched: the entry records the visit anew.
    if (target && statusWithoutOpenEnds(target) !== "rejected") {
      const begin = e.begin_ms ?? target.beginMs ?? (target.checkIn?.proven ? target.checkIn.timeMs : null);
      const end = e.end_ms ?? target.endMs ?? (target.checkOut?.proven ? target.checkOut.timeMs : null);
      target.beginMs = begin;
      target.endMs = end;
      target.caregiverId = e.caregiver_id;
      target.reasons = target.reasons.filter((r) => !SETTLED_BY_CORRECTION.has(r.code));
      if (begin === null || end === null) target.reasons.push({ code: "MISSING_CHECK_OUT", detail: "the correction left the visit open" });
      target.reasons.push({ code: "MANUAL_CORRECTION", detail });
      if (e.tasks !== "[]") target.manualTasksJson = e.tasks;
      target.manualEntry = e.entry_id;
      continue;
    }
    const reasons: Reason[] = [{ code: "MANUAL_ENTRY", detail }];
    if (e.corrects_visit !== null) reasons.push({ code: "MANUAL_TARGET_NOT_CORRECTABLE", detail: `${e.corrects_visit}: ${target ? "rejected" : "no such visit for this provider and client"}` });
    const visit = visitDraft(providerNumber, e.caregiver_id, clientNdNumber, client, null, null);
    visit.visitId = e.visit_id;
    visit.manualEntry = e.entry_id;
    visit.manualTasksJson = e.tasks;
    visit.beginMs = e.begin_ms;
    visit.endMs = e.end_ms;
    visit.reasons = reasons;
    visits.push(visit);
  }
}

function statusWithoutOpenEnds(v: VisitDraft) {
  return statusOf(v.reasons.filter((r) => !SETTLED_BY_CORRECTION.has(r.code)));
}
