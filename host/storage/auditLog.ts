// The append-only, hash-chained audit log: every decision the verifier (or an import) takes.
// hash(n) = SHA-256(hash(n-1) || body n), as lower-case hex, where a body is canonical JSON
// text, or bytes for an entry stored compressed (the verifier's `visit.decisions`, see
// host/verifier/visitDecision.ts); the first row chains from 64 zeros. Triggers refuse UPDATE and DELETE; verifyAuditChain finds edits
// made behind the triggers' back.
import { createHash } from "node:crypto";
import type { EvvDatabase } from "./database.js";
import { canonicalJson, type JsonValue } from "./canonicalJson.js";

export const GENESIS_HASH = "0".repeat(64);

export function chainHash(prevHash: string, body: string | Uint8Array): string {
  return createHash("sha256").update(prevHash).update(body).digest("hex");
}

/** Appends decisions within the caller's transaction, keeping the chain head in memory. */
export class AuditAppender {
  private head: string;
  private readonly insert;

  constructor(db: EvvDatabase) {
    const last = db.prepare("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1").get() as { hash: string } | undefined;
    this.head = last?.hash ?? GENESIS_HASH;
    this.insert = db.prepare("INSERT INTO audit_log (kind, subject, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?)");
  }

  append(kind: string, subject: string, decision: JsonValue): string {
    return this.appendCanonical(kind, subject, canonicalJson(decision));
  }

  /** For callers that already hold the body: canonical JSON text, or the bytes of a compressed one (the verifier's hot path). */
  appendCanonical(kind: string, subject: string, body: string | Uint8Array): string {
    const hash = chainHash(this.head, body);
    this.insert.run(kind, subject, body, this.head, hash);
    this.head = hash;
    return hash;
  }

  get headHash(): string {
    return this.head;
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
