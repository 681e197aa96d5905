import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createHash } from "node:crypto";
import vectors from "../../protocol/vectors.json" with { type: "json" };
import { portableSha256 } from "../../protocol/sha256.js";
import { hex, unhex } from "./hashFunctions.js";

describe("portable SHA-256", () => {
  it.each(vectors.sha256.nistShort)("matches the NIST short message vector of $message.length hex digits", (v) => {
    expect(hex(portableSha256(unhex(v.message)))).toBe(v.digest);
  });

  it.each(vectors.sha256.nistLong)("matches the NIST long message of $repeat x '$pattern.length'-char pattern", (v) => {
    const message = new Uint8Array(Buffer.from(v.pattern.repeat(v.repeat), "ascii"));
    expect(hex(portableSha256(message))).toBe(v.digest);
  });

  it("equals node:crypto on random inputs of every length up to three blocks", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), (bytes) => {
        expect(hex(portableSha256(bytes))).toBe(createHash("sha256").update(bytes).digest("hex"));
      }),
      { numRuns: 500 },
    );
  });
});
