// The credentials that may administer intake over HTTP: HHS (every provider) or a QSP (its own
// provider number only). A JSON file the operator keeps (0600), holding only SHA-256 hashes of
// the bearer tokens: [{"name": "...", "tokenSha256": "...", "providerNumber": "..."?}].
// `evv caregiver credential` adds one and prints its token once.
import { existsSync, readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { writeFileAtomic } from "../keystore/atomicWrite.js";
import { sha256Hex } from "./intakeAccounts.js";

export const serviceCredential = z.object({
  name: z.string().min(1),
  tokenSha256: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lower-case hex digits"),
  /** Absent: an HHS credential. Present: a QSP's, for this provider only. */
  providerNumber: z.string().min(1).optional(),
});
export type ServiceCredential = z.infer<typeof serviceCredential>;
const credentialFile = z.array(serviceCredential);

export function readCredentials(path: string): ServiceCredential[] {
  if (!existsSync(path)) return [];
  const parsed = credentialFile.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success) throw new Error(`${path}: ${parsed.error.issues.map((i) => `[${i.path.join(".")}] ${i.message}`).join("; ")}`);
  return parsed.data;
}

/** Adds a credential to the file and returns its bearer token (shown once). */
export function addCredential(path: string, name: string, providerNumber?: string): string {
  const credentials = readCredentials(path);
  if (credentials.some((c) => c.name === name)) throw new Error(`${path} has a credential named ${JSON.stringify(name)} already`);
  const token = randomBytes(32).toString("base64url");
  credentials.push({ name, tokenSha256: sha256Hex(token), ...(providerNumber ? { providerNumber } : {}) });
  writeFileAtomic(path, JSON.stringify(credentials, null, 2) + "\n", 0o600);
  return token;
}

/** The credential a bearer token belongs to, or undefined. */
export function credentialOf(credentials: readonly ServiceCredential[], token: string): ServiceCredential | undefined {
  const hash = sha256Hex(token);
  return credentials.find((c) => c.tokenSha256 === hash);
}
