// Local dates in a service location's time zone, cached so the verifier's hot path calls luxon
// once per zone and quarter-hour rather than once per visit. (Every zone offset is a multiple
// of 15 minutes, so a UTC quarter-hour never straddles a local midnight.)
import { DateTime } from "luxon";

const QUARTER_HOUR_MS = 15 * 60 * 1000;

interface QuarterInfo {
  date: string;
  /** The next local midnight, UTC ms. */
  nextMidnightMs: number;
}

export interface LocalDaySlice {
  date: string;
  /** Real elapsed milliseconds of the visit on that local date (a DST day is 23 or 25 hours). */
  ms: number;
}

export class LocalCalendar {
  /** zone → quarter-hour bucket → local date and next midnight. */
  private readonly quarters = new Map<string, Map<number, QuarterInfo>>();
  private readonly weeks = new Map<string, string>();

  localDateOf(zone: string, ms: number): string {
    return this.quarter(zone, ms).date;
  }

  /** Splits [beginMs, endMs) at local midnights. */
  splitByLocalDate(zone: string, beginMs: number, endMs: number): LocalDaySlice[] {
    const slices: LocalDaySlice[] = [];
    let from = beginMs;
    while (from < endMs) {
      const q = this.quarter(zone, from);
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

  private quarter(zone: string, ms: number): QuarterInfo {
    const bucket = Math.floor(ms / QUARTER_HOUR_MS);
    let zoneQuarters = this.quarters.get(zone);
    if (zoneQuarters === undefined) {
      zoneQuarters = new Map();
      this.quarters.set(zone, zoneQuarters);
    }
    let info = zoneQuarters.get(bucket);
    if (info === undefined) {
      const local = DateTime.fromMillis(bucket * QUARTER_HOUR_MS, { zone });
      info = { date: local.toISODate()!, nextMidnightMs: local.startOf("day").plus({ days: 1 }).toMillis() };
      zoneQuarters.set(bucket, info);
    }
    return info;
  }
}
