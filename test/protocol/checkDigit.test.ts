import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { dammCheckDigit, dammValid } from "../../protocol/checkDigit.js";

/** Deterministic pseudo-random 11-digit bodies (a linear congruential walk). */
function bodies(count: number): string[] {
  const out: string[] = [];
  let x = 12345;
  for (let i = 0; i < count; i++) {
    let s = "";
    for (let d = 0; d < 11; d++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      s += String(Math.floor(x / 65536) % 10);
    }
    out.push(s);
  }
  return out;
}

describe("Damm check digit", () => {
  it("catches every single-digit substitution in 20,000 twelve-digit codes (all 12 positions, all 9 wrong digits)", () => {
    let checked = 0;
    for (const body of bodies(20000)) {
      const code = body + dammCheckDigit(body);
      expect(dammValid(code)).toBe(true);
      for (let p = 0; p < code.length; p++) {
        for (let d = 0; d < 10; d++) {
          if (String(d) === code[p]) continue;
          const typo = code.slice(0, p) + d + code.slice(p + 1);
          if (dammValid(typo)) throw new Error(`missed substitution ${code} -> ${typo}`);
          checked++;
        }
      }
    }
    expect(checked).toBe(20000 * 12 * 9);
  });

  it("catches every adjacent transposition of two different digits in the same codes", () => {
    let checked = 0;
    for (const body of bodies(20000)) {
      const code = body + dammCheckDigit(body);
      for (let p = 0; p + 1 < code.length; p++) {
        if (code[p] === code[p + 1]) continue;
        const swapped = code.slice(0, p) + code[p + 1] + code[p] + code.slice(p + 2);
        if (dammValid(swapped)) throw new Error(`missed transposition ${code} -> ${swapped}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20000 * 9);
  });

  it("catches every substitution and adjacent transposition for every pair of digit values at every position (exhaustive over the table)", () => {
    // Damm's guarantee reduces to the table: for all interim states and digit pairs a != b,
    // the state after "ab" differs from the state after "ba", and a single digit changes the state.
    for (let prefix = 0; prefix < 10; prefix++) {
      for (let a = 0; a < 10; a++) {
        for (let b = 0; b < 10; b++) {
          if (a === b) continue;
          const p = String(prefix);
          expect(dammCheckDigit(p + a)).not.toBe(dammCheckDigit(p + b));
          expect(dammCheckDigit(p + a + b)).not.toBe(dammCheckDigit(p + b + a));
        }
      }
    }
  });

  it("round-trips: any digit string with its check digit appended is valid", () => {
    fc.assert(fc.property(fc.stringMatching(/^[0-9]{1,20}$/), (digits) => dammValid(digits + dammCheckDigit(digits))));
  });
});
