// Who may submit readings: caregivers' one-time enrollment codes (issued by HHS or the caregiver's
// QSP), the readers enrolled with them (a public key each; HHS can revoke one), caregiver
// passwords for shared computers and their sign-in sessions. Caregivers are named by provider
// number and caregiver ID as free text. Every issue, enrollment, revocation and password is an
// audit-log entry; codes, passwords and session tokens are stored only as hashes.
import { createHash, randomBytes, randomUUID, scrypt as scryptCallback, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import type { EvvDatabase } from "../storage/database.js";
import { AuditAppender } from "../storage/auditLog.js";
import type { JsonValue } from "../storage/canonicalJson.js";
import type { ReaderPublicKey } from "../capture/signedSubmission.js";

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;
const PASSWORD_SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
/** Crockford base32 without I, L, O, U: readable over the phone. */
const CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export type CodePurpose = "reader" | "password";

export interface Caregiver {
  providerNumber: string;
  caregiverId: string;
}

export interface ReaderRow {
  reader_id: string;
  provider_number: string;
  caregiver_id: string;
  kind: string;
  public_key: string;
  enrolled_ms: number;
  last_counter: number;
  revoked_ms: number | null;
  revoked_by: string | null;
  revoke_reason: string | null;
}

/** Refused: the code is unknown, used or expired; the password or token is wrong. Says no more than that. */
export class AccountError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 401 | 403 | 404 | 409,
  ) {
    super(message);
  }
}

export const sha256Hex = (text: string): string => createHash("sha256").update(text).digest("hex");

/** "ABCD-EFGH-JKMN-PQRS": 16 symbols, 80 bits. Typed in any case, with or without dashes. */
function newCode(): string {
  const bytes = randomBytes(16);
  let code = "";
  for (let i = 0; i < 16; i++) code += CODE_ALPHABET[bytes[i] & 31] + (i % 4 === 3 && i < 15 ? "-" : "");
  return code;
}

export function normalizeCode(code: string): string {
  const plain = code.toUpperCase().replace(/[\s-]/g, "").replace(/[IL]/g, "1").replace(/O/g, "0");
  return plain.match(/.{1,4}/g)?.join("-") ?? "";
}

export class IntakeAccounts {
  constructor(
    private readonly db: EvvDatabase,
    private readonly now: () => number = Date.now,
  ) {}

  private audit(kind: string, subject: string, body: JsonValue): void {
    new AuditAppender(this.db).append(kind, subject, body);
  }

  /** Issues a one-time code for a caregiver: to enroll a reader, or to set a password for signing in on a shared computer. */
  issueCode(caregiver: Caregiver, purpose: CodePurpose, issuedBy: string, validHours = 72): { code: string; expiresAt: string } {
    const code = newCode();
    const issued = this.now();
    const expires = issued + validHours * 3600_000;
    this.db
      .transaction(() => {
        this.db
          .prepare("INSERT INTO enrollment_codes (code_hash, provider_number, caregiver_id, purpose, issued_by, issued_ms, expires_ms) VALUES (?, ?, ?, ?, ?, ?, ?)")
          .run(sha256Hex(code), caregiver.providerNumber, caregiver.caregiverId, purpose, issuedBy, issued, expires);
        this.audit("intake.code-issued", `${caregiver.providerNumber}|${caregiver.caregiverId}`, { purpose, issuedBy, expiresAt: new Date(expires).toISOString() });
      })
      .immediate();
    return { code, expiresAt: new Date(expires).toISOString() };
  }

  /** Marks the code used (inside the caller's transaction) and names its caregiver; refuses an unknown, used or expired one. */
  private redeem(code: string, purpose: CodePurpose, usedFor: string): Caregiver {
    const row = this.db.prepare("SELECT provider_number, caregiver_id, purpose, expires_ms, used_ms FROM enrollment_codes WHERE code_hash = ?").get(sha256Hex(normalizeCode(code))) as
      | { provider_number: string; caregiver_id: string; purpose: string; expires_ms: number; used_ms: number | null }
      | undefined;
    if (!row || row.purpose !== purpose) throw new AccountError(`enrollmentCode: not a valid ${purpose === "reader" ? "reader enrollment" : "password"} code`, 403);
    if (row.used_ms !== null) throw new AccountError("enrollmentCode: this code has been used already; ask for a new one", 403);
    if (row.expires_ms < this.now()) throw new AccountError("enrollmentCode: this code has expired; ask for a new one", 403);
    this.db.prepare("UPDATE enrollment_codes SET used_ms = ?, used_for = ? WHERE code_hash = ?").run(this.now(), usedFor, sha256Hex(normalizeCode(code)));
    return { providerNumber: row.provider_number, caregiverId: row.caregiver_id };
  }

  /** Enrolls a reader's public key with a one-time code. */
  enrollReader(code: string, publicKey: ReaderPublicKey, kind: "browser" | "cli"): ReaderRow {
    const readerId = `rdr-${randomUUID()}`;
    const jwk = JSON.stringify({ kty: publicKey.kty, crv: publicKey.crv, x: publicKey.x, y: publicKey.y });
    return this.db
      .transaction(() => {
        const caregiver = this.redeem(code, "reader", readerId);
        this.db
          .prepare("INSERT INTO readers (reader_id, provider_number, caregiver_id, kind, public_key, enrolled_ms) VALUES (?, ?, ?, ?, ?, ?)")
          .run(readerId, caregiver.providerNumber, caregiver.caregiverId, kind, jwk, this.now());
        this.audit("intake.reader-enrolled", readerId, { providerNumber: caregiver.providerNumber, caregiverId: caregiver.caregiverId, kind, publicKey: jwk });
        return this.reader(readerId)!;
      })
      .immediate();
  }

