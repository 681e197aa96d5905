// Both SHA-256 primitives the protocol runs on; every known-answer test runs against each.
import { portableSha256 } from "../../protocol/sha256.js";
import { nodeSha256 } from "../../host/crypto/nodeSha256.js";
import type { HashFunction } from "../../protocol/hashFunction.js";

export const hashFunctions: Array<[string, HashFunction]> = [
  ["node:crypto SHA-256", nodeSha256],
  ["portable SHA-256", portableSha256],
];

export const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
export const unhex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));
