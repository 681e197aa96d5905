// The North Dakota billing rules (DESIGN.md section 9), in the order they bind: who may bill a
// date at all, then the hour caps, then units, then the authorization's units, then the audit
// flag. Finally each day's units go back to its visits in time order.
import type { VisitDraft } from "../visitDraft.js";
import type { VerificationContext } from "../verificationContext.js";
import type { LocalCalendar } from "../localCalendar.js";
import { buildServiceDays, type ServiceDay } from "./serviceDay.js";
import { applyLiveInSameDate } from "./liveInSameDate.js";
import { applyDailyRateDays } from "./dailyRateDays.js";
import { applyDailyHourCaps } from "./dailyHourCaps.js";
import { applyDayUnits } from "./dayUnits.js";
import { applyAuthorizedUnits, type UnitsCarry, type UnitsWeekState } from "./authorizedUnits.js";
import { applyWeeklyAudit, type CaregiverWeek } from "./weeklyAudit.js";
import { unitRateUnits } from "./unitRateUnits.js";

export interface RulesOutcome {
  serviceDays: ServiceDay[];
  auditWeeks: CaregiverWeek[];
  /** Each authorization span's units accumulator at the end of every week that used it. */
  unitsWeeks: UnitsWeekState[];
}

/** `visits`: complete, not rejected, with an authorization and day slices. */
/** `unitsCarry`: the authorized units used before the visits given (a windowed run, runPlan.ts), by authorization and span. */
export function applyNorthDakotaRules(
  visits: VisitDraft[],
  ctx: VerificationContext,
  calendar: LocalCalendar,
  unitsCarry?: UnitsCarry,
): RulesOutcome {
  const days = buildServiceDays(visits);
  applyLiveInSameDate(days);
  applyDailyRateDays(days, ctx.clients);
  applyDailyHourCaps(days, ctx.providers);
  applyDayUnits(days);
  const unitsWeeks = applyAuthorizedUnits(days, calendar, unitsCarry);
  const auditWeeks = applyWeeklyAudit(days, calendar);
  for (const d of days) distributeUnits(d);
  for (const v of visits) settleRefusedDays(v);
  return { serviceDays: days, auditWeeks, unitsWeeks };
}

/**
 * A date rule refuses a day, not a visit: a visit across midnight with one day refused keeps
 * its other days, paid, and a DAY_REFUSED flag names the refused day and why. A visit whose
 * days are all refused takes the rules' own (rejecting) reasons.
 */
function settleRefusedDays(visit: VisitDraft): void {
  let refused = 0;
  let paid = 0;
  for (const d of visit.days) {
    if (d.refusedBy) refused++;
    else if (!d.unpaid) paid++;
  }
  if (refused === 0) return;
  for (const d of visit.days) {
    if (!d.refusedBy) continue;
    for (const r of d.refusedBy) visit.reasons.push(paid > 0 ? { code: "DAY_REFUSED", detail: `${d.date}: ${r.detail ? `${r.code} (${r.detail})` : r.code}` } : r);
  }
}

/** Gives each visit its part of the day's units (cumulative paid minutes) and the day's reasons (a refused day's are settled per visit, below). */
function distributeUnits(day: ServiceDay): void {
  const unitRate = day.authorization.procedureCode === "T1019";
  let paidSoFar = 0;
  let given = 0;
  for (let i = 0; i < day.segments.length; i++) {
    const s = day.segments[i];
    if (day.billable) for (const r of day.reasons) s.visit.reasons.push(r);
    else s.day.refusedBy = day.reasons;
    paidSoFar += s.day.paidMinutes;
    let share: number;
    if (unitRate) share = Math.min(day.units - given, Math.max(0, unitRateUnits(paidSoFar) - given));
    else share = i === 0 ? day.units : 0;
    if (i === day.segments.length - 1) share = day.units - given;
    s.day.units = share;
    given += share;
  }
}
