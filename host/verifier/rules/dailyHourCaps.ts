// Daily hour caps per provider, combined across the clients it serves, applied in time order
// (the minutes past a cap are the ones not paid):
//  - 12 paid hours of unit-rate (T1019) care, unless the authorization has prior approval;
//  - 10 hours under Family Home Care, Family Personal Care, SPED-PC daily, or for a live-in
//    family/household member;
//  - a live-in provider's 10 hours (where the 10-hour limit applies) split across all live-in
//    recipients that day: each recipient's share is the service agreement's hours per day,
//    else an equal share.
import { TEN_HOUR_PROGRAMS } from "../../domain/authorization.js";
import { isCloseRelation } from "../../domain/provider.js";
import type { AuthorizationInfo, ProviderInfo } from "../verificationContext.js";
import type { DaySegment, ServiceDay } from "./serviceDay.js";

export const UNIT_RATE_DAILY_CAP_MINUTES = 12 * 60;
export const TEN_HOUR_CAP_MINUTES = 10 * 60;

export function tenHourCapApplies(authorization: AuthorizationInfo, provider: ProviderInfo | undefined): boolean {
  if (TEN_HOUR_PROGRAMS.includes(authorization.serviceProgram)) return true;
  if (!authorization.liveIn) return false;
  const relation = provider?.livesWith.get(authorization.clientNdNumber);
  return relation !== undefined && isCloseRelation(relation);
}

export function applyDailyHourCaps(days: readonly ServiceDay[], providers: ReadonlyMap<string, ProviderInfo>): void {
  const byProviderDate = new Map<string, ServiceDay[]>();
  for (const d of days) {
    if (!d.billable) continue;
    const key = d.providerNumber + "|" + d.date;
    const list = byProviderDate.get(key);
    if (list) list.push(d);
    else byProviderDate.set(key, [d]);
  }
  for (const list of byProviderDate.values()) capProviderDay(list, providers.get(list[0].providerNumber));
}

function capProviderDay(days: ServiceDay[], provider: ProviderInfo | undefined): void {
  const liveInRecipients = new Set(days.filter((d) => d.authorization.liveIn).map((d) => d.clientNdNumber));
  const segments: { segment: DaySegment; day: ServiceDay }[] = [];
  for (const day of days) for (const segment of day.segments) segments.push({ segment, day });
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
        addOnce(day, "LIVE_IN_SPLIT", `share ${share} min of ${liveInRecipients.size} recipient(s)`);
      }
    }
    if (tenHour) {
      const room = Math.max(0, TEN_HOUR_CAP_MINUTES - tenHourPaid);
      if (allowed > room) {
        allowed = room;
        addOnce(day, "CAP_10_HOURS");
      }
    }
    if (auth.procedureCode === "T1019" && !auth.priorApprovalOver12Hours) {
      const room = Math.max(0, UNIT_RATE_DAILY_CAP_MINUTES - unitRatePaid);
      if (allowed > room) {
        allowed = room;
        addOnce(day, "CAP_12_HOURS");
      }
    }
    if (auth.liveIn) liveInPaid.set(auth.clientNdNumber, liveInUsed + allowed);
    segment.day.paidMinutes = allowed;
    if (auth.procedureCode === "T1019") unitRatePaid += allowed;
    if (tenHour) tenHourPaid += allowed;
  }
}

function addOnce(day: ServiceDay, code: "CAP_12_HOURS" | "CAP_10_HOURS" | "LIVE_IN_SPLIT", detail?: string): void {
  if (!day.reasons.some((r) => r.code === code)) day.reasons.push({ code, detail: detail ?? day.date });
}
