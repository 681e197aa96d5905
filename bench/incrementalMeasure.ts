// One step of the incremental bench (bench/incremental.bench.ts), in a process of its own so that
// no measurement pays for another's garbage. Prints one JSON line.
//   store <dir> <pairs> <toDay>                  the world's records and days [0, toDay) of every pair, verified in full
//   add <dir> <pairs> <fromDay> <toDay> <only>   days [fromDay, toDay) of the pairs `only` names ("all", "none", or "0-136")
//   fresh <dir> <pairs> <fromDay> <toDay> <only> an empty store given the records and only those readings
//   verify <dir>                                 `evv verify` as a daily run does it (incremental after the first run)
import { join } from "node:path";
import { openDatabase } from "../host/storage/database.js";
import { Keystore } from "../host/keystore/keystore.js";
import { runVerification, type VerifyRunSummary } from "../host/verifier/verifyRun.js";
import { DEFAULT_SETTINGS } from "../host/verifier/settings.js";
import { importWorldReadings, importWorldRecords, WORLD_PASSPHRASE } from "./verifyWorld.js";

export interface IncrementalMeasurement {
  wallMs: number;
  cpuMs: number;
  readingsAdded?: number;
  summary?: Omit<VerifyRunSummary, "auditWeeks">;
}

function pairsNamed(spec: string, pairs: number): number[] | undefined {
  if (spec === "all") return undefined;
  if (spec === "none") return [];
  const [from, to] = spec.split("-").map(Number);
  return Array.from({ length: Math.min(to, pairs - 1) - from + 1 }, (_, k) => from + k);
}

function timed(work: () => Partial<IncrementalMeasurement>): IncrementalMeasurement {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const out = work();
  const cpu = process.cpuUsage(cpu0);
  return { ...out, wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function verify(dir: string): Partial<IncrementalMeasurement> {
  const db = openDatabase(join(dir, "evv.db"));
  const keystore = Keystore.open(join(dir, "keys.json"), WORLD_PASSPHRASE);
  const { auditWeeks: _weeks, ...summary } = runVerification(db, keystore, DEFAULT_SETTINGS);
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  return { summary };
}

const [mode, dir] = [process.argv[2], process.argv[3]];
const [pairs, a, b] = [Number(process.argv[4]), Number(process.argv[5]), Number(process.argv[6])];
let result: IncrementalMeasurement;
if (mode === "store" || mode === "fresh") {
  const db = openDatabase(join(dir, "evv.db"));
  const keystore = Keystore.create(join(dir, "keys.json"), WORLD_PASSPHRASE, { N: 1024, r: 8, p: 1 });
  importWorldRecords(db, pairs);
  const readingsAdded =
    mode === "store" ? 2 * importWorldReadings(db, keystore, pairs, 0, a) : 2 * importWorldReadings(db, keystore, pairs, a, b, Infinity, pairsNamed(process.argv[7], pairs));
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  result = mode === "store" ? { ...timed(() => verify(dir)), readingsAdded } : { wallMs: 0, cpuMs: 0, readingsAdded };
} else if (mode === "add") {
  const db = openDatabase(join(dir, "evv.db"));
  const keystore = Keystore.open(join(dir, "keys.json"), WORLD_PASSPHRASE);
  const readingsAdded = 2 * importWorldReadings(db, keystore, pairs, a, b, Infinity, pairsNamed(process.argv[7], pairs));
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  result = { wallMs: 0, cpuMs: 0, readingsAdded };
} else if (mode === "verify") result = timed(() => verify(dir));
else throw new Error(`mode must be store, add, fresh or verify, not ${JSON.stringify(mode)}`);
console.log(JSON.stringify(result));
