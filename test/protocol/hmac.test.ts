import { describe, expect, it } from "vitest";
import vectors from "../../protocol/vectors.json" with { type: "json" };
import { hmacSha256 } from "../../protocol/hmac.js";
import { hashFunctions, hex, unhex } from "./hashFunctions.js";

describe.each(hashFunctions)("HMAC-SHA-256 over %s", (_name, hash) => {
  it.each(vectors.hmacSha256Rfc4231.map((v, i) => ({ ...v, n: i + 1 })))("passes RFC 4231 test case $n", (v) => {
    expect(hex(hmacSha256(hash, unhex(v.key), unhex(v.data)).subarray(0, v.truncateTo))).toBe(v.mac);
  });
});
