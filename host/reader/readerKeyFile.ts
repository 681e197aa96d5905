// The CLI reader's enrolled identity: its own ECDSA P-256 key pair, made on this machine, whose
// private key never leaves the file (0600, written atomically), the service it is enrolled with,
// and its signing counter. The counter is raised and written durably BEFORE each signature, so
// a crash never makes the reader sign two readings with one counter.
import { existsSync, readFileSync, statSync } from "node:fs";
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from "node:crypto";
import { z } from "zod";
import { writeFileAtomic } from "../keystore/atomicWrite.js";
import { readerPublicKey, signedBytes, type ReaderPublicKey, type SignedSubmission } from "../capture/signedSubmission.js";
import type { Reading } from "../capture/reading.js";

export const DEFAULT_READER_KEY = "evv-reader-key.json";

const keyFile = z.object({
  version: z.literal(1),
  service: z.string().url(),
  /** A CA certificate (PEM file) to trust for the service, e.g. its self-signed certificate. */
  serviceCa: z.string().optional(),
  readerId: z.string().min(1),
  providerNumber: z.string().min(1),
  caregiverId: z.string().min(1),
  publicKey: readerPublicKey,
  privateKeyPem: z.string().startsWith("-----BEGIN PRIVATE KEY-----"),
  counter: z.number().int().min(0),
});
export type ReaderKeyFile = z.infer<typeof keyFile>;

/**
 * A fresh key pair: the public half as WebCrypto would export it (JWK), the private half as PKCS#8 PEM.
 * The pair comes out already encoded (SPKI DER, PKCS#8 PEM) and the JWK is read from a key
 * object made from the DER: exporting the JWK of the generated KeyObject itself deadlocks node 20
 * now and then (the export holds the key's lock while it allocates; a garbage collection then
 * finalizes the finished key-generation job, whose destructor takes the same lock). Seen as the
 * intake bench hanging while it enrolled its 1,000 readers; about one in 10,000 pairs here.
 */
export function newReaderKeyPair(): { publicKey: ReaderPublicKey; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync("ec", {
    namedCurve: "P-256",
    publicKeyEncoding: { type: "spki", format: "der" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  const jwk = createPublicKey({ key: publicKey, format: "der", type: "spki" }).export({ format: "jwk" }) as { kty: "EC"; crv: "P-256"; x: string; y: string };
  return { publicKey: { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y }, privateKeyPem: privateKey };
}

export function writeReaderKey(path: string, key: ReaderKeyFile): void {
  writeFileAtomic(path, JSON.stringify(keyFile.parse(key), null, 2) + "\n", 0o600);
}

export function readReaderKey(path: string): ReaderKeyFile {
  if (!existsSync(path)) throw new Error(`no reader key at ${path}: enroll this reader first (evv reader enroll --service <url> --code <code>)`);
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) throw new Error(`${path} is readable by others (mode ${mode.toString(8)}); chmod 600 it`);
  const parsed = keyFile.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success) throw new Error(`${path} is not a reader key file: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const key = parsed.data;
  const derived = createPublicKey(createPrivateKey(key.privateKeyPem)).export({ format: "jwk" }) as { x: string; y: string };
  if (derived.x !== key.publicKey.x || derived.y !== key.publicKey.y) throw new Error(`${path}: the private key does not match the enrolled public key`);
  return key;
}

/** Raises the counter in the file (durably), then signs the reading with it. */
export function signReading(path: string, key: ReaderKeyFile, reading: Reading): SignedSubmission {
  key.counter += 1;
  writeReaderKey(path, key);
  const unsigned = { reader: key.readerId, counter: key.counter, reading };
  const signature = sign("sha256", signedBytes(unsigned), { key: createPrivateKey(key.privateKeyPem), dsaEncoding: "ieee-p1363" }).toString("base64url");
  return { ...unsigned, signature };
}
