// SHA-256 for the short messages the protocol hashes, faster than node:crypto's per-call
// overhead: protocol/sha256.ts's compression, plus a memory of the chaining state after the
// first 64-byte block of the last few messages that had one. Short MACs take preparedHmac.ts's
// path; the plain RFC 2104 path it falls back to for messages of 56 bytes or more hashes a key
// pad block followed by the message, so a run of those under one key compresses one block less
// per hash. Exact for every input (tested against node:crypto).
import { SHA256_INITIAL_STATE, sha256Compress, sha256Finish } from "../../protocol/sha256.js";

const FIRST_BLOCK_CACHE = 4;
const W = new Int32Array(64);

interface FirstBlock {
  block: Uint8Array;
  state: Int32Array;
}
const firstBlocks: FirstBlock[] = [];
let nextSlot = 0;

function sameFirstBlock(a: Uint8Array, message: Uint8Array): boolean {
  for (let i = 0; i < 64; i++) if (a[i] !== message[i]) return false;
  return true;
}

export function smallSha256(message: Uint8Array): Uint8Array {
  if (message.length < 64) return sha256Finish(new Int32Array(SHA256_INITIAL_STATE), message, 0, W);
  let cached: FirstBlock | undefined;
  for (const entry of firstBlocks) if (sameFirstBlock(entry.block, message)) cached = entry;
  if (!cached) {
    const state = new Int32Array(SHA256_INITIAL_STATE);
    sha256Compress(state, message, 0, W);
    cached = { block: message.slice(0, 64), state };
    firstBlocks[nextSlot] = cached;
    nextSlot = (nextSlot + 1) % FIRST_BLOCK_CACHE;
  }
  return sha256Finish(cached.state.slice(), message, 64, W);
}
