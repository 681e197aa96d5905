// HMAC (RFC 2104) over the injected SHA-256; block size 64 bytes.
import type { HashFunction } from "./hashFunction.js";
import { concatBytes, sliceBytes } from "./bytes.js";

const BLOCK_SIZE = 64;

export function hmacSha256(hash: HashFunction, key: Uint8Array, message: Uint8Array): Uint8Array {
  if (hash.hmac) return hash.hmac(key, message);
  const shortKey = key.length > BLOCK_SIZE ? hash(key) : key;
  const inner = new Uint8Array(BLOCK_SIZE);
  const outer = new Uint8Array(BLOCK_SIZE);
  for (let i = 0; i < BLOCK_SIZE; i++) {
    const k = i < shortKey.length ? shortKey[i] : 0;
    inner[i] = k ^ 0x36;
    outer[i] = k ^ 0x5c;
  }
  const innerDigest = hash(concatBytes([inner, message]));
  return hash(concatBytes([outer, innerDigest]));
}

/** The first `length` bytes of the HMAC: every MAC on the wire is a truncation of this. */
export function truncatedMac(hash: HashFunction, key: Uint8Array, message: Uint8Array, length: number): Uint8Array {
  return sliceBytes(hmacSha256(hash, key, message), 0, length);
}
