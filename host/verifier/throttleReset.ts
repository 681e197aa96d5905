// HHS resets the typed-code throttle of one provider–client pair (a pair locked by wrong codes):
// the reset takes its place in the order of receipt, so wrong codes received before it stop
// counting and those received after it count afresh, on every rerun alike. Recorded in the
// audit log (`throttle.reset`) in the same transaction.
import type { EvvDatabase } from "../storage/database.js";
import { AuditAppender } from "../storage/auditLog.js";

export interface ThrottleReset {
  providerNumber: string;
  clientNdNumber: string;
  /** Who at HHS reset it. */
  by: string;
  reason: string;
}

export interface ThrottleResetResult extends ThrottleReset {
  resetId: number;
  afterReceivedSeq: number;
  resetAt: string;
}

export function resetTypedThrottle(db: EvvDatabase, reset: ThrottleReset, now = Date.now()): ThrottleResetResult {
  return db
    .transaction(() => {
      const afterReceivedSeq = db.prepare("SELECT coalesce(max(received_seq), 0) FROM readings").pluck().get() as number;
      const info = db
        .prepare("INSERT INTO typed_throttle_resets (provider_number, client_nd_number, after_received_seq, reset_ms, reset_by, reason) VALUES (?, ?, ?, ?, ?, ?)")
        .run(reset.providerNumber, reset.clientNdNumber, afterReceivedSeq, now, reset.by, reset.reason);
      const result: ThrottleResetResult = { ...reset, resetId: Number(info.lastInsertRowid), afterReceivedSeq, resetAt: new Date(now).toISOString() };
      new AuditAppender(db).append("throttle.reset", `${reset.providerNumber}|${reset.clientNdNumber}`, { ...result });
      return result;
    })
    .immediate();
}