  reader(readerId: string): ReaderRow | undefined {
    return this.db.prepare("SELECT * FROM readers WHERE reader_id = ?").get(readerId) as ReaderRow | undefined;
  }

  readers(filter: Partial<Caregiver> = {}): ReaderRow[] {
    return this.db
      .prepare("SELECT * FROM readers WHERE (@provider IS NULL OR provider_number = @provider) AND (@caregiver IS NULL OR caregiver_id = @caregiver) ORDER BY enrolled_ms")
      .all({ provider: filter.providerNumber ?? null, caregiver: filter.caregiverId ?? null }) as ReaderRow[];
  }

  /**
   * Revokes a reader from `fromMs` on (default now): the service refuses its submissions from
   * then, and the verifier refuses its readings received since (a key known lost on a date).
   */
  revokeReader(readerId: string, by: string, reason: string, fromMs = this.now()): ReaderRow {
    return this.db
      .transaction(() => {
        const row = this.reader(readerId);
        if (!row) throw new AccountError(`no reader ${readerId}`, 404);
        if (row.revoked_ms !== null && row.revoked_ms <= fromMs) throw new AccountError(`reader ${readerId} was revoked already (${new Date(row.revoked_ms).toISOString()})`, 409);
        this.db.prepare("UPDATE readers SET revoked_ms = ?, revoked_by = ?, revoke_reason = ? WHERE reader_id = ?").run(fromMs, by, reason, readerId);
        this.audit("intake.reader-revoked", readerId, { by, reason, from: new Date(fromMs).toISOString() });
        return this.reader(readerId)!;
      })
      .immediate();
  }

  /** Sets a caregiver's password with a one-time password code (for signing in on a shared computer). */
  async setPassword(code: string, password: string): Promise<Caregiver> {
    const salt = randomBytes(16);
    const hash = await scrypt(password, salt, 32, PASSWORD_SCRYPT);
    const stored = `scrypt$${PASSWORD_SCRYPT.N}$${PASSWORD_SCRYPT.r}$${PASSWORD_SCRYPT.p}$${salt.toString("base64url")}$${hash.toString("base64url")}`;
    return this.db
      .transaction(() => {
        const caregiver = this.redeem(code, "password", "password");
        this.db
          .prepare(
            "INSERT INTO caregiver_passwords (provider_number, caregiver_id, password_hash, set_ms) VALUES (?, ?, ?, ?) ON CONFLICT(provider_number, caregiver_id) DO UPDATE SET password_hash = excluded.password_hash, set_ms = excluded.set_ms",
          )
          .run(caregiver.providerNumber, caregiver.caregiverId, stored, this.now());
        // A new password ends the caregiver's sessions.
        this.db.prepare("UPDATE sessions SET ended_ms = ? WHERE provider_number = ? AND caregiver_id = ? AND ended_ms IS NULL").run(this.now(), caregiver.providerNumber, caregiver.caregiverId);
        this.audit("intake.password-set", `${caregiver.providerNumber}|${caregiver.caregiverId}`, {});
        return caregiver;
      })
      .immediate();
  }

  /** Signs a caregiver in: a session token (shown once) valid for `hours`. */
  async signIn(caregiver: Caregiver, password: string, hours = 12): Promise<{ token: string; expiresAt: string }> {
    const row = this.db.prepare("SELECT password_hash FROM caregiver_passwords WHERE provider_number = ? AND caregiver_id = ?").get(caregiver.providerNumber, caregiver.caregiverId) as
      | { password_hash: string }
      | undefined;
    // The same work whether or not the caregiver has a password, so timing does not tell.
    const [, n, r, p, salt, hash] = (row?.password_hash ?? `scrypt$${PASSWORD_SCRYPT.N}$8$1$${"A".repeat(22)}$${"A".repeat(43)}`).split("$");
    const expected = Buffer.from(hash, "base64url");
    const actual = await scrypt(password, Buffer.from(salt, "base64url"), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: PASSWORD_SCRYPT.maxmem });
    if (!row || !timingSafeEqual(actual, expected)) throw new AccountError("wrong provider number, caregiver ID or password", 401);
    const token = randomBytes(32).toString("base64url");
    const expires = this.now() + hours * 3600_000;
    this.db
      .prepare("INSERT INTO sessions (token_hash, provider_number, caregiver_id, created_ms, expires_ms) VALUES (?, ?, ?, ?, ?)")
      .run(sha256Hex(token), caregiver.providerNumber, caregiver.caregiverId, this.now(), expires);
    return { token, expiresAt: new Date(expires).toISOString() };
  }

  /** The caregiver of a live session token, or null. */
  sessionCaregiver(token: string): Caregiver | null {
    const row = this.db.prepare("SELECT provider_number, caregiver_id, expires_ms, ended_ms FROM sessions WHERE token_hash = ?").get(sha256Hex(token)) as
      | { provider_number: string; caregiver_id: string; expires_ms: number; ended_ms: number | null }
      | undefined;
    if (!row || row.ended_ms !== null || row.expires_ms < this.now()) return null;
    return { providerNumber: row.provider_number, caregiverId: row.caregiver_id };
  }

  signOut(token: string): void {
    this.db.prepare("UPDATE sessions SET ended_ms = ? WHERE token_hash = ? AND ended_ms IS NULL").run(this.now(), sha256Hex(token));
  }
}
