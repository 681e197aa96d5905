// Verifies BENCH_VISITS visits (default 1,000,000) into a fresh database and prints visits per
// second next to two references measured in the same run: the raw node:crypto HMAC-SHA-256 rate
// on the protocol's message sizes, and the raw better-sqlite3 insert rate (prepared statement,
// one transaction) of visit rows. Goal: at least half the slower reference. Both references
// run in one thread; the verifier may use worker threads (BENCH_WORKERS to choose, default as
// `evv verify`), and the bench prints how many next to the figures.
//
// The world is built by one process (bench/verifyWorld.ts) and each measurement runs in a
// process of its own (bench/verifyMeasure.ts), as `evv import` and `evv verify` are separate
// runs: no measurement carries the garbage of generating two million readings, or of another
// measurement. Before each measurement the disk is left alone for BENCH_SETTLE_SECONDS (default
// 10): on this virtual machine the writes of the step before (the setup writes over a gigabyte)
// are still being flushed below the guest after its fsync returns, and a run started at once
// measured 20% slower (verify 13.5 s instead of 11.2 s; the insert reference 147,000 rows/s
// instead of 163,000). Each measurement still pays for all of its own writes: its commit, WAL
// checkpoint and fsyncs are inside its timing.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Measurement, Rates } from "./verifyMeasure.js";
import { flushToDisk } from "./verifyWorld.js";
import { benchNumber, notNegative, positive } from "./benchSetting.js";

const VISITS = benchNumber("BENCH_VISITS", 1_000_000, positive);
const SETTLE_MS = 1000 * benchNumber("BENCH_SETTLE_SECONDS", 10, notNegative);
const REPEAT = benchNumber("BENCH_REPEAT", 3, positive);

function runScript(script: string, args: string[]): string {
  return execFileSync(process.execPath, ["--import", "tsx", fileURLToPath(new URL(script, import.meta.url)), ...args], { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });
}

async function measure(mode: "hmac" | "insert" | "verify", dir: string): Promise<Measurement> {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const lines = runScript("./verifyMeasure.ts", [mode, dir, String(VISITS)]).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]) as Measurement;
}

/** The run with the median wall-clock rate, and the spread of the wall rates. */
function median(runs: Measurement[]): { run: Measurement; low: number; high: number } {
  const sorted = [...runs].sort((a, b) => a.rates.wall - b.rates.wall);
  return { run: sorted[Math.floor((sorted.length - 1) / 2)], low: sorted[0].rates.wall, high: sorted[sorted.length - 1].rates.wall };
}

/**
 * A fresh copy of the world for each verify run (a run replaces the visits of the one before),
 * on disk before the quiet starts: a copy left in the page cache is written back by the kernel
 * about 30 s later, in the middle of the run.
 */
function freshCopy(world: string, run: string): void {
  rmSync(run, { recursive: true, force: true });
  mkdirSync(run);
  for (const file of ["evv.db", "keys.json"]) {
    copyFileSync(join(world, file), join(run, file));
    flushToDisk(join(run, file));
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const seconds = (ms: number) => (ms / 1000).toFixed(1) + " s";

export default async function verifyBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "evv-bench-"));
  try {
    console.log(`visits: ${fmt(VISITS)} (BENCH_VISITS to change)`);
    const t0 = performance.now();
    runScript("./verifyWorld.ts", [dir, String(VISITS)]);
    console.log(`setup (generate and import ${fmt(2 * VISITS)} readings, in a process of its own): ${seconds(performance.now() - t0)}; ${SETTLE_MS / 1000} s of quiet before each measurement`);
    const runs: Record<"hmac" | "insert" | "verify", Measurement[]> = { hmac: [], insert: [], verify: [] };
    const runDir = join(dir, "run");
    for (let r = 0; r < REPEAT; r++) {
      runs.hmac.push(await measure("hmac", dir));
      rmSync(join(dir, "raw-insert.db"), { force: true });
      runs.insert.push(await measure("insert", dir));
      freshCopy(dir, runDir);
      runs.verify.push(await measure("verify", runDir));
    }
    const [hmacMedian, insertMedian, verifyMedian] = [median(runs.hmac), median(runs.insert), median(runs.verify)];
    const [hmac, insert, verified] = [hmacMedian.run.rates, insertMedian.run.rates, verifyMedian.run];
    const v = verified.verify!;
    console.log(`each figure: the median of ${REPEAT} runs (BENCH_REPEAT), each in a process of its own; the wall rates' spread is in brackets`);
    const t = v.timings;

    console.log(`verify (the median run): ${fmt(v.visits)} visits in ${seconds(v.wallMs)} wall, ${seconds(v.cpuMs)} CPU; statuses ${JSON.stringify(v.byStatus)}`);
    const threads = v.workers === 0 ? "1 thread (no workers)" : `${v.workers} worker thread${v.workers === 1 ? "" : "s"} + the writer's thread, which verifies too`;
    console.log(`  verifier threads: ${threads}, on ${availableParallelism()} cores; the two references below are single-thread`);
    console.log(
      `  phases: readings judged and paired ${seconds(t.readingsMs)}, rules ${seconds(t.rulesMs)} (summed over the threads that did them); ` +
        `writing ${seconds(t.writeMs)} (of which indexes ${seconds(t.finishMs)}), commit and WAL checkpoint ${seconds(t.commitMs)}, writer waiting for workers ${seconds(t.waitMs)}`,
    );
    console.log(`                                          per second (wall)   per CPU-second`);
    const row = (label: string, r: Rates, spread: { low: number; high: number }, note = "") =>
      console.log(`  ${label.padEnd(38)} ${fmt(r.wall).padStart(12)} ${fmt(r.cpu).padStart(16)}   [${fmt(spread.low)}–${fmt(spread.high)}] ${note}`);
    row("visits verified into the database", verified.rates, verifyMedian);
    row("raw HMAC-SHA-256 (node:crypto)", hmac, hmacMedian, "same message sizes; each visit checks 2 MACs (keys cached per device)");
    row("raw prepared inserts (one txn)", insert, insertMedian, "visit rows into the visits table; each visit writes 1 row (days inside) + its share of one deflated audit entry per slice");
    for (const basis of ["wall", "cpu"] as const) {
      const slower = Math.min(hmac[basis], insert[basis]);
      const ratio = verified.rates[basis] / slower;
      const floor = 1 / (2 / hmac[basis] + 1 / insert[basis]);
      console.log(
        `  ${basis === "wall" ? "wall" : "CPU "}: ratio to the slower reference ${ratio.toFixed(2)}` +
          (basis === "wall" ? `, goal >= 0.50 (visits per second): ${ratio >= 0.5 ? "met" : "NOT met"}` : " per CPU-second, for information (all threads' CPU against one thread's)") +
          ` (2 MACs + 1 insert in one thread alone allow ${fmt(floor)} /s = ratio ${(floor / slower).toFixed(2)}; reached ${((100 * verified.rates[basis]) / floor).toFixed(0)}% of that)`,
      );
    }
    if (v.byStatus.verified !== v.visits) console.log("  WARNING: not every bench visit verified; the figures are not comparable");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
