// What the verifier needs to know about intake besides the readings: the enrolled readers (and
// when each was revoked), and HHS's resets of the typed-code throttle, each placed in the order
// of receipt. Both tables are small; each slice verifier loads them once.
import type { EvvDatabase } from "../storage/database.js";

export interface IntakeFacts {
  /** reader id → when HHS revoked it (ms), or null while it is in use. */
  readers: Map<string, number | null>;
  /** "provider|client" → receipt sequence numbers after which HHS reset the pair's throttle, ascending. */
  throttleResets: Map<string, number[]>;
}

export function loadIntakeFacts(db: EvvDatabase): IntakeFacts {
  const readers = new Map<string, number | null>();
  for (const [id, revoked] of db.prepare("SELECT reader_id, revoked_ms FROM readers").raw().all() as [string, number | null][]) readers.set(id, revoked);
  const throttleResets = new Map<string, number[]>();
  const resets = db.prepare("SELECT provider_number, client_nd_number, after_received_seq FROM typed_throttle_resets ORDER BY after_received_seq").raw().all() as [string, string, number][];
  for (const [provider, client, after] of resets) {
    const key = provider + "|" + client;
    const list = throttleResets.get(key);
    if (list) list.push(after);
    else throttleResets.set(key, [after]);
  }
  return { readers, throttleResets };
}
