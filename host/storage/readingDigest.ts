// A stored reading's digest, as the audit entry that stored it records it (`readingDigests`): the
// first 128 bits of SHA-256 over the canonical JSON array of the row's values in READING_COLUMNS
// order, as lower-case hex. `evv report audit` recomputes it for every row of `readings`, so a
// reading edited, added or removed with SQL after its import no longer matches the log.
import { createHash } from "node:crypto";
import { canonicalJson, type JsonValue } from "./canonicalJson.js";

export const READING_COLUMNS = [
  "reading_id",
  "reader_id",
  "provider_number",
  "client_nd_number",
  "event",
  "reader_time",
  "reader_ms",
  "method",
  "transport",
  "typed_code",
  "frame",
  "rssi",
  "challenge_nonce",
  "challenge_device_id",
  "challenge_device_time",
  "challenge_status",
  "challenge_journal_seq",
  "challenge_mac",
  "tasks",
  "imported_at",
  "caregiver_id",
  "received_ms",
  "received_seq",
  "signed_by",
  "session_of",
  "reader_counter",
  "signature",
  "counter_back",
] as const;

export type ReadingRowValues = (string | number | null)[];

export function readingDigest(values: ReadingRowValues): string {
  return createHash("sha256")
    .update(canonicalJson(values as JsonValue[]))
    .digest("hex")
    .slice(0, 32);
}
