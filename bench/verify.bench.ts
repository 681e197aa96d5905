// Verifies BENCH_VISITS visits (default 1,000,000) into a fresh database and prints visits per
// second next to two references measured in the same run: the raw node:crypto HMAC-SHA-256 rate
// on the protocol's message sizes, and the raw better-sqlite3 insert rate (prepared statement,
// one transaction) of visit rows. Goal: at least half the slower reference. Both references
// run in one thread; the verifier may use worker threads (BENCH_WORKERS to choose, default as
// `evv verify`), and the bench prints how many next to the figures.
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { openDatabase } from "../host/storage/database.js";
import { Keystore } from "../host/keystore/keystore.js";
import { importAuthorizations, importClients, importDevices, importProviders, importReadings } from "../host/storage/importers.js";
import { runVerification } from "../host/verifier/verifyRun.js";
import { DEFAULT_SETTINGS } from "../host/verifier/settings.js";
import { nodeSha256 } from "../host/crypto/nodeSha256.js";
import type { Reading } from "../host/capture/reading.js";
import {
  answerChallenge,
  deriveDeviceKey,
  deviceIdHex,
  encodeFrame,
  FRAME_KIND_ADVERT,
  makeDisplayCode,
  stepOf,
  u32be,
  toHex,
} from "../protocol/index.js";

const VISITS = Number(process.env.BENCH_VISITS ?? 1_000_000);
const WORKERS = process.env.BENCH_WORKERS === undefined ? undefined : Number(process.env.BENCH_WORKERS);
const VISITS_PER_PAIR = 365;
const DAY_MS = 86_400_000;
const START_MS = Date.parse("2026-01-01T15:00:00Z");

/** fsync: the setup's writes reach the disk before anything is timed, so no measurement pays for them. */
function flushToDisk(path: string): void {
  const fd = openSync(path, "r+");
  fsyncSync(fd);
  closeSync(fd);
}

function rate(count: number, ms: number): number {
  return count / (ms / 1000);
}

interface Timed<T> {
  value: T;
  wallMs: number;
  /** CPU time of this process (user + system): less disturbed by other work on a shared machine. */
  cpuMs: number;
}

