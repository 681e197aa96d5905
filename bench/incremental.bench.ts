// Incremental verification (issue 15): a daily run on a store of BENCH_READINGS readings (default
// 10,000,000) after 1% new readings arrive, side by side with verifying those new readings
// alone in an empty store (goal: at most 2x). The news:
//  - every pair's newest days (the world's pairs each get BENCH_NEW_DAYS more days: what a state
//    sees when every client is visited daily), the main row;
//  - the last half of those days, after a run that verified the first half: a run whose news
//    starts in mid-week re-verifies from that week's Monday (host/verifier/README.md);
//  - the same newest days for BENCH_TOUCHED_PAIRS pairs only (default 137, 1% of the 10M world):
//    the same new work whatever the store's size, so the figures show what grows with stored
//    work. BENCH_TABLE="1000000,3000000" adds rows for more store sizes;
//  - nothing new: what a run costs before it verifies anything (digests, stored pairs, components).
// The stores are built (and verified in full) once per bench run, each step in a process of its
// own (bench/incrementalMeasure.ts); nothing here fails on a time.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { IncrementalMeasurement } from "./incrementalMeasure.js";
import { VISITS_PER_PAIR } from "./verifyWorld.js";
import { benchNumber, benchNumberList, count, positive } from "./benchSetting.js";

const READINGS = benchNumber("BENCH_READINGS", 10_000_000, positive);
const NEW_DAYS = benchNumber("BENCH_NEW_DAYS", 4, positive);
const TOUCHED_PAIRS = benchNumber("BENCH_TOUCHED_PAIRS", 137, count);
const TABLE = benchNumberList("BENCH_TABLE", positive);

function step(args: (string | number)[]): IncrementalMeasurement {
  const out = execFileSync(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./incrementalMeasure.ts", import.meta.url)), ...args.map(String)], {
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
  });
  const lines = out.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]) as IncrementalMeasurement;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const s = (ms: number) => (ms / 1000).toFixed(2) + " s";

interface Row {
  stored: number;
  added: number;
  incremental: IncrementalMeasurement;
  alone: IncrementalMeasurement;
}

/** A store of `readings` readings (the newest NEW_DAYS days of each pair held back), verified in full; then each news case. */
interface NewsCase {
  label: string;
  only: (pairs: number) => string;
  /** Of the newest days, this many are added and verified before the measured run (unmeasured). */
  before?: number;
}

function measureStore(root: string, readings: number, cases: NewsCase[]): { full: IncrementalMeasurement; rows: Map<string, Row> } {
  const pairs = Math.ceil(readings / (2 * VISITS_PER_PAIR));
  const storedDays = VISITS_PER_PAIR - NEW_DAYS;
  const base = join(root, `store-${readings}`);
  mkdirSync(base);
  const full = step(["store", base, pairs, storedDays]);
  const rows = new Map<string, Row>();
  for (const c of cases) {
    const run = join(root, `run-${readings}`);
    rmSync(run, { recursive: true, force: true });
    cpSync(base, run, { recursive: true });
    const only = c.only(pairs);
    const from = storedDays + (c.before ?? 0);
    if (c.before) {
      step(["add", run, pairs, storedDays, from, only]);
      step(["verify", run]);
    }
    const added = step(["add", run, pairs, from, VISITS_PER_PAIR, only]).readingsAdded!;
    const incremental = step(["verify", run]);
    const empty = join(root, `alone-${readings}`);
    rmSync(empty, { recursive: true, force: true });
    mkdirSync(empty);
    step(["fresh", empty, pairs, from, VISITS_PER_PAIR, only]);
    const alone = step(["verify", empty]);
    rows.set(c.label, { stored: full.readingsAdded!, added, incremental, alone });
    rmSync(run, { recursive: true, force: true });
    rmSync(empty, { recursive: true, force: true });
  }
  rmSync(base, { recursive: true, force: true });
  return { full, rows };
}

