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
    this.readHead = db.prepare("SELECT seq, hash, seal FROM audit_log ORDER BY seq DESC LIMIT 1");
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
    const key = sealKeys.get(this.db);
    if (this.head === null) this.head = this.checkedHead(key);
    const hash = chainHash(this.head, body);
    this.insert.run(kind, subject, body, this.head, hash, key ? auditSeal(key, hash) : null);
    this.head = hash;
    return hash;
  }

  get headHash(): string {
    return this.head ?? this.headRow()?.hash ?? GENESIS_HASH;
  }

  private headRow(): HeadRow | undefined {
    return this.readHead.get() as HeadRow | undefined;
  }

  /**
   * The head to chain from. A sealing writer first checks the head's seal: it never extends a
   * chain rewritten since the last sealed write (a rewritten entry changes every later hash, so
   * the head's seal no longer matches, or was removed).
   */
  private checkedHead(key: Uint8Array | undefined): string {
    const head = this.headRow();
    if (!head) return GENESIS_HASH;
    if (key && !this.adopting && head.seal !== auditSeal(key, head.hash))
      throw new AuditLogError(
        `audit log: its last entry (${head.seq}) is ${head.seal === null ? "not sealed" : "sealed with another key, or rewritten"}, so nothing more is written to it. ` +
          "Check it with `evv report audit`; a log written before sealing (or by a tool without the keystore) is sealed once, on your word, with `evv report audit --seal-unsealed`.",
      );
    return head.hash;
  }

  /**
   * Throws AuditLogError when this connection's sealing writer could not extend the log as it is
   * now: for a long-running writer (`evv serve`) to refuse at its start rather than at each write.
   */
  assertExtendable(): void {
    this.checkedHead(sealKeys.get(this.db));
  }

  private adopting = false;

  /** Appends an `audit.adopted` entry chained from the head whatever its seal: the operator vouches for the unsealed entries before it (`evv report audit --seal-unsealed`). */
  adoptUnsealed(note: JsonValue): string {
    this.adopting = true;
    try {
      return this.append("audit.adopted", "unsealed entries", note);
    } finally {
      this.adopting = false;
    }
  }
}

interface HeadRow {
  seq: number;
  hash: string;
  seal: string | null;
}

/** The audit log refused a write: the chain it would extend does not hold its seal. */
export class AuditLogError extends Error {}

export interface ChainCheck {
  ok: boolean;
  rows: number;
  /** The first row whose link, hash or seal does not hold. */
  brokenAtSeq?: number;
  problem?: string;
  /** With a seal key: the rows that carry a valid seal (a seal covers the rows before it through the chain). */
  sealed?: number;
  /** The last row: its number and hash, to compare with a copy kept elsewhere (the seals cannot show a log cut short). */
  head?: { seq: number; hash: string };
}

/**
 * Walks the chain; with `sealKey` (Keystore.auditSealKey) it also checks the seals: every seal
 * present must match its row's hash, and the last row must be sealed. A seal covers its row and,
 * through the chain, every row before it, so unsealed rows before a sealed one (from before
 * sealing, adopted with `evv report audit --seal-unsealed`) are covered too.
 */
export function verifyAuditChain(db: EvvDatabase, sealKey?: Uint8Array): ChainCheck {
  let prev = GENESIS_HASH;
  let rows = 0;
  let sealed = 0;
  let head: { seq: number; hash: string; sealed: boolean } | undefined;
  const rowsIterator = db.prepare("SELECT seq, body, prev_hash, hash, seal FROM audit_log ORDER BY seq").iterate() as IterableIterator<{
    seq: number;
    body: string | Uint8Array;
    prev_hash: string;
    hash: string;
    seal: string | null;
  }>;
  const broken = (seq: number, problem: string): ChainCheck => ({ ok: false, rows, brokenAtSeq: seq, problem, ...(sealKey ? { sealed } : {}) });
  for (const row of rowsIterator) {
    rows++;
    if (row.prev_hash !== prev) return broken(row.seq, "prev_hash does not link to the row before");
    if (chainHash(prev, row.body) !== row.hash) return broken(row.seq, "hash does not match the decision body");
    if (sealKey && row.seal !== null) {
      if (row.seal !== auditSeal(sealKey, row.hash)) return broken(row.seq, "seal does not match (the entry or one before it was rewritten, or another keystore sealed it)");
      sealed++;
    }
    prev = row.hash;
    head = { seq: row.seq, hash: row.hash, sealed: row.seal !== null };
  }
  if (sealKey && head && !head.sealed)
    return { ok: false, rows, brokenAtSeq: head.seq, problem: "not sealed: the last entry must carry this keystore's seal (written without the keystore, or its seal removed)", sealed, head: { seq: head.seq, hash: head.hash } };
  return sealKey ? { ok: true, rows, sealed, head: head && { seq: head.seq, hash: head.hash } } : { ok: true, rows };
}
