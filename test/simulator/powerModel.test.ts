// The power model's arithmetic (bench/powerModel.ts) over counts the simulator's ledger gives.
import { describe, expect, it } from "vitest";
import { POWER_FIGURES, powerBudget } from "../../bench/powerModel.js";
import { emptyPowerCounts, type PowerCounts } from "../../simulator/device/powerLedger.js";

const DAY_MS = 86_400_000;
const idleDay = (extra: Partial<PowerCounts> = {}): PowerCounts => ({ ...emptyPowerCounts(), spanMs: DAY_MS, ...extra });

describe("power budget", () => {
  it("a day asleep costs the sleep current alone: 3 uA, about 8.4 years on 220 mAh", () => {
    const { totalUa, years } = powerBudget(idleDay());
    expect(totalUa).toBeCloseTo(POWER_FIGURES.sleepUa, 6);
    expect(years).toBeCloseTo(220_000 / 3 / 24 / 365.25, 6);
  });

  it("advertising all day every 2 s adds one event's charge every 2 s (the old design's largest cost)", () => {
    const { lines } = powerBudget(idleDay({ advertisingMsByInterval: { "2000": DAY_MS } }));
    expect(lines.find((l) => l.what === "advertising")!.ua).toBeCloseTo(POWER_FIGURES.advertEventUc / 2, 6);
  });

  it("the accelerometer left on at 1.6 Hz alone rules out five years", () => {
    const { years } = powerBudget(idleDay({ accelOnMsByRate: { "1.6": DAY_MS } }));
    expect(years).toBeLessThan(1);
  });

  it("JavaScript costs its wake-ups and HMACs at the CPU current: two hashes make one HMAC", () => {
    const { lines } = powerBudget(idleDay({ wakeUps: 1000, nativeHashes: 200 }));
    const seconds = (1000 * POWER_FIGURES.wakeMs + 100 * POWER_FIGURES.hmacMs) / 1000;
    expect(lines.find((l) => l.what.startsWith("JavaScript"))!.ua).toBeCloseTo((seconds * POWER_FIGURES.cpuMa * 1000) / 86_400, 6);
  });
});
