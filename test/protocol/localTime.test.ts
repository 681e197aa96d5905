import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { DateTime } from "luxon";
import { daysFromCivil, localOffsetMinutes, yearOfDays, ZONE_RULE_NONE, ZONE_RULE_US } from "../../protocol/localTime.js";

const ZONES = [
  { name: "America/Chicago", offset: -360, rule: ZONE_RULE_US },
  { name: "America/Denver", offset: -420, rule: ZONE_RULE_US },
  { name: "America/New_York", offset: -300, rule: ZONE_RULE_US },
  { name: "America/Phoenix", offset: -420, rule: ZONE_RULE_NONE },
];

describe("local time on the fob", () => {
  it("the offset of a zone setting equals the IANA zone's at every instant from 2007 (today's US rule) to 2099", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2007, 0, 1) / 1000, max: Date.UTC(2099, 11, 31) / 1000 }), fc.constantFrom(...ZONES), (t, zone) => {
        expect(localOffsetMinutes(zone.offset, zone.rule, t)).toBe(DateTime.fromSeconds(t, { zone: zone.name }).offset);
      }),
      { numRuns: 2000 },
    );
  });

  it("switches at the exact second: 2026-03-08 08:00 UTC and 2026-11-01 07:00 UTC in Chicago", () => {
    const start = Date.UTC(2026, 2, 8, 8, 0, 0) / 1000;
    const end = Date.UTC(2026, 10, 1, 7, 0, 0) / 1000;
    expect(localOffsetMinutes(-360, ZONE_RULE_US, start - 1)).toBe(-360);
    expect(localOffsetMinutes(-360, ZONE_RULE_US, start)).toBe(-300);
    expect(localOffsetMinutes(-360, ZONE_RULE_US, end - 1)).toBe(-300);
    expect(localOffsetMinutes(-360, ZONE_RULE_US, end)).toBe(-360);
  });

  it("days and years round-trip with the calendar", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1900, max: 2200 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), (y, m, d) => {
        const days = daysFromCivil(y, m, d);
        expect(days).toBe(Date.UTC(y, m - 1, d) / 86400000);
        expect(yearOfDays(days)).toBe(y);
      }),
    );
  });
});
