// Daily hour caps per individual caregiver (an individual QSP, or the agency employee who gave
// the care), combined across the clients that person serves, applied in time order (the
// minutes past a cap are the ones not paid; the visit whose minutes were cut carries the reason):
//  - 12 paid hours of unit-rate (T1019) care, unless the authorization has prior approval (then
//    the hours beyond 12 are paid and flagged PRIOR_APPROVED_OVER_12_HOURS for the auditor);
//  - 10 hours under Family Home Care, Family Personal Care, SPED-PC daily, or for a live-in
//    family/household member;
//  - a live-in provider's 10 hours (where the 10-hour limit applies) split across all live-in
//    recipients that day: each recipient's share is the service agreement's hours per day,
//    else an equal share.
import { TEN_HOUR_PROGRAMS } from "../../domain/authorization.js";
import { isCloseRelation } from "../../domain/provider.js";
import type { AuthorizationInfo, ProviderInfo } from "../verificationContext.js";
import type { DaySegment, ServiceDay } from "./serviceDay.js";
import type { VisitDraft } from "../visitDraft.js";

export const UNIT_RATE_DAILY_CAP_MINUTES = 12 * 60;
export const TEN_HOUR_CAP_MINUTES = 10 * 60;

export function tenHourCapApplies(authorization: AuthorizationInfo, provider: ProviderInfo | undefined): boolean {
  if (TEN_HOUR_PROGRAMS.includes(authorization.serviceProgram)) return true;
  if (!authorization.liveIn) return false;
  const relation = provider?.livesWith.get(authorization.clientNdNumber);
  return relation !== undefined && isCloseRelation(relation);
}

type CaregiverSegment = { segment: DaySegment; day: ServiceDay };

export function applyDailyHourCaps(days: readonly ServiceDay[], providers: ReadonlyMap<string, ProviderInfo>): void {
  const byCaregiverDate = new Map<string, CaregiverSegment[]>();
  for (const day of days) {
    if (!day.billable) continue;
    for (const segment of day.segments) {
      const key = day.providerNumber + "|" + segment.visit.caregiverId + "|" + day.date;
      const list = byCaregiverDate.get(key);
      if (list) list.push({ segment, day });
      else byCaregiverDate.set(key, [{ segment, day }]);
    }
  }
  for (const list of byCaregiverDate.values()) capCaregiverDay(list, providers.get(list[0].day.providerNumber));
}

function capCaregiverDay(segments: CaregiverSegment[], provider: ProviderInfo | undefined): void {
  const liveInRecipients = new Set(segments.filter((s) => s.day.authorization.liveIn).map((s) => s.day.clientNdNumber));
  segments.sort((a, b) => a.segment.beginMs - b.segment.beginMs);

  let unitRatePaid = 0;
  let tenHourPaid = 0;
  const liveInPaid = new Map<string, number>();
  for (const { segment, day } of segments) {
    const auth = day.authorization;
    let allowed = segment.day.paidMinutes;
    // The most specific cap first, so the reason names it: the recipient's live-in share,
    // then the provider's 10-hour day, then the 12-hour unit-rate day.
    const liveInUsed = liveInPaid.get(auth.clientNdNumber) ?? 0;
    const tenHour = tenHourCapApplies(auth, provider);
    if (auth.liveIn && tenHour && (liveInRecipients.size > 1 || auth.serviceAgreementHoursPerDay !== null)) {
      const share = auth.serviceAgreementHoursPerDay !== null ? Math.min(auth.serviceAgreementHoursPerDay * 60, TEN_HOUR_CAP_MINUTES) : Math.floor(TEN_HOUR_CAP_MINUTES / liveInRecipients.size);
      const room = Math.max(0, share - liveInUsed);
      if (allowed > room) {
        allowed = room;
        addOnce(segment.visit, "LIVE_IN_SPLIT", `share ${share} min of ${liveInRecipients.size} recipient(s) on ${day.date}`);
      }
    }
    if (tenHour) {
      const room = Math.max(0, TEN_HOUR_CAP_MINUTES - tenHourPaid);
      if (allowed > room) {
        allowed = room;
        addOnce(segment.visit, "CAP_10_HOURS", day.date);
      }
    }
    if (auth.procedureCode === "T1019") {
      const room = Math.max(0, UNIT_RATE_DAILY_CAP_MINUTES - unitRatePaid);
      if (allowed > room) {
        if (auth.priorApprovalOver12Hours) addOnce(segment.visit, "PRIOR_APPROVED_OVER_12_HOURS", day.date);
        else {
          allowed = room;
          addOnce(segment.visit, "CAP_12_HOURS", day.date);
        }
      }
    }
    if (auth.liveIn) liveInPaid.set(auth.clientNdNumber, liveInUsed + allowed);
    segment.day.paidMinutes = allowed;
    if (auth.procedureCode === "T1019") unitRatePaid += allowed;
    if (tenHour) tenHourPaid += allowed;
  }
}

function addOnce(visit: VisitDraft, code: "CAP_12_HOURS" | "CAP_10_HOURS" | "LIVE_IN_SPLIT" | "PRIOR_APPROVED_OVER_12_HOURS", detail: string): void {
  if (!visit.reasons.some((r) => r.code === code)) visit.reasons.push({ code, detail });
}
