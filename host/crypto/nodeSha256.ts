import { hash } from "node:crypto";
import type { HashFunction } from "../../protocol/hashFunction.js";
import { smallSha256 } from "./smallSha256.js";
import { preparedHmacSha256 } from "./preparedHmac.js";

/** Messages up to this long go to smallSha256 (faster there than node:crypto's per-call overhead). */
const SMALL_MESSAGE_BYTES = 256;

/**
 * The host's SHA-256 primitive for protocol/: smallSha256 for the protocol's short messages,
 * node:crypto's one-shot hash for longer ones, and preparedHmacSha256 as its keyed path (every
 * protocol MAC goes there).
 */
export const nodeSha256: HashFunction = Object.assign(
  (message: Uint8Array): Uint8Array => (message.length <= SMALL_MESSAGE_BYTES ? smallSha256(message) : hash("sha256", message, "buffer")),
  { hmac: preparedHmacSha256 },
);
