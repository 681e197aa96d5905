import { hash } from "node:crypto";
import type { HashFunction } from "../../protocol/hashFunction.js";
import { smallSha256 } from "./smallSha256.js";

/** Messages up to this long go to smallSha256 (faster there than node:crypto's per-call overhead). */
const SMALL_MESSAGE_BYTES = 256;

/**
 * The host's SHA-256 primitive for protocol/: smallSha256 for the protocol's short messages (MAC
 * inner and outer hashes), node:crypto's one-shot hash for longer ones.
 */
export const nodeSha256: HashFunction = (message) => (message.length <= SMALL_MESSAGE_BYTES ? smallSha256(message) : hash("sha256", message, "buffer"));
