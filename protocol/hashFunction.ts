/**
 * The SHA-256 primitive the protocol is built on, injected by whoever runs it:
 * node:crypto on the host, `require("crypto").SHA256` on Puck.js and Bangle.js,
 * `portableSha256` on Pixl.js. Takes the message, returns the 32-byte digest.
 */
export type HashFunction = (message: Uint8Array) => Uint8Array;
