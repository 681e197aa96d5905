// Units must stay within the authorization, counted in date order over its period: meal
// preparation and laundry/shopping/housekeeping never beyond their own units; ADL, medication
// assistance and other flex within the total. A day's units are shared among the categories of
// the tasks recorded that day (evenly, the remainder to flexible categories first).
import { CAPPED_CATEGORIES, FLEXIBLE_CATEGORIES, type TaskCategory } from "../../domain/taskCategory.js";
import { totalUnits } from "../../domain/authorization.js";
import { dayCategories, type ServiceDay } from "./serviceDay.js";

export function shareUnits(units: number, categories: readonly TaskCategory[]): Map<TaskCategory, number> {
  const ordered = [...FLEXIBLE_CATEGORIES.filter((c) => categories.includes(c)), ...CAPPED_CATEGORIES.filter((c) => categories.includes(c))];
  const share = new Map<TaskCategory, number>();
  if (ordered.length === 0) ordered.push("other");
  const base = Math.floor(units / ordered.length);
  let remainder = units - base * ordered.length;
  for (const c of ordered) {
    share.set(c, base + (remainder > 0 ? 1 : 0));
    if (remainder > 0) remainder--;
  }
  return share;
}

export function applyAuthorizedUnits(days: readonly ServiceDay[]): void {
  const usedByAuthorization = new Map<string, { total: number; byCategory: Map<TaskCategory, number>; days: number }>();
  for (const d of days) {
    if (!d.billable || d.units === 0) continue;
    const auth = d.authorization;
    let used = usedByAuthorization.get(auth.authorizationId);
    if (!used) {
      used = { total: 0, byCategory: new Map(), days: 0 };
      usedByAuthorization.set(auth.authorizationId, used);
    }
    if (auth.procedureCode === "T1020") {
      if (auth.maxDays !== null && used.days >= auth.maxDays) {
        d.reasons.push({ code: "MAX_DAYS_EXCEEDED", detail: `${auth.maxDays} days authorized` });
        d.units = 0;
      } else used.days++;
      continue;
    }
    if (auth.units === null) continue;
    let units = 0;
    for (const [category, wanted] of shareUnits(d.units, dayCategories(d))) {
      let granted = wanted;
      if (CAPPED_CATEGORIES.includes(category)) {
        const room = Math.max(0, auth.units[category] - (used.byCategory.get(category) ?? 0));
        if (granted > room) {
          granted = room;
          d.reasons.push({ code: "UNITS_OVER_CATEGORY", detail: `${category}: ${auth.units[category]} authorized` });
        }
      }
      used.byCategory.set(category, (used.byCategory.get(category) ?? 0) + granted);
      units += granted;
    }
    const room = Math.max(0, totalUnits(auth.units) - used.total);
    if (units > room) {
      d.reasons.push({ code: "UNITS_OVER_AUTHORIZATION", detail: `${totalUnits(auth.units)} authorized in total` });
      units = room;
    }
    used.total += units;
    d.units = units;
  }
}