function printRow(label: string, r: Row): void {
  const i = r.incremental.summary!;
  const ratio = r.incremental.wallMs / r.alone.wallMs;
  console.log(
    `  ${label}: ${fmt(r.added)} new readings on ${fmt(r.stored)} stored: incremental run ${s(r.incremental.wallMs)} wall (${s(r.incremental.cpuMs)} CPU; ` +
      `re-verified ${fmt(i.components)} groups (${fmt(i.windowedComponents)} from a cut on), read ${fmt(i.readings)} readings, wrote ${fmt(i.visits)} visits, replaced ${fmt(i.replacedVisits)}) against the new readings alone in an empty store ` +
      `${s(r.alone.wallMs)} wall (${s(r.alone.cpuMs)} CPU): ${ratio.toFixed(1)}x wall (${(r.incremental.cpuMs / r.alone.cpuMs).toFixed(1)}x CPU), goal at most 2x: ${ratio <= 2 ? "met" : "NOT met"}`,
  );
}

/** The world's days [from, to) as weekdays and dates (day 0 is Thursday 2026-01-01). */
function daysText(from: number, to: number): string {
  const date = (d: number) => new Date(Date.UTC(2026, 0, 1) + d * 86_400_000);
  const name = (d: number) => date(d).toLocaleDateString("en-US", { weekday: "long", timeZone: "UTC" }) + " " + date(d).toISOString().slice(0, 10);
  return to - from === 1 ? name(from) : `${name(from)} to ${name(to - 1)}`;
}

export default async function incrementalBench(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), "evv-incremental-"));
  try {
    const half = Math.floor(NEW_DAYS / 2);
    const cases: NewsCase[] = [
      { label: `every pair's newest ${NEW_DAYS} days (${daysText(VISITS_PER_PAIR - NEW_DAYS, VISITS_PER_PAIR)}), the daily run`, only: () => "all" },
      ...(half > 0
        ? [{ label: `every pair's ${daysText(VISITS_PER_PAIR - NEW_DAYS + half, VISITS_PER_PAIR)}, after a run with ${daysText(VISITS_PER_PAIR - NEW_DAYS, VISITS_PER_PAIR - NEW_DAYS + half)}`, only: () => "all", before: half }]
        : []),
      { label: `newest ${NEW_DAYS} days of ${TOUCHED_PAIRS} pairs`, only: (pairs: number) => `0-${Math.min(TOUCHED_PAIRS, pairs) - 1}` },
      { label: "nothing new (the run's fixed part)", only: () => "none" },
    ];
    console.log(`store: ${fmt(READINGS)} readings (BENCH_READINGS), two per visit, ${VISITS_PER_PAIR} days per provider–client pair; news: the newest ${NEW_DAYS} days (BENCH_NEW_DAYS)`);
    const t0 = performance.now();
    const main = measureStore(root, READINGS, cases);
    console.log(`  building and verifying the store in full: ${s(performance.now() - t0)} (the full run alone ${s(main.full.wallMs)} wall)`);
    for (const c of cases) printRow(c.label, main.rows.get(c.label)!);
    if (TABLE.length > 0) {
      console.log(`\n  | stored readings | new readings | readings read | incremental run, wall (CPU) | new readings alone, wall (CPU) | ratio, wall (CPU) |`);
      console.log(`  |---|---|---|---|---|---|`);
      const few = cases.find((c) => c.label.startsWith("newest"))!;
      const label = few.label;
      const table = [...TABLE.map((n) => ({ n, row: measureStore(root, n, [few]).rows.get(label)! })), { n: READINGS, row: main.rows.get(label)! }].sort((x, y) => x.n - y.n);
      for (const { row } of table)
        console.log(
          `  | ${fmt(row.stored)} | ${fmt(row.added)} | ${fmt(row.incremental.summary!.readings)} | ${s(row.incremental.wallMs)} (${s(row.incremental.cpuMs)}) | ` +
            `${s(row.alone.wallMs)} (${s(row.alone.cpuMs)}) | ${(row.incremental.wallMs / row.alone.wallMs).toFixed(1)}x (${(row.incremental.cpuMs / row.alone.cpuMs).toFixed(1)}x) |`,
        );
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
