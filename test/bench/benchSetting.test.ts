// The benches' BENCH_* settings: a value a setting does not take ends the bench naming the
// variable and what it takes; an unset one is the default.
import { afterEach, describe, expect, it } from "vitest";
import { aboveZero, benchNumber, benchNumberList, count, notNegative, optionalBenchNumber, positive, sqlitePageSize } from "../../bench/benchSetting.js";

const NAME = "BENCH_SETTING_UNDER_TEST";
afterEach(() => {
  delete process.env[NAME];
});

describe("a bench's numeric setting", () => {
  it("is the default when unset, and the number when set", () => {
    expect(benchNumber(NAME, 7, positive)).toBe(7);
    process.env[NAME] = "30000";
    expect(benchNumber(NAME, 7, positive)).toBe(30_000);
    expect(optionalBenchNumber(NAME, count)).toBe(30_000);
    delete process.env[NAME];
    expect(optionalBenchNumber(NAME, count)).toBeUndefined();
  });

  it("refuses text, an empty value and a number out of range, naming the variable", () => {
    for (const [raw, schema, message] of [
      ["abc", count, "not a number"],
      ["", count, "not a number"],
      ["-1", count, "must be a whole number, 0 or more"],
      ["0", positive, "must be a whole number above 0"],
      ["2.5", positive, "must be a whole number above 0"],
      ["-0.5", notNegative, "must be a number, 0 or more"],
      ["Infinity", aboveZero, "not a number"],
      ["0", aboveZero, "must be a number above 0"],
    ] as const) {
      process.env[NAME] = raw;
      expect(() => benchNumber(NAME, 1, schema), raw).toThrow(`${NAME}=${JSON.stringify(raw)}`);
      expect(() => benchNumber(NAME, 1, schema), raw).toThrow(message);
    }
  });

  it("takes a SQLite page size only as a power of two from 512 to 65536", () => {
    for (const ok of [512, 4096, 16_384, 65_536]) {
      process.env[NAME] = String(ok);
      expect(optionalBenchNumber(NAME, sqlitePageSize)).toBe(ok);
    }
    for (const bad of [256, 1000, 131_072]) {
      process.env[NAME] = String(bad);
      expect(() => optionalBenchNumber(NAME, sqlitePageSize)).toThrow("must be a power of two from 512 to 65536");
    }
  });

  it("reads a list item by item, refusing the first bad one", () => {
    expect(benchNumberList(NAME, positive)).toEqual([]);
    process.env[NAME] = "1000000,3000000,";
    expect(benchNumberList(NAME, positive)).toEqual([1_000_000, 3_000_000]);
    process.env[NAME] = "1000000,lots";
    expect(() => benchNumberList(NAME, positive)).toThrow(`${NAME}="lots": not a number`);
  });
});
