// SHA-256 (FIPS 180-4) in JavaScript for the short messages the protocol hashes (at most a few
// blocks), where it beats node:crypto's per-call overhead. It also remembers the chaining state
// after the first 64-byte block of the last few messages that had one: HMAC hashes the key's
// inner or outer pad block followed by a short message, so a run of MACs under one device key
// compresses one block per hash instead of two. Exact for every input (tested against node:crypto).
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74,
  0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d,
  0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e,
  0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
  0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const IV = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
const W = new Int32Array(64);
const TAIL = new Uint8Array(128);
const FIRST_BLOCK_CACHE = 4;

interface FirstBlock {
  block: Uint8Array;
  state: Int32Array;
}
const firstBlocks: FirstBlock[] = [];
let nextSlot = 0;

function compress(H: Int32Array, b: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++) {
    const j = off + 4 * i;
    W[i] = (b[j] << 24) | (b[j + 1] << 16) | (b[j + 2] << 8) | b[j + 3];
  }
  for (let i = 16; i < 64; i++) {
    const x = W[i - 15];
    const y = W[i - 2];
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
  }
  let a = H[0], bb = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & bb) ^ (a & c) ^ (bb & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = bb;
    bb = a;
    a = (t1 + t2) | 0;
  }
  H[0] = (H[0] + a) | 0;
  H[1] = (H[1] + bb) | 0;
  H[2] = (H[2] + c) | 0;
  H[3] = (H[3] + d) | 0;
  H[4] = (H[4] + e) | 0;
  H[5] = (H[5] + f) | 0;
  H[6] = (H[6] + g) | 0;
  H[7] = (H[7] + h) | 0;
}

function sameFirstBlock(a: Uint8Array, message: Uint8Array): boolean {
  for (let i = 0; i < 64; i++) if (a[i] !== message[i]) return false;
  return true;
}

export function smallSha256(message: Uint8Array): Uint8Array {
  const length = message.length;
  const H = new Int32Array(8);
  let offset = 0;
  if (length >= 64) {
    let cached: FirstBlock | undefined;
    for (const entry of firstBlocks) if (sameFirstBlock(entry.block, message)) cached = entry;
    if (cached) H.set(cached.state);
    else {
      H.set(IV);
      compress(H, message, 0);
      const entry = { block: message.slice(0, 64), state: H.slice() };
      firstBlocks[nextSlot] = entry;
      nextSlot = (nextSlot + 1) % FIRST_BLOCK_CACHE;
    }
    offset = 64;
  } else H.set(IV);
  for (; offset + 64 <= length; offset += 64) compress(H, message, offset);
  // Padding: the rest of the message, 0x80, zeros, and the length in bits (64-bit big-endian).
  const rest = length - offset;
  const tailLength = rest + 9 <= 64 ? 64 : 128;
  TAIL.fill(0, 0, tailLength);
  for (let i = 0; i < rest; i++) TAIL[i] = message[offset + i];
  TAIL[rest] = 0x80;
  const bitsHigh = Math.floor(length / 0x20000000);
  const bitsLow = (length << 3) >>> 0;
  TAIL[tailLength - 8] = bitsHigh >>> 24;
  TAIL[tailLength - 7] = (bitsHigh >>> 16) & 255;
  TAIL[tailLength - 6] = (bitsHigh >>> 8) & 255;
  TAIL[tailLength - 5] = bitsHigh & 255;
  TAIL[tailLength - 4] = bitsLow >>> 24;
  TAIL[tailLength - 3] = (bitsLow >>> 16) & 255;
  TAIL[tailLength - 2] = (bitsLow >>> 8) & 255;
  TAIL[tailLength - 1] = bitsLow & 255;
  compress(H, TAIL, 0);
  if (tailLength === 128) compress(H, TAIL, 64);
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const w = H[i];
    out[4 * i] = w >>> 24;
    out[4 * i + 1] = (w >>> 16) & 255;
    out[4 * i + 2] = (w >>> 8) & 255;
    out[4 * i + 3] = w & 255;
  }
  return out;
}
