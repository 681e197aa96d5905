// The web app's check of a typed code (webapp/src/codeCheck.ts): protocol's rule, `evv read
// --typed`'s words, and a law: any swap of two unequal neighbouring digits of a real code is
// caught as soon as the twelfth digit is typed.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { checkTypedCode } from "../../webapp/src/codeCheck.js";
import { makeDisplayCode } from "../../protocol/displayCode.js";
import { nodeSha256 } from "../../host/crypto/nodeSha256.js";
import { dammCheckDigit } from "../../protocol/checkDigit.js";

const key = new Uint8Array(32).fill(7);

describe("the typed code's check in the web app", () => {
  it("counts the digits while the code is short, and asks for the code when nothing is typed", () => {
    expect(checkTypedCode("")).toEqual({ code: null, message: "Type the 12 digits the fob shows.", wrong: false });
    expect(checkTypedCode("1234 56")).toEqual({ code: null, message: "6 of 12 digits typed.", wrong: false });
  });

  it("accepts a real code with spaces or dashes and says what `evv read --typed` says", () => {
    const code = makeDisplayCode(nodeSha256, key, 0x01020304, 29_000_000, 0);
    const typed = `${code.slice(0, 4)}-${code.slice(4, 8)} ${code.slice(8)}`;
    expect(checkTypedCode(typed)).toEqual({ code, message: `${code.slice(0, 4)} ${code.slice(4, 8)} ${code.slice(8)}: check digit correct; the verifier checks the rest.`, wrong: false });
  });

  it("names a letter, a thirteenth digit and a status digit of 8 or 9", () => {
    expect(checkTypedCode("12a4").message).toBe("Not a visit code: a visit code has digits only; character 3 is 'a'. Check the fob's display and type it again.");
    expect(checkTypedCode("1234567890123")).toMatchObject({ code: null, wrong: true, message: expect.stringContaining("a visit code has 12 digits, this has 13") });
    const statusNine = "12349123456";
    expect(checkTypedCode(statusNine + dammCheckDigit(statusNine)).message).toBe("Not a visit code: the fifth digit (status) is never 8 or 9. Check the fob's display and type it again.");
  });

  it("catches every swap of two unequal neighbouring digits of a real code", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 10 }), (device, step, status, at) => {
        const code = makeDisplayCode(nodeSha256, key, device, step, status);
        fc.pre(code[at] !== code[at + 1]);
        const swapped = code.slice(0, at) + code[at + 1] + code[at] + code.slice(at + 2);
        const check = checkTypedCode(swapped);
        expect(check.code).toBeNull();
        expect(check.wrong).toBe(true);
      }),
    );
  });
});
