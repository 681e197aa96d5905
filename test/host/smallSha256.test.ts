import { describe, expect, it } from "vitest";
import { createHash, createHmac } from "node:crypto";
import fc from "fast-check";
import { smallSha256 } from "../../host/crypto/smallSha256.js";
import { nodeSha256 } from "../../host/crypto/nodeSha256.js";
import { hmacSha256 } from "../../protocol/hmac.js";

const reference = (m: Uint8Array) => new Uint8Array(createHash("sha256").update(m).digest());

describe("small-message SHA-256", () => {
  it("matches the FIPS 180-4 examples", () => {
    expect(Buffer.from(smallSha256(new TextEncoder().encode("abc"))).toString("hex")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(Buffer.from(smallSha256(new Uint8Array(0))).toString("hex")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("agrees with node:crypto at every length around the block and padding boundaries", () => {
    for (let length = 0; length <= 300; length++) {
      const m = new Uint8Array(length).map((_, i) => (i * 31 + length) & 255);
      expect(smallSha256(m)).toEqual(reference(m));
    }
  });

  it("agrees with node:crypto when messages share, or almost share, a remembered first block", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.array(fc.uint8Array({ maxLength: 130 }), { minLength: 1, maxLength: 8 }), fc.nat(63), (first, tails, flip) => {
        for (const tail of tails) {
          const m = new Uint8Array([...first, ...tail]);
          expect(smallSha256(m)).toEqual(reference(m));
          const altered = m.slice();
          altered[flip] ^= 1;
          expect(smallSha256(altered)).toEqual(reference(altered));
        }
      }),
    );
  });

  it("gives the protocol's HMAC the same bytes as node:crypto's HMAC, key after key", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 40 })), { minLength: 1, maxLength: 12 }), (cases) => {
        for (const [key, message] of cases) expect(hmacSha256(nodeSha256, key, message)).toEqual(new Uint8Array(createHmac("sha256", key).update(message).digest()));
      }),
    );
  });
});