function timed<T>(work: () => T): Timed<T> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = work();
  const cpu = process.cpuUsage(cpu0);
  return { value, wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

interface Rates {
  wall: number;
  cpu: number;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** Raw HMAC-SHA-256 rate with a 32-byte key on the three message sizes the verifier MACs (challenge 30 B, frame 11 B, display code 10 B). */
function rawHmacRate(n: number): Rates {
  const key = randomBytes(32);
  const messages = [randomBytes(30), randomBytes(11), randomBytes(10)];
  const t = timed(() => {
    for (let i = 0; i < n; i++) createHmac("sha256", key).update(messages[i % 3]).digest();
  });
  return { wall: rate(n, t.wallMs), cpu: rate(n, t.cpuMs) };
}

/** Raw insert rate of visit rows: the visits table's own schema, one prepared statement, one transaction. */
function rawInsertRate(dir: string, n: number): Rates {
  const db = openDatabase(join(dir, "raw-insert.db"));
  const insert = db.prepare(
    `INSERT INTO visits (visit_id, run_id, provider_number, client_nd_number, authorization_id, procedure_code, check_in_reading, check_out_reading,
       device_id, begin_ms, end_ms, time_zone, presence_in, presence_out, status, units, reasons, tasks)
     VALUES (?, 1, ?, ?, ?, 'T1019', ?, ?, ?, ?, ?, 'America/Chicago', 'challenge', 'challenge', 'verified', ?, '[]', '["bathing"]')`,
  );
  const ids = Array.from({ length: n }, () => randomUUID());
  const t = timed(() =>
    db.transaction(() => {
      for (let i = 0; i < n; i++) insert.run(ids[i], "P" + (i % 2000), "C" + (i % 2000), "A" + (i % 2000), ids[i], ids[(i + 1) % n], "0000abcd", START_MS + i, START_MS + i + 1_800_000, 2);
    })(),
  );
  db.close();
  return { wall: rate(n, t.wallMs), cpu: rate(n, t.cpuMs) };
}

/** Time-ordered UUIDs (version 7 layout, a counter in place of the clock) so the setup's inserts append. */
function orderedUuid(n: number): string {
  const h = n.toString(16).padStart(30, "0");
  const x = h.slice(0, 12) + "7" + h.slice(12, 15) + "8" + h.slice(15);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export function setUpWorld(dir: string) {
  const db = openDatabase(join(dir, "evv.db"));
  const keystore = Keystore.create(join(dir, "keys.json"), "bench passphrase", { N: 1024, r: 8, p: 1 });
  const master = keystore.masterKey(1);
  const pairs = Math.ceil(VISITS / VISITS_PER_PAIR);
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
    });
    devices.push({
      deviceId: deviceIdHex(0x20000000 + i),
      board: "puck-js-2" as const,
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

  // Readings: half challenge answers, a quarter advertisement frames, a quarter typed codes.
  let made = 0;
  let readingNumber = 0;
  let batch: Reading[] = [];
  const flush = () => {
    importReadings(db, "bench-readings", "-", batch);
    batch = [];
  };
  for (let i = 0; i < pairs && made < VISITS; i++) {
    const id = 0x20000000 + i;
    const key = deriveDeviceKey(nodeSha256, master, 1, id);
    for (let d = 0; d < VISITS_PER_PAIR && made < VISITS; d++, made++) {
      const begin = START_MS + d * DAY_MS + (i % 5) * 3_600_000;
      const end = begin + (30 + (d % 60)) * 60_000;
      const method = (i + d) % 4;
      for (const [event, at] of [["check-in", begin], ["check-out", end]] as const) {
        const base = { readingId: orderedUuid(++readingNumber), readerId: "bench", providerNumber: `P${i}`, clientNdNumber: `C${i}`, event, tasks: event === "check-out" ? ["bathing"] : undefined };
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
  return { db, keystore };
}

export default async function verifyBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "evv-bench-"));
  try {
    console.log(`visits: ${fmt(VISITS)} (BENCH_VISITS to change)`);
    const setup = timed(() => setUpWorld(dir));
    // As `evv verify` meets it: the imported database checkpointed, on disk, and opened anew.
    setup.value.db.pragma("wal_checkpoint(TRUNCATE)");
    setup.value.db.close();
    flushToDisk(join(dir, "evv.db"));
    const db = openDatabase(join(dir, "evv.db"));
    const keystore = setup.value.keystore;
    console.log(`setup (generate and import ${fmt(2 * VISITS)} readings): ${(setup.wallMs / 1000).toFixed(1)} s`);

    const hmacRate = rawHmacRate(Math.min(2_000_000, Math.max(200_000, VISITS)));
    const insertRate = rawInsertRate(dir, Math.min(1_000_000, Math.max(100_000, VISITS)));

    const run = timed(() => runVerification(db, keystore, DEFAULT_SETTINGS, { workers: WORKERS }));
    const summary = run.value;
    db.close();
    const visitRate: Rates = { wall: rate(summary.visits, run.wallMs), cpu: rate(summary.visits, run.cpuMs) };

    console.log(`verify: ${fmt(summary.visits)} visits in ${(run.wallMs / 1000).toFixed(1)} s wall, ${(run.cpuMs / 1000).toFixed(1)} s CPU; statuses ${JSON.stringify(summary.byStatus)}`);
    const t = summary.timings;
    const threads = summary.workers === 0 ? "1 thread (no workers)" : `${summary.workers} worker threads + 1 writer thread`;
    console.log(`  verifier threads: ${threads} on ${availableParallelism()} cores; the two references below are single-thread`);
    console.log(
      `  phases: readings judged and paired ${(t.readingsMs / 1000).toFixed(1)} s, rules ${(t.rulesMs / 1000).toFixed(1)} s (summed over the threads that did them), ` +
        `writing ${(t.writeMs / 1000).toFixed(1)} s, writer waiting for workers ${(t.waitMs / 1000).toFixed(1)} s`,
    );
    console.log(`                                          per second (wall)   per CPU-second`);
    const row = (label: string, r: Rates, note = "") => console.log(`  ${label.padEnd(38)} ${fmt(r.wall).padStart(12)} ${fmt(r.cpu).padStart(16)}   ${note}`);
    row("visits verified into the database", visitRate);
    row("raw HMAC-SHA-256 (node:crypto)", hmacRate, "same message sizes; each visit checks 2 MACs (keys cached per device)");
    row("raw prepared inserts (one txn)", insertRate, "visit rows into the visits table; each visit writes 1 row (days inside) + 1/1000 of an audit entry");
    for (const basis of ["wall", "cpu"] as const) {
      const slower = Math.min(hmacRate[basis], insertRate[basis]);
      const ratio = visitRate[basis] / slower;
      const floor = 1 / (2 / hmacRate[basis] + 1 / insertRate[basis]);
      console.log(
        `  ${basis === "wall" ? "wall" : "CPU "}: ratio to the slower reference ${ratio.toFixed(2)}, goal >= 0.50: ${ratio >= 0.5 ? "met" : "NOT met"}` +
          ` (2 MACs + 1 insert in one thread alone allow ${fmt(floor)} /s = ratio ${(floor / slower).toFixed(2)}; reached ${((100 * visitRate[basis]) / floor).toFixed(0)}% of that)`,
      );
    }
    if (summary.byStatus.verified !== summary.visits) console.log("  WARNING: not every bench visit verified; the figures are not comparable");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
