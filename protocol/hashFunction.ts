/**
 * The SHA-256 primitive the protocol is built on, injected by whoever runs it:
 * node:crypto on the host, `require("crypto").SHA256` on Puck.js and Bangle.js,
 * `portableSha256` on Pixl.js. Takes the message, returns the 32-byte digest.
 *
 * A host may also attach `hmac`, its own HMAC-SHA-256 (key, message) → 32-byte MAC, when it has
 * a faster keyed path (the host verifier keeps each device key's padded states); hmacSha256
 * then uses it. It must give exactly what hmacSha256 gives with the plain hash (tested).
 */
export interface HashFunction {
  (message: Uint8Array): Uint8Array;
  hmac?: (key: Uint8Array, message: Uint8Array) => Uint8Array;
}
