// A signature-check thread of the intake service (readerSignatures.ts): takes batches of
// [readerId, jwk, signed text, signature as base64url] and answers, in order, whether each verifies
// (ECDSA P-256, SHA-256, r || s). Plain JavaScript so that it loads without a TypeScript loader.
import { parentPort } from "node:worker_threads";
import { createPublicKey, verify } from "node:crypto";

const keys = new Map();
const MAX_KEYS = 200_000;

function keyOf(readerId, jwk) {
  const known = keys.get(readerId);
  if (known && known.jwk === jwk) return known.key;
  const spki = createPublicKey({ key: JSON.parse(jwk), format: "jwk" }).export({ type: "spki", format: "der" });
  const key = createPublicKey({ key: spki, format: "der", type: "spki" });
  if (keys.size >= MAX_KEYS) keys.clear();
  keys.set(readerId, { jwk, key });
  return key;
}

parentPort.on("message", ({ batch, jobs }) => {
  const results = jobs.map(([readerId, jwk, text, signature]) => {
    try {
      const rs = Buffer.from(signature, "base64url");
      if (rs.length !== 64) return false;
      return verify("sha256", Buffer.from(text, "utf8"), { key: keyOf(readerId, jwk), dsaEncoding: "ieee-p1363" }, rs);
    } catch {
      return false;
    }
  });
  parentPort.postMessage({ batch, results });
});
