// Checks a submission's signature with its reader's registered public key (ECDSA P-256,
// SHA-256, r || s as WebCrypto makes it). Keys are imported once per reader and kept.
import { createPublicKey, verify, type KeyObject } from "node:crypto";
import { signedBytes } from "../capture/signedSubmission.js";

export class ReaderSignatures {
  private readonly keys = new Map<string, { jwk: string; key: KeyObject }>();

  private keyOf(readerId: string, jwk: string): KeyObject {
    const known = this.keys.get(readerId);
    if (known && known.jwk === jwk) return known.key;
    // Imported once from the JWK, then again from its SPKI encoding: a key decoded from DER is
    // OpenSSL 3's native kind, and checks with it cost the event loop a few microseconds instead
    // of tens (measured: the JWK-made key converts on the main thread at every check).
    const spki = createPublicKey({ key: JSON.parse(jwk), format: "jwk" }).export({ type: "spki", format: "der" });
    const key = createPublicKey({ key: spki, format: "der", type: "spki" });
    this.keys.set(readerId, { jwk, key });
    return key;
  }

  /**
   * True when `signature` (base64url r || s) signs the submission's canonical bytes under the
   * reader's key. The check (about 85 µs of P-256 arithmetic) runs on libuv's thread pool, off
   * the event loop, so the HTTP work of other requests goes on meanwhile.
   */
  verifies(readerId: string, jwk: string, raw: { reader: unknown; counter: unknown; reading: unknown }, signature: string): Promise<boolean> {
    const bytes = Buffer.from(signature, "base64url");
    if (bytes.length !== 64) return Promise.resolve(false);
    const key = this.keyOf(readerId, jwk);
    return new Promise((resolve, reject) => verify("sha256", signedBytes(raw), { key, dsaEncoding: "ieee-p1363" }, bytes, (error, ok) => (error ? reject(error) : resolve(ok))));
  }
}
