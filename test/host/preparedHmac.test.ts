import { describe, expect, it } from "vitest";
import { createHmac } from "node:crypto";
import fc from "fast-check";
import { preparedHmacSha256 } from "../../host/crypto/preparedHmac.js";
import { hmacSha256 } from "../../protocol/hmac.js";
import { portableSha256 } from "../../protocol/sha256.js";
import { nodeSha256 } from "../../host/crypto/nodeSha256.js";

const reference = (key: Uint8Array, message: Uint8Array) => new Uint8Array(createHmac("sha256", key).update(message).digest());

describe("HMAC-SHA-256 with prepared key pads", () => {
  it("matches RFC 4231 test case 2 (short key, short message)", () => {
    const mac = preparedHmacSha256(new TextEncoder().encode("Jefe"), new TextEncoder().encode("what do ya want for nothing?"));
    expect(Buffer.from(mac).toString("hex")).toBe("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  });

  it("agrees with node:crypto for every message length around the one-block limit and keys up to and past a block", () => {
    for (const keyLength of [0, 1, 16, 32, 63, 64, 65, 100]) {
      const key = new Uint8Array(keyLength).map((_, i) => (i * 7 + keyLength) & 255);
      for (let length = 0; length <= 130; length++) {
        const message = new Uint8Array(length).map((_, i) => (i * 13 + length) & 255);
        expect(preparedHmacSha256(key, message)).toEqual(reference(key, message));
      }
    }
  });

  it("never serves a remembered key's pads to a key changed in place, or to one of many keys in turn", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 60 })), { minLength: 1, maxLength: 20 }), fc.nat(31), (cases, flip) => {
        for (const [key, message] of cases) {
          expect(preparedHmacSha256(key, message)).toEqual(reference(key, message));
          key[flip] ^= 1;
          expect(preparedHmacSha256(key, message)).toEqual(reference(key, message));
        }
      }),
    );
  });

  it("is what the protocol's HMAC uses through the host hash, with the same bytes as the portable path", () => {
    const key = new Uint8Array(32).fill(9);
    const message = new Uint8Array(30).fill(4);
    expect(hmacSha256(nodeSha256, key, message)).toEqual(hmacSha256(portableSha256, key, message));
    expect(nodeSha256.hmac).toBe(preparedHmacSha256);
  });

  it("hands out a fresh digest each call (callers may keep or change it)", () => {
    const key = new Uint8Array(32).fill(1);
    const a = preparedHmacSha256(key, new Uint8Array([1]));
    const b = preparedHmacSha256(key, new Uint8Array([2]));
    expect(a).not.toEqual(b);
    expect(a).toEqual(reference(key, new Uint8Array([1])));
  });
});
