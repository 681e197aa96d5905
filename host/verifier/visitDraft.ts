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
  clientNdNumber: string;
  client: ClientInfo | null;
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

export function isBillableCandidate(visit: VisitDraft): boolean {
  return visit.status !== "rejected" && visit.beginMs !== null && visit.endMs !== null && visit.authorization !== null;
}
