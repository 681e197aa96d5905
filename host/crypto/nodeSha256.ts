import { hash } from "node:crypto";
import type { HashFunction } from "../../protocol/hashFunction.js";

/**
 * The host's SHA-256 primitive for protocol/: node:crypto's one-shot hash (no Hash object per
 * call; the verifier calls this twice per MAC). The Buffer it returns is a Uint8Array.
 */
export const nodeSha256: HashFunction = (message) => hash("sha256", message, "buffer");
