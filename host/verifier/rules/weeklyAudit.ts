// More than 80 paid hours of care in a week (Monday to Sunday, local dates) flags the
// individual caregiver (and their QSP) for audit, combined across the clients that person
// serves: every visit of that caregiver in that week carries the flag.
import type { LocalCalendar } from "../localCalendar.js";
import type { VisitDraft } from "../visitDraft.js";
import type { ServiceDay } from "./serviceDay.js";

export const AUDIT_WEEK_MINUTES = 80 * 60;

export interface CaregiverWeek {
  providerNumber: string;
  caregiverId: string;
  weekOf: string;
  minutes: number;
}

export function applyWeeklyAudit(days: readonly ServiceDay[], calendar: LocalCalendar): CaregiverWeek[] {
  const weeks = new Map<string, { week: CaregiverWeek; visits: VisitDraft[] }>();
  for (const d of days) {
    if (!d.billable) continue;
    const weekOf = calendar.weekOf(d.date);
    for (const s of d.segments) {
      const caregiverId = s.visit.caregiverId ?? "";
      const key = d.providerNumber + "|" + caregiverId + "|" + weekOf;
      let entry = weeks.get(key);
      if (!entry) {
        entry = { week: { providerNumber: d.providerNumber, caregiverId, weekOf, minutes: 0 }, visits: [] };
        weeks.set(key, entry);
      }
      entry.week.minutes += s.day.paidMinutes;
      entry.visits.push(s.visit); // a visit across midnight comes twice: flagged once, below
    }
  }
  const flagged: CaregiverWeek[] = [];
  for (const { week, visits } of weeks.values()) {
    if (week.minutes <= AUDIT_WEEK_MINUTES) continue;
    flagged.push(week);
    const detail = `${week.caregiverId} of ${week.providerNumber}: ${(week.minutes / 60).toFixed(1)} h in the week of ${week.weekOf}`;
    for (const v of visits) if (!v.reasons.some((r) => r.code === "WEEK_OVER_80_HOURS" && r.detail === detail)) v.reasons.push({ code: "WEEK_OVER_80_HOURS", detail });
  }
  return flagged;
}
