// Units must stay within the authorization, counted in date order over each span it is
// written for (the whole period, each Monday-to-Sunday week, or each calendar month): meal
// preparation and laundry/shopping/housekeeping never beyond their own units; ADL, medication
// assistance and other flex within the total. A day's units are shared among the categories of
// the tasks recorded that day (evenly, the remainder to flexible categories first).
import { CAPPED_CATEGORIES, FLEXIBLE_CATEGORIES, type TaskCategory } from "../../domain/taskCategory.js";
import { totalUnits } from "../../domain/authorization.js";
import { dayCategories, type ServiceDay } from "./serviceDay.js";
import type { AuthorizationInfo } from "../verificationContext.js";
import type { LocalCalendar } from "../localCalendar.js";

/** The span of an authorization's units a date counts against ("" for the whole period). */
export function unitsSpanOf(authorization: AuthorizationInfo, date: string, calendar: LocalCalendar): string {
  if (authorization.unitsPer === "week") return calendar.weekOf(date);
  if (authorization.unitsPer === "month") return date.slice(0, 7);
  return "";
}

const PER: Record<AuthorizationInfo["unitsPer"], string> = { period: "", week: " a week", month: " a month" };

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

/** An authorization span's accumulator: units granted in all and per category, and days counted (T1020). */
export interface UnitsUsed {
  total: number;
  byCategory: Map<TaskCategory, number>;
  days: number;
}

/** A span's accumulator from before the days a run verifies (a window's days before its cut), or undefined to start from nothing. */
export type UnitsCarry = (authorization: AuthorizationInfo, span: string) => UnitsUsed | undefined;

/** The accumulator of an authorization's span at the end of a week (Monday date) that used it: what a window from the next Monday on starts from. */
export interface UnitsWeekState {
  providerNumber: string;
  clientNdNumber: string;
  authorizationId: string;
  span: string;
  week: string;
  total: number;
  /** byCategory as JSON, keys sorted. */
  byCategory: string;
  days: number;
}

export function unitsByCategoryJson(byCategory: ReadonlyMap<TaskCategory, number>): string {
  const out: Record<string, number> = {};
  for (const k of [...byCategory.keys()].sort()) out[k] = byCategory.get(k)!;
  return JSON.stringify(out);
}

export function unitsByCategoryOfJson(json: string): Map<TaskCategory, number> {
  return new Map(Object.entries(JSON.parse(json) as Record<string, number>) as [TaskCategory, number][]);
}

/** A span's accumulator while the days go by, with the week it has reached. */
type SpanInWeek = UnitsUsed & { authorization: AuthorizationInfo; span: string; week: string };

/**
 * Applies the authorized units in date order. `carry(authorization, span)` gives a span's
 * accumulator from before the days given (a windowed run: the days before its cut), or
 * undefined to start from nothing. Returns each span's accumulator at the end of every week
 * whose days used it.
 */
export function applyAuthorizedUnits(days: readonly ServiceDay[], calendar: LocalCalendar, carry?: UnitsCarry): UnitsWeekState[] {
  const usedByAuthorization = new Map<string, SpanInWeek>();
  const states: UnitsWeekState[] = [];
  const snapshot = (used: SpanInWeek) =>
    states.push({
      providerNumber: used.authorization.providerNumber,
      clientNdNumber: used.authorization.clientNdNumber,
      authorizationId: used.authorization.authorizationId, span: used.span, week: used.week, total: used.total, byCategory: unitsByCategoryJson(used.byCategory), days: used.days });
  for (const d of days) {
    if (!d.billable || d.units === 0) continue;
    const auth = d.authorization;
    const span = unitsSpanOf(auth, d.date, calendar);
    const key = auth.authorizationId + "|" + span;
    const week = calendar.weekOf(d.date);
    const per = PER[auth.unitsPer];
    let used = usedByAuthorization.get(key);
    if (!used) {
      const from = carry?.(auth, span);
      used = { total: from?.total ?? 0, byCategory: from ? new Map(from.byCategory) : new Map(), days: from?.days ?? 0, authorization: auth, span, week };
      usedByAuthorization.set(key, used);
    } else if (used.week !== week) {
      snapshot(used);
      used.week = week;
    }
    if (auth.procedureCode === "T1020") {
      if (auth.maxDays !== null && used.days >= auth.maxDays) {
        d.reasons.push({ code: "MAX_DAYS_EXCEEDED", detail: `${auth.maxDays} days authorized${per}` });
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
          d.reasons.push({ code: "UNITS_OVER_CATEGORY", detail: `${category}: ${auth.units[category]} authorized${per}, on ${d.date}` });
        }
      }
      used.byCategory.set(category, (used.byCategory.get(category) ?? 0) + granted);
      units += granted;
    }
    const room = Math.max(0, totalUnits(auth.units) - used.total);
    if (units > room) {
      d.reasons.push({ code: "UNITS_OVER_AUTHORIZATION", detail: `${totalUnits(auth.units)} authorized in total${per}, on ${d.date}` });
      units = room;
    }
    used.total += units;
    d.units = units;
  }
  for (const used of usedByAuthorization.values()) snapshot(used);
  return states;
}
