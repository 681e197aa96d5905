// Local dates in a service location's time zone, cached so the verifier's hot path calls luxon
// once per zone and local day rather than once per visit: each local day, once computed, is
// filed under every UTC day it overlaps (at most three), and an instant is looked up among the
// few local days filed under its UTC day.
import { DateTime } from "luxon";

const DAY_MS = 86_400_000;

interface LocalDay {
  date: string;
  /** The local midnight that starts the day, UTC ms. */
  startMs: number;
  /** The next local midnight, UTC ms. */
  nextMidnightMs: number;
}

export interface LocalDaySlice {
  date: string;
  /** Real elapsed milliseconds of the visit on that local date (a DST day is 23 or 25 hours). */
  ms: number;
}

export class LocalCalendar {
  /** zone → UTC day number → the local days that overlap it. */
  private readonly days = new Map<string, Map<number, LocalDay[]>>();
  private readonly weeks = new Map<string, string>();

  localDateOf(zone: string, ms: number): string {
    return this.localDay(zone, ms).date;
  }

  /** Splits [beginMs, endMs) at local midnights. */
  splitByLocalDate(zone: string, beginMs: number, endMs: number): LocalDaySlice[] {
    const slices: LocalDaySlice[] = [];
    let from = beginMs;
    while (from < endMs) {
      const q = this.localDay(zone, from);
      const to = Math.min(endMs, q.nextMidnightMs);
      slices.push({ date: q.date, ms: to - from });
      from = to;
    }
    if (slices.length === 0) slices.push({ date: this.localDateOf(zone, beginMs), ms: 0 });
    return slices;
  }

  /** The Monday (YYYY-MM-DD) that starts the week of a local date. */
  weekOf(date: string): string {
    let week = this.weeks.get(date);
    if (week === undefined) {
      week = DateTime.fromISO(date, { zone: "UTC" }).startOf("week").toISODate()!;
      this.weeks.set(date, week);
    }
    return week;
  }

  private localDay(zone: string, ms: number): LocalDay {
    let zoneDays = this.days.get(zone);
    if (zoneDays === undefined) {
      zoneDays = new Map();
      this.days.set(zone, zoneDays);
    }
    const utcDay = Math.floor(ms / DAY_MS);
    const filed = zoneDays.get(utcDay);
    if (filed !== undefined) for (const d of filed) if (d.startMs <= ms && ms < d.nextMidnightMs) return d;
    const local = DateTime.fromMillis(ms, { zone });
    const start = local.startOf("day");
    const day: LocalDay = { date: local.toISODate()!, startMs: Math.min(start.toMillis(), ms), nextMidnightMs: start.plus({ days: 1 }).toMillis() };
    for (let d = Math.floor(day.startMs / DAY_MS); d * DAY_MS < day.nextMidnightMs; d++) {
      const list = zoneDays.get(d);
      if (list) list.push(day);
      else zoneDays.set(d, [day]);
    }
    return day;
  }
}
