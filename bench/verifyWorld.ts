// The verify bench's world: providers, clients, authorizations and devices, one provider–client
// pair per 365 visits, and two readings per visit (half challenge answers, a quarter
// advertisement frames, a quarter typed codes), every one valid. Run as a script
// (`tsx bench/verifyWorld.ts <dir> <visits>`) it builds the world into <dir> and leaves the
// database checkpointed and flushed to disk, in a process of its own, so the process that
// measures starts as fresh as `evv verify` does.
import { closeSync, fsyncSync, openSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openDatabase, type EvvDatabase } from "../host/storage/database.js";
import { Keystore } from "../host/keystore/keystore.js";
import { importAuthorizations, importClients, importDevices, importProviders, importReadings } from "../host/storage/importers.js";
import { nodeSha256 } from "../host/crypto/nodeSha256.js";
import type { Reading } from "../host/capture/reading.js";
import { answerChallenge, deriveDeviceKey, deviceIdHex, encodeFrame, FRAME_KIND_ADVERT, makeDisplayCode, stepOf, toHex, u32be } from "../protocol/index.js";

export const WORLD_PASSPHRASE = "bench passphrase";
export const VISITS_PER_PAIR = 365;
const DAY_MS = 86_400_000;
const START_MS = Date.parse("2026-01-01T15:00:00Z");

/** Time-ordered UUIDs (version 7 layout, a counter in place of the clock) so the setup's inserts append. */
function orderedUuid(n: number): string {
  const h = n.toString(16).padStart(30, "0");
  const x = h.slice(0, 12) + "7" + h.slice(12, 15) + "8" + h.slice(15);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export function setUpWorld(dir: string, visits: number) {
  const db = openDatabase(join(dir, "evv.db"));
  const keystore = Keystore.create(join(dir, "keys.json"), WORLD_PASSPHRASE, { N: 1024, r: 8, p: 1 });
  const pairs = Math.ceil(visits / VISITS_PER_PAIR);
  importWorldRecords(db, pairs);
  importWorldReadings(db, keystore, pairs, 0, VISITS_PER_PAIR, visits);
  return { db, keystore };
}

/** The world's clients, providers, authorizations and devices: one of each per provider–client pair. */
export function importWorldRecords(db: EvvDatabase, pairs: number): void {
  const clients = [];
  const providers = [];
  const authorizations = [];
  const devices = [];
  for (let i = 0; i < pairs; i++) {
    const zone = i % 3 === 0 ? "America/Denver" : "America/Chicago";
    clients.push({ ndNumber: `C${i}`, name: `Client ${i}`, serviceLocation: { locationId: `loc-${i}`, address: `${i} Main St`, timeZone: zone }, absences: [] });
    providers.push({ providerNumber: `P${i}`, name: `Provider ${i}`, kind: "individual" as const, livesWith: [] });
    authorizations.push({
      authorizationId: `A${i}`,
      clientNdNumber: `C${i}`,
      providerNumber: `P${i}`,
      procedureCode: "T1019" as const,
      serviceProgram: "MSP-PC" as const,
      period: { from: "2025-12-01", to: "2027-12-31" },
      units: { adl: 100000, medicationAssistance: 1000, other: 1000, mealPreparation: 1000, laundryShoppingHousekeeping: 1000 },
      liveIn: false,
      evvRequired: true,
      priorApprovalOver12Hours: false,
      unitsPer: "period" as const,
      priorApprovalLiveInWpc: false,
    });
    devices.push({
      deviceId: deviceIdHex(0x20000000 + i),
      board: "puckjs" as const,
      firmwareHash: "ab".repeat(32),
      keyVersion: 1,
      provisionedAt: "2025-11-01T00:00:00Z",
      assignments: [{ locationId: `loc-${i}`, from: "2025-11-01T00:00:00Z" }],
    });
  }
  importClients(db, "bench-clients", "-", clients);
  importProviders(db, "bench-providers", "-", providers);
  importAuthorizations(db, "bench-authorizations", "-", authorizations);
  importDevices(db, "bench-devices", "-", devices);
}

/**
 * Readings of pairs `[0, pairs)` (or of the pairs `only` names) for days `[fromDay, toDay)`, at most `limit`
 * visits: half challenge answers, a quarter advertisement frames, a quarter typed codes. A reading's
 * ID and nonce are numbered by pair, day and event, so readings imported in parts are the ones
 * imported at once.
 */
export function importWorldReadings(db: EvvDatabase, keystore: Keystore, pairs: number, fromDay: number, toDay: number, limit = Infinity, only?: readonly number[]): number {
  const master = keystore.masterKey(1);
  let made = 0;
  let batch: Reading[] = [];
  const flush = () => {
    importReadings(db, "bench-readings", "-", batch, undefined, (r) => Date.parse(r.readerTime));
    batch = [];
  };
  for (const i of only ?? Array.from({ length: pairs }, (_, k) => k)) {
    if (made >= limit) break;
    const id = 0x20000000 + i;
    const key = deriveDeviceKey(nodeSha256, master, 1, id);
    for (let d = fromDay; d < toDay && made < limit; d++, made++) {
      const begin = START_MS + d * DAY_MS + (i % 5) * 3_600_000;
      const end = begin + (30 + (d % 60)) * 60_000;
      const method = (i + d) % 4;
      for (const [e, [event, at]] of ([["check-in", begin], ["check-out", end]] as const).entries()) {
        const readingNumber = (i * VISITS_PER_PAIR + d) * 2 + e + 1;
        const base = { readingId: orderedUuid(readingNumber), readerId: "bench", providerNumber: `P${i}`, clientNdNumber: `C${i}`, event, tasks: event === "check-out" ? ["bathing"] : undefined };
        if (method <= 1) {
          const nonce = new Uint8Array(16); // unique per reading (a counter): random bytes add nothing to a bench
          nonce.set(u32be(readingNumber), 12);
          const a = answerChallenge(nodeSha256, key, id, nonce, Math.floor(at / 1000), 0, d);
          batch.push({ ...base, readerTime: new Date(at).toISOString(), method: "challenge", transport: "ble", challenge: { nonce: toHex(nonce), deviceId: deviceIdHex(id), deviceTime: a.deviceTime, status: 0, journalSeq: d, mac: toHex(a.mac) } });
        } else if (method === 2) {
          const frame = encodeFrame(nodeSha256, key, id, { kind: FRAME_KIND_ADVERT, step: stepOf(at / 1000), status: 0 });
          batch.push({ ...base, readerTime: new Date(at + 5_000).toISOString(), method: "advert", transport: "ble", frame: toHex(frame) });
        } else {
          batch.push({ ...base, readerTime: new Date(at + 2 * 3_600_000).toISOString(), method: "typed", transport: "keyboard", typedCode: makeDisplayCode(nodeSha256, key, id, stepOf(at / 1000), 0) });
        }
      }
      if (batch.length >= 100_000) flush();
    }
  }
  if (batch.length) flush();
  return made;
}

/** fsync: the setup's writes reach the disk before anything is timed, so no measurement pays for them. */
export function flushToDisk(path: string): void {
  const fd = openSync(path, "r+");
  fsyncSync(fd);
  closeSync(fd);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dir, visits] = [process.argv[2], Number(process.argv[3])];
  const { db } = setUpWorld(dir, visits);
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  flushToDisk(join(dir, "evv.db"));
}
