// A CLI reader's fresh key pair (host/reader/readerKeyFile.ts): the public half is the JWK of the
// private half (what the service registers and checks signatures with), the private half a
// PKCS#8 PEM the key file keeps; every pair is a new one.
import { describe, expect, it } from "vitest";
import { createPrivateKey, createPublicKey, sign, verify } from "node:crypto";
import { newReaderKeyPair } from "../../host/reader/readerKeyFile.js";

describe("a new reader key pair", () => {
  it("has a P-256 JWK public key that verifies what its PKCS#8 private key signs, and differs from every other pair", () => {
    const pairs = Array.from({ length: 50 }, () => newReaderKeyPair());
    for (const { publicKey, privateKeyPem } of pairs) {
      expect(publicKey).toEqual({ kty: "EC", crv: "P-256", x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), y: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
      expect(privateKeyPem.startsWith("-----BEGIN PRIVATE KEY-----")).toBe(true);
      const derived = createPublicKey(createPrivateKey(privateKeyPem)).export({ format: "jwk" });
      expect(derived).toMatchObject({ x: publicKey.x, y: publicKey.y });
      const data = Buffer.from(`reading ${publicKey.x}`);
      const signature = sign("sha256", data, { key: createPrivateKey(privateKeyPem), dsaEncoding: "ieee-p1363" });
      expect(verify("sha256", data, { key: createPublicKey({ key: publicKey, format: "jwk" }), dsaEncoding: "ieee-p1363" }, signature)).toBe(true);
    }
    expect(new Set(pairs.map((p) => p.publicKey.x)).size).toBe(pairs.length);
  });
});
