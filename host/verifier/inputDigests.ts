// One digest per input of the verifier other than the readings, keyed by what it belongs to, so
// that a run can tell which inputs changed since the last one whoever wrote them (an importer,
// the device registry, the intake service, a manual entry, a throttle reset). The rows are
// exactly the columns the verifier reads (verificationContext.ts, intakeFacts.ts,
// manualVisits.ts); a column it does not read (a reader's last counter, a caregiver's e-mail)
// is left out so that changing it re-verifies nothing.
import { createHash, createHmac, type Hash } from "node:crypto";
import type { EvvDatabase } from "../storage/database.js";
import type { MasterKeySource } from "./masterKeys.js";

/**
 * What an input belongs to: a client (its row, location and stays), a provider (its row, live-in
 * relations, caregivers), a provider–client pair (its authorizations, manual entries, throttle
 * resets), a device (its row, assignments, clock history), a reader (its revocation).
 */
export type InputKind = "client" | "provider" | "pair" | "device" | "reader" | "keystore";

/** The input id of the keystore's master keys (keystoreFingerprint). */
export const KEYSTORE_INPUT = "keystore master-keys";

/**
 * A fingerprint of the keystore's master keys (each version and an HMAC of a fixed label under
 * its key: nothing about a key can be learnt from it). Device keys derive from them, so another
 * keystore, or one with a version more or less, can change any reading's verdict.
 */
export function keystoreFingerprint(keys: MasterKeySource & { versions(): number[] }): string {
  const hash = createHash("sha256");
  for (const version of keys.versions()) hash.update(`${version}:${createHmac("sha256", keys.masterKey(version)).update("evv verify: keystore fingerprint").digest("hex")}\n`);
  return hash.digest("hex");
}

interface InputSource {
  kind: InputKind;
  /** The first `keyColumns` columns name the input (joined with "|"). */
  keyColumns: number;
  sql: string;
}

const SOURCES: readonly InputSource[] = [
  {
    kind: "client",
    keyColumns: 1,
    sql: "SELECT c.nd_number, 'client', c.name, c.location_id, c.date_of_death, l.address, l.time_zone FROM clients c LEFT JOIN service_locations l ON l.location_id = c.location_id ORDER BY c.nd_number",
  },
  { kind: "client", keyColumns: 1, sql: "SELECT nd_number, 'stay', kind, from_date, returned_date FROM client_absences ORDER BY nd_number, from_date, kind, returned_date" },
  { kind: "provider", keyColumns: 1, sql: "SELECT provider_number, 'provider', name, kind FROM providers ORDER BY provider_number" },
  { kind: "provider", keyColumns: 1, sql: "SELECT provider_number, 'live-in', client_nd_number, relation FROM provider_live_in ORDER BY provider_number, client_nd_number, relation" },
  { kind: "provider", keyColumns: 1, sql: "SELECT provider_number, 'caregiver', caregiver_id, first_name, last_name FROM caregivers ORDER BY provider_number, caregiver_id" },
  { kind: "pair", keyColumns: 2, sql: "SELECT provider_number, client_nd_number, 'authorization', a.* FROM authorizations a ORDER BY provider_number, client_nd_number, authorization_id" },
  { kind: "pair", keyColumns: 2, sql: "SELECT provider_number, client_nd_number, 'manual', m.* FROM manual_visits m ORDER BY provider_number, client_nd_number, entry_id" },
  { kind: "pair", keyColumns: 2, sql: "SELECT provider_number, client_nd_number, 'reset', after_received_seq FROM typed_throttle_resets ORDER BY provider_number, client_nd_number, after_received_seq" },
  { kind: "device", keyColumns: 1, sql: "SELECT device_id, 'device', key_version, retired_at FROM devices ORDER BY device_id" },
  { kind: "device", keyColumns: 1, sql: "SELECT device_id, 'assignment', location_id, from_ms, to_ms FROM device_assignments ORDER BY device_id, from_ms, location_id, to_ms" },
  { kind: "device", keyColumns: 1, sql: "SELECT device_id, 'clock', observed_ms, device_time, source FROM clock_observations ORDER BY device_id, observed_ms, device_time, source" },
  { kind: "reader", keyColumns: 1, sql: "SELECT reader_id, 'reader', revoked_ms FROM readers ORDER BY reader_id" },
];

/** "kind key" (kind, a space, then the key) → hex SHA-256 of the input's rows. */
export type InputDigests = Map<string, string>;

export function inputId(kind: InputKind, key: string): string {
  return kind + " " + key;
}

export function splitInputId(id: string): { kind: InputKind; key: string } {
  const space = id.indexOf(" ");
  return { kind: id.slice(0, space) as InputKind, key: id.slice(space + 1) };
}

/** The digests of every input as the database holds it now. */
export function currentInputDigests(db: EvvDatabase): InputDigests {
  const hashes = new Map<string, Hash>();
  for (const source of SOURCES) {
    for (const row of db.prepare(source.sql).raw().iterate() as IterableIterator<unknown[]>) {
      const key = row.slice(0, source.keyColumns).join("|");
      const id = inputId(source.kind, key);
      let hash = hashes.get(id);
      if (!hash) {
        hash = createHash("sha256");
        hashes.set(id, hash);
      }
      hash.update(JSON.stringify(row, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) + "\n");
    }
  }
  const out: InputDigests = new Map();
  for (const [id, hash] of hashes) out.set(id, hash.digest("hex"));
  return out;
}

/** The digests the last run stored (verify_inputs). */
export function storedInputDigests(db: EvvDatabase): InputDigests {
  const out: InputDigests = new Map();
  for (const [kind, key, digest] of db.prepare("SELECT input_kind, input_key, digest FROM verify_inputs").raw().iterate() as IterableIterator<[InputKind, string, string]>)
    out.set(inputId(kind, key), digest);
  return out;
}

/** Inputs added, removed or changed between `before` and `now`. */
export function changedInputs(before: InputDigests, now: InputDigests): string[] {
  const changed: string[] = [];
  for (const [id, digest] of now) if (before.get(id) !== digest) changed.push(id);
  for (const id of before.keys()) if (!now.has(id)) changed.push(id);
  return changed;
}

/** Stores `now` in place of `before`, writing only the rows that differ. */
export function storeInputDigests(db: EvvDatabase, before: InputDigests, now: InputDigests): void {
  const upsert = db.prepare("INSERT INTO verify_inputs (input_kind, input_key, digest) VALUES (?, ?, ?) ON CONFLICT (input_kind, input_key) DO UPDATE SET digest = excluded.digest");
  const remove = db.prepare("DELETE FROM verify_inputs WHERE input_kind = ? AND input_key = ?");
  for (const [id, digest] of now) {
    if (before.get(id) === digest) continue;
    const { kind, key } = splitInputId(id);
    upsert.run(kind, key, digest);
  }
  for (const id of before.keys()) {
    if (now.has(id)) continue;
    const { kind, key } = splitInputId(id);
    remove.run(kind, key);
  }
}
