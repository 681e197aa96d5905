// The append-only, hash-chained audit log: every decision the verifier (or an import) takes.
// hash(n) = SHA-256(hash(n-1) || body n), as lower-case hex, where a body is canonical JSON
// text, or bytes for an entry stored compressed (the verifier's `visit.decisions`, see
// host/verifier/visitDecision.ts); the first row chains from 64 zeros. Triggers refuse UPDATE and
// DELETE and any INSERT that does not link to the chain head; verifyAuditChain finds edits made
// behind the triggers' back.
//
// The chain head is read inside the writer's transaction, which must hold the write lock
// (BEGIN IMMEDIATE, `transaction(fn).immediate()`): two writers can then never chain from the
// same head. Each entry is also sealed, seal(n) = HMAC-SHA256(audit key, hash(n)), with the key
// the keystore derives for the log (Keystore.auditSealKey): whoever edits a body and recomputes
// the hashes cannot recompute the seals without the keystore and its passphrase.
import { createHash, createHmac } from "node:crypto";
import type { EvvDatabase } from "./database.js";
import { canonicalJson, type JsonValue } from "./canonicalJson.js";

export const GENESIS_HASH = "0".repeat(64);

export function chainHash(prevHash: string, body: string | Uint8Array): string {
  return createHash("sha256").update(prevHash).update(body).digest("hex");
}

/** The seal of an entry: HMAC-SHA256(key, its chain hash), lower-case hex. */
export function auditSeal(key: Uint8Array, hash: string): string {
  return createHmac("sha256", key).update(hash).digest("hex");
}

const sealKeys = new WeakMap<EvvDatabase, Uint8Array>();

/** Every entry appended through this connection from now on is sealed with `key` (Keystore.auditSealKey). */
export function sealAuditWith(db: EvvDatabase, key: Uint8Array): void {
  sealKeys.set(db, key);
}

/**
 * Appends decisions within the caller's transaction, which must hold the write lock
 * (`db.transaction(fn).immediate()`): the chain head is read at the first append, inside it, and
 * kept in memory after. An append outside any transaction takes the write lock for itself.
 */
export class AuditAppender {
  private head: string | null = null;
  private readonly insert;
  private readonly readHead;

  constructor(private readonly db: EvvDatabase) {
    this.readHead = db.prepare("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1");
    this.insert = db.prepare("INSERT INTO audit_log (kind, subject, body, prev_hash, hash, seal) VALUES (?, ?, ?, ?, ?, ?)");
  }

  append(kind: string, subject: string, decision: JsonValue): string {
    return this.appendCanonical(kind, subject, canonicalJson(decision));
  }

  /** For callers that already hold the body: canonical JSON text, or the bytes of a compressed one (the verifier's hot path). */
  appendCanonical(kind: string, subject: string, body: string | Uint8Array): string {
    if (!this.db.inTransaction) {
      // On its own: one write transaction of its own, the head read afresh inside it.
      this.head = null;
      const hash = this.db.transaction(() => this.appendCanonical(kind, subject, body)).immediate();
      this.head = null;
      return hash;
    }
    if (this.head === null) this.head = (this.readHead.get() as { hash: string } | undefined)?.hash ?? GENESIS_HASH;
    const hash = chainHash(this.head, body);
    const key = sealKeys.get(this.db);
    this.insert.run(kind, subject, body, this.head, hash, key ? auditSeal(key, hash) : null);
    this.head = hash;
    return hash;
  }

  get headHash(): string {
    return this.head ?? (this.readHead.get() as { hash: string } | undefined)?.hash ?? GENESIS_HASH;
  }
}

export interface ChainCheck {
  ok: boolean;
  rows: number;
  /** The first row whose link or hash does not hold. */
  brokenAtSeq?: number;
  problem?: string;
}

export function verifyAuditChain(db: EvvDatabase): ChainCheck {
  let prev = GENESIS_HASH;
  let rows = 0;
  const rowsIterator = db.prepare("SELECT seq, body, prev_hash, hash FROM audit_log ORDER BY seq").iterate() as IterableIterator<{
    seq: number;
    body: string | Uint8Array;
    prev_hash: string;
    hash: string;
  }>;
  for (const row of rowsIterator) {
    rows++;
    if (row.prev_hash !== prev) return { ok: false, rows, brokenAtSeq: row.seq, problem: "prev_hash does not link to the row before" };
    if (chainHash(prev, row.body) !== row.hash) return { ok: false, rows, brokenAtSeq: row.seq, problem: "hash does not match the decision body" };
    prev = row.hash;
  }
  return { ok: true, rows };
}
