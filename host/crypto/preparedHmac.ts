// HMAC-SHA-256 for the verifier's hot path. For each key it keeps the chaining states after the
// inner and outer pad blocks (the last few keys used, matched by their bytes, so a key changed
// in place is never served stale); a MAC of a message under 56 bytes then costs two compressions
// and allocates only the digest. Longer messages or keys take the plain RFC 2104 path. Exact for
// every input (tested against node:crypto).
import { SHA256_INITIAL_STATE, sha256Compress } from "../../protocol/sha256.js";
import { hmacSha256 } from "../../protocol/hmac.js";
import { bytesEqual } from "../../protocol/bytes.js";
import { smallSha256 } from "./smallSha256.js";

const BLOCK = 64;
/** A message this long or longer does not fit one block with its padding. */
const ONE_BLOCK_LIMIT = 56;
const KEPT_KEYS = 8;

interface PreparedKey {
  key: Uint8Array;
  inner: Int32Array;
  outer: Int32Array;
}

const kept: PreparedKey[] = [];
let nextSlot = 0;
const block = new Uint8Array(BLOCK);
const state = new Int32Array(8);
const w = new Int32Array(64);

function prepare(key: Uint8Array): PreparedKey {
  for (let i = 0; i < kept.length; i++) {
    const entry = kept[(nextSlot - 1 - i + 2 * KEPT_KEYS) % KEPT_KEYS];
    if (entry !== undefined && bytesEqual(entry.key, key)) return entry;
  }
  const pads = new Uint8Array(BLOCK);
  const inner = new Int32Array(SHA256_INITIAL_STATE);
  const outer = new Int32Array(SHA256_INITIAL_STATE);
  for (let i = 0; i < BLOCK; i++) pads[i] = (i < key.length ? key[i] : 0) ^ 0x36;
  sha256Compress(inner, pads, 0, w);
  for (let i = 0; i < BLOCK; i++) pads[i] = (i < key.length ? key[i] : 0) ^ 0x5c;
  sha256Compress(outer, pads, 0, w);
  const entry = { key: key.slice(), inner, outer };
  kept[nextSlot] = entry;
  nextSlot = (nextSlot + 1) % KEPT_KEYS;
  return entry;
}

/** Pads `length` bytes already in `block` as the tail of a (64 + length)-byte message and folds it into `state`. */
function finishBlock(length: number): void {
  block[length] = 0x80;
  block.fill(0, length + 1, BLOCK - 2);
  const bits = (BLOCK + length) * 8;
  block[BLOCK - 2] = (bits >>> 8) & 255;
  block[BLOCK - 1] = bits & 255;
  sha256Compress(state, block, 0, w);
}

function stateBytesIntoBlock(): void {
  for (let i = 0; i < 8; i++) {
    const v = state[i];
    block[4 * i] = v >>> 24;
    block[4 * i + 1] = v >>> 16;
    block[4 * i + 2] = v >>> 8;
    block[4 * i + 3] = v;
  }
}

export function preparedHmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  if (message.length >= ONE_BLOCK_LIMIT || key.length > BLOCK) return hmacSha256(smallSha256, key, message);
  const prepared = prepare(key);
  state.set(prepared.inner);
  block.set(message);
  finishBlock(message.length);
  stateBytesIntoBlock();
  state.set(prepared.outer);
  finishBlock(32);
  stateBytesIntoBlock();
  return block.slice(0, 32);
}
