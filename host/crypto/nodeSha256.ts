import { createHash } from "node:crypto";
import type { HashFunction } from "../../protocol/hashFunction.js";

/** The host's SHA-256 primitive for protocol/: node:crypto. */
export const nodeSha256: HashFunction = (message) => new Uint8Array(createHash("sha256").update(message).digest());
