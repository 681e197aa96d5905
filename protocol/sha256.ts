// Portable SHA-256 (FIPS 180-4) in the Espruino dialect, for boards without a native one
// (Pixl.js has SHA1 only), and the host's fast path for short messages (host/crypto).
// 32-bit arithmetic uses `| 0` and `>>> 0`; rotations are written out (no Math.imul, no calls).
import type { HashFunction } from "./hashFunction.js";

const ROUND_CONSTANTS = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** The SHA-256 initial hash value (H0). */
export const SHA256_INITIAL_STATE = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/** One compression: folds the 64-byte block at `offset` into `state`; `w` is scratch (64 words). */
export function sha256Compress(state: Int32Array, block: Uint8Array, offset: number, w: Int32Array): void {
  for (let t = 0; t < 16; t++) {
    const p = offset + 4 * t;
    w[t] = (block[p] << 24) | (block[p + 1] << 16) | (block[p + 2] << 8) | block[p + 3];
  }
  for (let t = 16; t < 64; t++) {
    const x = w[t - 15];
    const y = w[t - 2];
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
  }
  let a = state[0], b = state[1], c = state[2], d = state[3];
  let e = state[4], f = state[5], g = state[6], h = state[7];
  for (let t = 0; t < 64; t++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + ROUND_CONSTANTS[t] + w[t]) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g; g = f; f = e; e = (d + t1) | 0;
    d = c; c = b; b = a; a = (t1 + t2) | 0;
  }
  state[0] = (state[0] + a) | 0; state[1] = (state[1] + b) | 0;
  state[2] = (state[2] + c) | 0; state[3] = (state[3] + d) | 0;
  state[4] = (state[4] + e) | 0; state[5] = (state[5] + f) | 0;
  state[6] = (state[6] + g) | 0; state[7] = (state[7] + h) | 0;
}

/**
 * Finishes a hash whose first `offset` bytes (a multiple of 64) are already folded into
 * `state`: the remaining whole blocks, the padding (0x80, zeros, the bit length in 64 bits
 * big-endian), and the digest. `state` is used up.
 */
export function sha256Finish(state: Int32Array, message: Uint8Array, offset: number, w: Int32Array): Uint8Array {
  let at = offset;
  for (; at + 64 <= message.length; at += 64) sha256Compress(state, message, at, w);
  const tailLength = message.length - at;
  const padded = new Uint8Array(tailLength < 56 ? 64 : 128);
  for (let i = 0; i < tailLength; i++) padded[i] = message[at + i];
  padded[tailLength] = 0x80;
  const bitLength = message.length * 8;
  const high = Math.floor(bitLength / 4294967296);
  const low = bitLength >>> 0;
  const end = padded.length;
  padded[end - 8] = (high >>> 24) & 255; padded[end - 7] = (high >>> 16) & 255;
  padded[end - 6] = (high >>> 8) & 255; padded[end - 5] = high & 255;
  padded[end - 4] = (low >>> 24) & 255; padded[end - 3] = (low >>> 16) & 255;
  padded[end - 2] = (low >>> 8) & 255; padded[end - 1] = low & 255;
  for (let block = 0; block < padded.length; block += 64) sha256Compress(state, padded, block, w);
  const digest = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    digest[4 * i] = (state[i] >>> 24) & 255;
    digest[4 * i + 1] = (state[i] >>> 16) & 255;
    digest[4 * i + 2] = (state[i] >>> 8) & 255;
    digest[4 * i + 3] = state[i] & 255;
  }
  return digest;
}

export const portableSha256: HashFunction = function (message: Uint8Array): Uint8Array {
  return sha256Finish(new Int32Array(SHA256_INITIAL_STATE), message, 0, new Int32Array(64));
};
