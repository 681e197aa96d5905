// A visit as the verifier builds it: paired readings, then per-day minutes, paid minutes and
// units as the rules decide them.
import type { ReadingVerdict } from "./readingEvidence.js";
import type { Reason, VisitStatus } from "./reasonCodes.js";
import type { AuthorizationInfo, ClientInfo } from "./verificationContext.js";
import type { TaskCategory } from "../domain/taskCategory.js";

export interface VisitDay {
  date: string;
  /** Real elapsed minutes of care on that local date. */
  minutes: number;
  /** Minutes the caps leave payable. */
  paidMinutes: number;
  units: number;
  /** Set for a day that cannot be paid while the visit's first day can (past the authorization's end, after the date of death): the rules leave it out. */
  unpaid?: boolean;
  /** Set by a date rule that refused this day (live-in same date, daily rate absent or already billed): its reasons. */
  refusedBy?: Reason[];
}

export interface VisitDraft {
  visitId: string;
  providerNumber: string;
  /** The individual caregiver; null when an agency's readings named none. */
  caregiverId: string | null;
  clientNdNumber: string;
  client: ClientInfo | null;
  /** The manual entry (manual_visits.entry_id) that recorded or corrected this visit; null when the device alone proved it. */
  manualEntry: number | null;
  /** Tasks a manual entry recorded (JSON), instead of the readings'. */
  manualTasksJson: string | null;
  checkIn: ReadingVerdict | null;
  checkOut: ReadingVerdict | null;
  deviceId: string | null;
  beginMs: number | null;
  endMs: number | null;
  tasks: string[];
  /** `tasks` as JSON (the stored reading's text, which the import wrote with JSON.stringify). */
  tasksJson: string;
  categories: TaskCategory[];
  authorization: AuthorizationInfo | null;
  days: VisitDay[];
  reasons: Reason[];
  status: VisitStatus;
  units: number;
}

/** A visit the ND rules pay: not rejected, complete, authorized, and with a known caregiver (caps and the audit are per person). */
export function isBillableCandidate(visit: VisitDraft): boolean {
  return visit.status !== "rejected" && visit.beginMs !== null && visit.endMs !== null && visit.authorization !== null && visit.caregiverId !== null;
}
