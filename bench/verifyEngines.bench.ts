// A full verify of the same world on SQLite and on PostgreSQL, side by side in one run
// (`npm run bench verify` runs it after verify.bench.ts). The world (BENCH_VISITS visits, default
// 1,000,000, two readings each) is built once into SQLite by verifyWorld.ts and copied into a
// PostgreSQL database (copyWorld.ts, COPY FROM STDIN; its time is printed); each run verifies a fresh copy (a file copy; CREATE
// DATABASE ... TEMPLATE) in a process of its own (verifyMeasure.ts, as `evv verify` opens the
// database), BENCH_REPEAT times (default 3) alternating the engines, after BENCH_SETTLE_SECONDS of
// quiet. The PostgreSQL server is a throwaway one on this machine (test/postgres/throwawayCluster.ts),
// durable (fsync and synchronous commit on), with the settings printed below.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Measurement } from "./verifyMeasure.js";
import { copyWorld } from "./copyWorld.js";
import { flushToDisk } from "./verifyWorld.js";
import { startThrowawayCluster } from "../test/postgres/throwawayCluster.js";
import { PostgresDatabase } from "../host/storage/postgres/postgresDatabase.js";
import { benchNumber, notNegative, positive } from "./benchSetting.js";

const VISITS = benchNumber("BENCH_VISITS", 1_000_000, positive);
const SETTLE_MS = 1000 * benchNumber("BENCH_SETTLE_SECONDS", 10, notNegative);
const REPEAT = benchNumber("BENCH_REPEAT", 3, positive);
/** The server's settings beyond Debian's defaults: memory for a bulk run, WAL that does not checkpoint mid-run. */
const SERVER_SETTINGS = ["shared_buffers=512MB", "max_wal_size=8GB", "checkpoint_timeout=30min", "work_mem=64MB", "maintenance_work_mem=256MB"];

function runScript(script: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(process.execPath, ["--import", "tsx", fileURLToPath(new URL(script, import.meta.url)), ...args], { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", env: { ...process.env, ...env } });
}

async function measure(dir: string, db?: string): Promise<Measurement> {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const lines = runScript("./verifyMeasure.ts", ["verify", dir, String(VISITS)], db ? { BENCH_DB: db } : {}).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]) as Measurement;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const seconds = (ms: number) => (ms / 1000).toFixed(1) + " s";

export default async function verifyEnginesBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "evv-bench-engines-"));
  const cluster = await startThrowawayCluster({ settings: SERVER_SETTINGS });
  try {
    console.log(`full verify on SQLite vs PostgreSQL: ${fmt(VISITS)} visits (BENCH_VISITS), ${fmt(2 * VISITS)} readings`);
    const t0 = performance.now();
    runScript("./verifyWorld.ts", [dir, String(VISITS)]);
    const t1 = performance.now();
    const admin = new PostgresDatabase(cluster.url);
    admin.exec("CREATE DATABASE evv_world");
    const copied = copyWorld(join(dir, "evv.db"), cluster.url.replace(/\/postgres$/, "/evv_world"));
    const t2 = performance.now();
    const version = admin.prepare("SHOW server_version").pluck().get() as string;
    console.log(`setup: world built into SQLite ${seconds(t1 - t0)}; copied into PostgreSQL (COPY FROM STDIN, ${fmt(copied)} rows, month partitions and key tables, then ANALYZE) ${seconds(t2 - t1)} (${fmt(copied / ((t2 - t1) / 1000))} rows/s)`);
    console.log(`PostgreSQL ${version} on 127.0.0.1 (this machine; throwaway data directory; fsync and synchronous_commit on; ${SERVER_SETTINGS.join(", ")}); evv verifies there in one thread`);
    const runs: Record<"sqlite" | "postgres", Measurement[]> = { sqlite: [], postgres: [] };
    const runDir = join(dir, "run");
    for (let r = 0; r < REPEAT; r++) {
      rmSync(runDir, { recursive: true, force: true });
      mkdirSync(runDir);
      for (const file of ["evv.db", "keys.json"]) {
        copyFileSync(join(dir, file), join(runDir, file));
        flushToDisk(join(runDir, file));
      }
      runs.sqlite.push(await measure(runDir));
      for (const sql of ["DROP DATABASE IF EXISTS evv_run", "CREATE DATABASE evv_run TEMPLATE evv_world", "CHECKPOINT"]) admin.exec(sql);
      runs.postgres.push(await measure(dir, cluster.url.replace(/\/postgres$/, "/evv_run")));
    }
    admin.close();
    console.log(`each: the median of ${REPEAT} runs (BENCH_REPEAT), each in a process of its own, wall rates' spread in brackets`);
    console.log(`  engine        visits      wall      visits/s (wall)   evv process CPU   threads`);
    for (const [label, engineRuns] of [["SQLite", runs.sqlite], ["PostgreSQL", runs.postgres]] as const) {
      const sorted = [...engineRuns].sort((a, b) => a.rates.wall - b.rates.wall);
      const v = sorted[Math.floor((sorted.length - 1) / 2)].verify!;
      const spread = `[${fmt(sorted[0].rates.wall)}–${fmt(sorted[sorted.length - 1].rates.wall)}]`;
      console.log(`  ${label.padEnd(12)} ${fmt(v.visits).padStart(8)} ${seconds(v.wallMs).padStart(9)} ${fmt(v.visits / (v.wallMs / 1000)).padStart(12)} ${spread.padEnd(20)} ${seconds(v.cpuMs).padStart(8)}   ${v.workers === 0 ? 1 : v.workers + 1}`);
      if (v.byStatus.verified !== v.visits) console.log(`  WARNING: not every ${label} visit verified (${JSON.stringify(v.byStatus)}); the figures are not comparable`);
    }
  } finally {
    cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
