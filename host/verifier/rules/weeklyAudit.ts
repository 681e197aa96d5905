// More than 80 paid hours of care in a week (Monday to Sunday, local dates) flags the provider
// for audit: every visit of that provider in that week carries the flag.
import type { LocalCalendar } from "../localCalendar.js";
import { dayPaidMinutes, type ServiceDay } from "./serviceDay.js";

export const AUDIT_WEEK_MINUTES = 80 * 60;

export interface ProviderWeek {
  providerNumber: string;
  weekOf: string;
  minutes: number;
}

export function applyWeeklyAudit(days: readonly ServiceDay[], calendar: LocalCalendar): ProviderWeek[] {
  const weeks = new Map<string, { week: ProviderWeek; days: ServiceDay[] }>();
  for (const d of days) {
    if (!d.billable) continue;
    const weekOf = calendar.weekOf(d.date);
    const key = d.providerNumber + "|" + weekOf;
    let entry = weeks.get(key);
    if (!entry) {
      entry = { week: { providerNumber: d.providerNumber, weekOf, minutes: 0 }, days: [] };
      weeks.set(key, entry);
    }
    entry.week.minutes += dayPaidMinutes(d);
    entry.days.push(d);
  }
  const flagged: ProviderWeek[] = [];
  for (const { week, days: weekDays } of weeks.values()) {
    if (week.minutes <= AUDIT_WEEK_MINUTES) continue;
    flagged.push(week);
    for (const d of weekDays) d.reasons.push({ code: "WEEK_OVER_80_HOURS", detail: `${(week.minutes / 60).toFixed(1)} h in the week of ${week.weekOf}` });
  }
  return flagged;
}
