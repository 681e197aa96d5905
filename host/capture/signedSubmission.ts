// A reading as an enrolled reader submits it to the HHS intake service (issue 11), signed by the
// reader's own key. The contract between every reader (the CLI, a browser) and the service:
//
//   signed bytes = UTF-8 of canonical JSON of {"counter": n, "reader": id, "reading": {...}}
//     (object keys sorted by UTF-16 code unit, no whitespace, JSON.stringify's strings and numbers;
//     in a browser: a sorted-keys JSON.stringify)
//   signature    = ECDSA P-256 with SHA-256 over those bytes, as r || s (64 bytes, IEEE P1363,
//     what WebCrypto's sign({name: "ECDSA", hash: "SHA-256"}) returns), base64url without padding
//   counter      = this reader's count of signed readings, 1 for the first, one more each time
//
// The reading itself is validated with the reading schema (host/capture/reading.ts) as is.
import { z } from "zod";
import { reading } from "./reading.js";
import { canonicalJson, type JsonValue } from "../storage/canonicalJson.js";

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/, "must be base64url without padding");

export const signedSubmission = z.object({
  reader: z.string().min(1).max(64),
  counter: z.number().int().min(1, "must be at least 1").max(Number.MAX_SAFE_INTEGER),
  reading,
  signature: base64url.length(86, "must be 86 base64url characters (a 64-byte P-256 signature, r || s)"),
});
export type SignedSubmission = z.infer<typeof signedSubmission>;

/** The text whose UTF-8 a reader signs: from the submission exactly as sent (before any schema strips a field). */
export function signedText(submission: { reader: unknown; counter: unknown; reading: unknown }): string {
  return canonicalJson({ counter: submission.counter, reader: submission.reader, reading: submission.reading } as JsonValue);
}

/** The bytes a reader signs: UTF-8 of signedText. */
export function signedBytes(submission: { reader: unknown; counter: unknown; reading: unknown }): Buffer {
  return Buffer.from(signedText(submission), "utf8");
}

/** A reader's public key as WebCrypto exports it (`exportKey("jwk", publicKey)`): P-256, x and y only. */
export const readerPublicKey = z
  .object({
    kty: z.literal("EC", { message: 'must be "EC"' }),
    crv: z.literal("P-256", { message: 'must be "P-256"' }),
    x: base64url.length(43, "must be 43 base64url characters"),
    y: base64url.length(43, "must be 43 base64url characters"),
  })
  .passthrough()
  .refine((k) => !("d" in k), { message: "must be a public key: it has a private part (d)", path: ["d"] });
export type ReaderPublicKey = z.infer<typeof readerPublicKey>;
