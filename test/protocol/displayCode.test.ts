import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  DEFAULT_FAST_ALLOWANCE_STEPS,
  DISPLAY_CODE_DIGITS,
  deriveDeviceKey,
  displayCodeFields,
  displayCodeMatches,
  displayCodeProblem,
  groupDisplayCode,
  makeDisplayCode,
  normalizeDisplayCode,
  recoverStep,
  stepOf,
} from "../../protocol/index.js";
import { nodeSha256 } from "../../host/crypto/nodeSha256.js";

const hash = nodeSha256;
const master = new Uint8Array(32).fill(7);
const SIX_DAYS_STEPS = 6 * 24 * 60;
const ONE_HOUR_STEPS = 60;
const step2026 = stepOf(Date.UTC(2026, 0, 1) / 1000);
const step2040 = stepOf(Date.UTC(2040, 0, 1) / 1000);

describe("display code", () => {
  it("recovers the exact minute from the code alone, typed up to 6 days later, with the device clock up to an hour fast or slow", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 0xfffffffe }),
        fc.integer({ min: step2026, max: step2040 }),
        fc.integer({ min: 0, max: SIX_DAYS_STEPS }),
        fc.integer({ min: -ONE_HOUR_STEPS, max: ONE_HOUR_STEPS }),
        fc.integer({ min: 0, max: 7 }),
        (deviceId, trueStep, delaySteps, clockErrorSteps, status) => {
          const key = deriveDeviceKey(hash, master, 1, deviceId);
          const deviceStep = trueStep + clockErrorSteps; // what the device believes
          const code = makeDisplayCode(hash, key, deviceId, deviceStep, status);
          expect(code.length).toBeLessThanOrEqual(DISPLAY_CODE_DIGITS);
          expect(displayCodeProblem(code)).toBeNull();
          const entryStep = trueStep + delaySteps; // the verifier's clock when it is typed in
          const recovered = recoverStep(displayCodeFields(code).timeField, entryStep, DEFAULT_FAST_ALLOWANCE_STEPS);
          expect(recovered).toBe(deviceStep);
          expect(displayCodeMatches(hash, key, deviceId, recovered, code)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("is exactly 12 digits, grouped 4-4-4 for reading, and ungroups from typed spaces or dashes", () => {
    const key = deriveDeviceKey(hash, master, 1, 42);
    const code = makeDisplayCode(hash, key, 42, step2026, 0);
    expect(code).toMatch(/^[0-9]{12}$/);
    const grouped = groupDisplayCode(code);
    expect(grouped).toMatch(/^[0-9]{4} [0-9]{4} [0-9]{4}$/);
    expect(normalizeDisplayCode(grouped)).toBe(code);
    expect(normalizeDisplayCode(grouped.replace(/ /g, "-"))).toBe(code);
  });

  it("fails verification when any single digit is changed to any other", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0xfffffffe }), fc.integer({ min: step2026, max: step2040 }), fc.integer({ min: 0, max: 7 }), (deviceId, step, status) => {
        const key = deriveDeviceKey(hash, master, 1, deviceId);
        const code = makeDisplayCode(hash, key, deviceId, step, status);
        for (let p = 0; p < code.length; p++) {
          for (let d = 0; d < 10; d++) {
            if (String(d) === code[p]) continue;
            const changed = code.slice(0, p) + d + code.slice(p + 1);
            const recovered = recoverStep(Number(changed.slice(0, 4)), step, DEFAULT_FAST_ALLOWANCE_STEPS);
            expect(displayCodeMatches(hash, key, deviceId, recovered, changed)).toBe(false);
            expect(displayCodeMatches(hash, key, deviceId, step, changed)).toBe(false);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it("does not verify under another device's key", () => {
    const code = makeDisplayCode(hash, deriveDeviceKey(hash, master, 1, 1), 1, step2026, 0);
    expect(displayCodeMatches(hash, deriveDeviceKey(hash, master, 1, 2), 2, step2026, code)).toBe(false);
    expect(displayCodeMatches(hash, deriveDeviceKey(hash, master, 2, 1), 1, step2026, code)).toBe(false);
  });

  it("names the problem with a mistyped code before any key is needed", () => {
    expect(displayCodeProblem("12345")).toMatch(/12 digits/);
    expect(displayCodeProblem("12345678901a")).toMatch(/digits only/);
    const key = deriveDeviceKey(hash, master, 1, 9);
    const code = makeDisplayCode(hash, key, 9, step2026, 0);
    const swapped = code.slice(0, 6) + code[7] + code[6] + code.slice(8);
    if (swapped !== code) expect(displayCodeProblem(swapped)).toMatch(/check digit/);
  });

  it("recovers the step at the window edges: 9,879 minutes late and 120 minutes fast, and not beyond", () => {
    const s = step2026 + 12345;
    const field = s % 10000;
    expect(recoverStep(field, s + 9879, DEFAULT_FAST_ALLOWANCE_STEPS)).toBe(s);
    expect(recoverStep(field, s - 120, DEFAULT_FAST_ALLOWANCE_STEPS)).toBe(s);
    expect(recoverStep(field, s + 9880, DEFAULT_FAST_ALLOWANCE_STEPS)).toBe(s + 10000);
    expect(recoverStep(field, s - 121, DEFAULT_FAST_ALLOWANCE_STEPS)).toBe(s - 10000);
  });
});
