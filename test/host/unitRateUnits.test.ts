import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { unitRateUnits } from "../../host/verifier/rules/unitRateUnits.js";

describe("T1019 units from a day's minutes", () => {
  it.each([
    [0, 0],
    [7, 0],
    [8, 1],
    [22, 1],
    [23, 2],
    [37, 2],
    [38, 3],
    [53, 4],
    [68, 5],
    [83, 6],
    [98, 7],
    [112, 7],
    [113, 8],
    [114, 8],
    [127, 8],
    [128, 9],
  ])("%i minutes bill %i units", (minutes, units) => {
    expect(unitRateUnits(minutes)).toBe(units);
  });

  it("adds exactly one unit for every further 15 minutes from 8 minutes on", () => {
    fc.assert(fc.property(fc.integer({ min: 8, max: 24 * 60 }), (m) => unitRateUnits(m + 15) === unitRateUnits(m) + 1));
  });

  it("never decreases as minutes grow", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 24 * 60 }), fc.integer({ min: 0, max: 60 }), (m, extra) => unitRateUnits(m + extra) >= unitRateUnits(m)));
  });
});
