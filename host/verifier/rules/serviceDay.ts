// A service day: one provider's care for one client under one authorization on one local date,
// the unit ND bills by. Its reasons apply to every visit that contributed to it.
import type { Reason } from "../reasonCodes.js";
import type { VisitDay, VisitDraft } from "../visitDraft.js";
import type { AuthorizationInfo } from "../verificationContext.js";
import type { TaskCategory } from "../../domain/taskCategory.js";

export interface DaySegment {
  visit: VisitDraft;
  day: VisitDay;
  /** When this segment starts (for chronological caps). */
  beginMs: number;
}

export interface ServiceDay {
  authorization: AuthorizationInfo;
  providerNumber: string;
  clientNdNumber: string;
  date: string;
  segments: DaySegment[];
  reasons: Reason[];
  /** Set by the rules. */
  billable: boolean;
  units: number;
}

export function dayMinutes(day: ServiceDay): number {
  let total = 0;
  for (const s of day.segments) total += s.day.minutes;
  return total;
}

export function dayPaidMinutes(day: ServiceDay): number {
  let total = 0;
  for (const s of day.segments) total += s.day.paidMinutes;
  return total;
}

export function dayCategories(day: ServiceDay): TaskCategory[] {
  const set = new Set<TaskCategory>();
  for (const s of day.segments) for (const c of s.visit.categories) set.add(c);
  return [...set];
}

export function firstBeginMs(day: ServiceDay): number {
  let first = Infinity;
  for (const s of day.segments) if (s.beginMs < first) first = s.beginMs;
  return first;
}

/** Groups the billable visits' day slices into service days, in date order. */
export function buildServiceDays(visits: readonly VisitDraft[]): ServiceDay[] {
  const days = new Map<string, ServiceDay>();
  for (const visit of visits) {
    const authorization = visit.authorization!;
    let segmentBegin = visit.beginMs!;
    for (const day of visit.days) {
      if (day.unpaid) {
        segmentBegin += day.minutes * 60_000;
        continue;
      }
      const key = authorization.authorizationId + "|" + day.date;
      let serviceDay = days.get(key);
      if (!serviceDay) {
        serviceDay = {
          authorization,
          providerNumber: visit.providerNumber,
          clientNdNumber: visit.clientNdNumber,
          date: day.date,
          segments: [],
          reasons: [],
          billable: true,
          units: 0,
        };
        days.set(key, serviceDay);
      }
      serviceDay.segments.push({ visit, day, beginMs: segmentBegin });
      segmentBegin += day.minutes * 60_000;
    }
  }
  const list = [...days.values()];
  for (const d of list) d.segments.sort((a, b) => a.beginMs - b.beginMs);
  list.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : firstBeginMs(a) - firstBeginMs(b)));
  return list;
}

/** Marks a day not billable: nothing of it is paid. */
export function refuseDay(day: ServiceDay, reason: Reason): void {
  day.billable = false;
  day.reasons.push(reason);
  for (const s of day.segments) s.day.paidMinutes = 0;
}
