// One of the verify bench's three measurements, each run by verify.bench.ts in a process of its
// own (none pays for another's garbage or leftover writes): `hmac`, the raw HMAC-SHA-256 rate;
// `insert`, the raw insert rate of visit rows (both single-thread); `verify`, runVerification on
// the database bench/verifyWorld.ts built, opened as `evv verify` opens it. Prints one JSON line.
// Usage: tsx bench/verifyMeasure.ts <hmac|insert|verify> <dir> <visits>
import { join } from "node:path";
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { openDatabase } from "../host/storage/database.js";
import { Keystore } from "../host/keystore/keystore.js";
import { runVerification } from "../host/verifier/verifyRun.js";
import { DEFAULT_SETTINGS } from "../host/verifier/settings.js";
import { WORLD_PASSPHRASE } from "./verifyWorld.js";
import { count, optionalBenchNumber } from "./benchSetting.js";

const WORKERS = optionalBenchNumber("BENCH_WORKERS", count);
const START_MS = Date.parse("2026-01-01T15:00:00Z");

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

export interface Rates {
  wall: number;
  cpu: number;
}

export interface Measurement {
  rates: Rates;
  verify?: {
    visits: number;
    wallMs: number;
    cpuMs: number;
    byStatus: Record<string, number>;
    workers: number;
    timings: { readingsMs: number; rulesMs: number; writeMs: number; waitMs: number; finishMs: number; commitMs: number };
  };
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

const [mode, dir, visits] = [process.argv[2], process.argv[3], Number(process.argv[4])];
let result: Measurement;
if (mode === "hmac") result = { rates: rawHmacRate(Math.min(2_000_000, Math.max(200_000, visits))) };
else if (mode === "insert") result = { rates: rawInsertRate(dir, Math.min(1_000_000, Math.max(100_000, visits))) };
else if (mode === "verify") {
  // BENCH_DB: another database holding the same world (verifyEngines.bench.ts: PostgreSQL).
  const db = openDatabase(process.env.BENCH_DB ?? join(dir, "evv.db"));
  const keystore = Keystore.open(join(dir, "keys.json"), WORLD_PASSPHRASE);
  const run = timed(() => runVerification(db, keystore, DEFAULT_SETTINGS, { workers: WORKERS }));
  db.close();
  const summary = run.value;
  result = {
    rates: { wall: rate(summary.visits, run.wallMs), cpu: rate(summary.visits, run.cpuMs) },
    verify: { visits: summary.visits, wallMs: run.wallMs, cpuMs: run.cpuMs, byStatus: summary.byStatus, workers: summary.workers, timings: summary.timings },
  };
} else throw new Error(`mode must be hmac, insert or verify, not ${JSON.stringify(mode)}`);
console.log(JSON.stringify(result));
