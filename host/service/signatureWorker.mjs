// A signature-check thread of the intake service (readerSignatures.ts): takes batches of
// [readerId, jwk, signed text, signature as base64url] and answers, in order, whether each verifies
// (ECDSA P-256, SHA-256, r || s). Plain JavaScript so that it loads without a TypeScript loader.
import { parentPort } from "node:worker_threads";
import { createPublicKey, verify } from "node:crypto";
import { getPriority, setPriority } from "node:os";

/**
 * How much lower this thread's scheduling priority is than the service's (its nice value, raised
 * by this). The event loop is the one stage every reading passes through twice, and with two
 * cores it shares them with this thread, the commit thread and V8's helpers: when all want the
 * CPU, the event loop should win, and the checks run in what is left. Measured on the intake
 * bench (host/service/README.md, "Fourth pass"): p99 at 5,000 readings/s lower in each of six
 * alternating pairs at 5 or 6 than at 0, and worse at 10.
 */
const NICER_BY = 5;

// On Linux a nice value belongs to a thread, and pid 0 names the calling one; elsewhere it would
// be the whole process's, so it is left alone there. Not allowed (a limit on raising it): left as is.
if (process.platform === "linux") {
  try {
    setPriority(0, Math.min(19, getPriority(0) + NICER_BY));
  } catch {
    // The check runs at the service's priority.
  }
}

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
