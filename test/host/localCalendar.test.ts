import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { DateTime } from "luxon";
import { LocalCalendar } from "../../host/verifier/localCalendar.js";

const ZONES = ["America/Chicago", "America/Denver", "Asia/Kathmandu", "UTC"];

describe("local calendar", () => {
  it("splits any interval into local-date slices that add up to the real elapsed time", () => {
    const calendar = new LocalCalendar();
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2028, 0, 1) }), fc.integer({ min: 0, max: 3 * 86400_000 }), (zone, begin, length) => {
        const slices = calendar.splitByLocalDate(zone, begin, begin + length);
        expect(slices.reduce((sum, s) => sum + s.ms, 0)).toBe(length);
        expect(slices[0].date).toBe(DateTime.fromMillis(begin, { zone }).toISODate());
        for (let i = 1; i < slices.length; i++) expect(DateTime.fromISO(slices[i].date).diff(DateTime.fromISO(slices[i - 1].date), "days").days).toBe(1);
      }),
    );
  });

  it("agrees with luxon on the local date of any instant (the local-day cache files each day under the UTC days it overlaps)", () => {
    const calendar = new LocalCalendar();
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2028, 0, 1) }), (zone, ms) => {
        expect(calendar.localDateOf(zone, ms)).toBe(DateTime.fromMillis(ms, { zone }).toISODate());
      }),
    );
  });

  it("has a 23-hour spring-forward day and a 25-hour fall-back day in Chicago", () => {
    const calendar = new LocalCalendar();
    const day = (date: string) => {
      const start = DateTime.fromISO(date, { zone: "America/Chicago" }).toMillis();
      return calendar.splitByLocalDate("America/Chicago", start, start + 30 * 3600_000)[0].ms / 3600_000;
    };
    expect(day("2026-03-08")).toBe(23);
    expect(day("2026-11-01")).toBe(25);
    expect(day("2026-04-14")).toBe(24);
  });

  it("starts weeks on Monday", () => {
    const calendar = new LocalCalendar();
    expect(calendar.weekOf("2026-04-13")).toBe("2026-04-13");
    expect(calendar.weekOf("2026-04-19")).toBe("2026-04-13");
    expect(calendar.weekOf("2026-04-20")).toBe("2026-04-20");
  });
});
