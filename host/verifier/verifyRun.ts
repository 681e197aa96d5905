// One verification run: judges the stored readings, pairs readings into visits, applies the
// visit checks and the North Dakota rules, and writes the visits (one row each, days in the row)
// and every decision to the audit log, in a single transaction (the audit log only grows). A
// full run re-verifies every reading and replaces every visit; an incremental run (the default
// once a database has been verified) re-verifies only the components that new readings or
// changed inputs can affect and replaces their visits (runPlan.ts), a component that only new
// readings touch from a cut on (a window: its visits before the cut kept).
//
// Work goes in slices of whole components of the provider–client graph (every rule looks within
// one component), so memory holds a few slices, not the whole state. With more than one thread,
// worker threads verify slices (each with its own read-only connection) while this thread, the
// only writer, writes finished slices strictly in slice order: the visits, their sequence numbers
// and the audit log come out the same whatever the number of threads.
import { availableParallelism } from "node:os";
import { engineOf, type EvvDatabase } from "../storage/database.js";
import type { Keystore } from "../keystore/keystore.js";
import { planRun, type PlannedComponent } from "./runPlan.js";
import type { CaregiverWeek } from "./rules/weeklyAudit.js";
import type { VisitStatus } from "./reasonCodes.js";
import type { VerifierSettings } from "./settings.js";
import { copyMasterKeys } from "./masterKeys.js";
import { SliceVerifier, type Slice, type SliceOutcome } from "./sliceVerifier.js";
import { VisitWriter } from "./visitWriter.js";
import { statusOfRecord, unitsOfRecord } from "./visitRecord.js";
import { VerifyWorkerPool } from "./verifyWorkerPool.js";

export { decisionsOfEntry, type VisitDecision } from "./visitDecision.js";

export type VerifyPhase = "readings";

export interface VerifyOptions {
  onProgress?: (phase: VerifyPhase, done: number, total: number) => void;
  /** Report progress every this many readings. */
  progressEvery?: number;
  /**
   * Worker threads that verify slices beside this thread, which writes and verifies too (0: all
   * in this thread). Default: one fewer than the available cores when there are at least
   * AUTO_THREADS_MIN_READINGS readings and the database is a file.
   */
  workers?: number;
  /** Readings per slice (default SLICE_READINGS; smaller in tests to get many slices). */
  sliceReadings?: number;
  /** The workers' script (default: the bundle verifyWorkerScript builds, or its tsx fallback). */
  workerScript?: URL;
  /** Re-verify every reading even when an incremental run would do (`evv verify --full`). */
  full?: boolean;
}

/**
 * The writer connection's page cache during a run, KiB (the connection's own setting is restored
 * after). Smaller than the 256 MiB the database opens with, so the run's dirty pages go to the
 * WAL as it goes, while the other threads verify, instead of all at commit when nothing else is
 * left to do: the commit took 2.1 s with 256 MiB and 1.4 s with 32 MiB on the bench's million
 * visits (whole run 11.2 s and 10.5 s).
 */
const WRITER_CACHE_KIB = 32_768;

/** Below this many readings a run stays in one thread (starting workers costs more than it saves). */
export const AUTO_THREADS_MIN_READINGS = 50_000;
/** Readings per slice (whole components, so a slice can hold more). */
export const SLICE_READINGS = 4_000;
/** Slices sent to a worker and not yet answered, at most: enough that it never waits while this thread verifies a slice of its own. */
const QUEUE_PER_WORKER = 4;

export interface VerifyRunSummary {
  runId: number;
  /** "full": every reading re-verified, every visit replaced; "incremental": only the components concerned. */
  mode: "full" | "incremental";
  /** Why the run was full (null for an incremental run). */
  fullBecause: string | null;
  /** Readings received since the last run, and inputs other than readings changed since it. */
  newReadings: number;
  changedInputs: number;
  /** Provider–client components this run verified (all of them on a full run), and readings it read and judged. */
  components: number;
  /** Of `components`, those verified from a cut on (a week's Monday), their visits before it kept (README, "Incremental runs"); the others were verified whole. */
  windowedComponents: number;
  readings: number;
  /** Visits this run verified and wrote; byStatus and units count these. */
  visits: number;
  /** Visits of the last run(s) this run deleted (an incremental run's components; 0 for a full run). */
  replacedVisits: number;
  /** Visits stored after the run (this run's and the kept ones). */
  storedVisits: number;
  byStatus: Record<VisitStatus, number>;
  units: number;
  auditWeeks: CaregiverWeek[];
  auditHead: string;
  /** Worker threads used (0: everything in the writer's thread). */
  workers: number;
  /**
   * Where the time went, milliseconds (for the bench; never asserted): judging and pairing and
   * the rules summed over the threads that did them; writing and waiting for workers in the
   * writer's thread.
   */
  timings: { readingsMs: number; rulesMs: number; writeMs: number; waitMs: number; startMs: number; finishMs: number; commitMs: number };
}

export function runVerification(db: EvvDatabase, keystore: Keystore, settings: VerifierSettings, options: VerifyOptions = {}): VerifyRunSummary {
  const progress = options.onProgress ?? (() => {});
  const every = options.progressEvery ?? 10_000;
  const writer = new VisitWriter(db);
  const byStatus: Record<VisitStatus, number> = { verified: 0, "verified-with-flags": 0, "needs-review": 0, rejected: 0 };
  const auditWeeks: CaregiverWeek[] = [];
  const timings = { readingsMs: 0, rulesMs: 0, writeMs: 0, waitMs: 0, startMs: 0, finishMs: 0, commitMs: 0 };
  const tStart = performance.now();
  let tCommit = 0;
  let unitsTotal = 0;
  let visitCount = 0;
  let readingsDone = 0;
  let totalReadings = 0;
  let workers = 0;
  let mode: VerifyRunSummary["mode"] = "full";
  let fullBecause: string | null = null;
  let newReadings = 0;
  let changedInputs = 0;
  let components = 0;
  let windowedComponents = 0;
  let readingsRead = 0;
  let storedVisits = 0;

  const write = (outcome: SliceOutcome) => {
    const t0 = performance.now();
    const n = writer.writeSlice(outcome);
    for (let i = 0; i < n; i++) {
      byStatus[statusOfRecord(outcome.records, i)]++;
      unitsTotal += unitsOfRecord(outcome.records, i);
    }
    visitCount += n;
    windowedComponents += outcome.windowed;
    readingsRead += outcome.readings;
    for (const w of outcome.auditWeeks) auditWeeks.push(w);
    timings.readingsMs += outcome.readingsMs;
    timings.rulesMs += outcome.rulesMs;
    timings.writeMs += performance.now() - t0;
    const before = readingsDone;
    readingsDone += outcome.readings;
    if (Math.floor(before / every) !== Math.floor(readingsDone / every)) progress("readings", readingsDone, totalReadings);
  };

  // Everything in one transaction. The run's first write takes the write lock, so the readings
  // cannot change under the workers' reads.
  const verifyAll = (): number => {
    const plan = planRun(db, settings, keystore, options.full === true);
    const runId = writer.begin(settings, plan);
    mode = plan.mode;
    fullBecause = plan.fullBecause;
    newReadings = plan.newReadings;
    changedInputs = plan.changedInputs.length;
    components = plan.components.length;
    totalReadings = plan.readings;
    const slices = sliceComponents(plan.components, plan.weightOfPair, options.sliceReadings ?? SLICE_READINGS);
    workers = options.workers ?? (totalReadings >= AUTO_THREADS_MIN_READINGS ? availableParallelism() - 1 : 0);
    // On PostgreSQL a run verifies in this thread (host/storage/README.md): the connection is the writer's.
    if (db.memory || engineOf(db) === "postgres" || slices.length < 2) workers = 0;

    const own = new SliceVerifier(db, keystore, settings, runId);
    if (workers === 0) {
      for (const slice of slices) write(own.verify(slice));
    } else {
      const pool = new VerifyWorkerPool(workers, { dbPath: db.name, keys: copyMasterKeys(keystore), settings, runId, script: options.workerScript });
      try {
        timings.startMs = performance.now() - tStart;
        timings.waitMs += verifyWithWorkers(slices, own, pool, write);
      } finally {
        pool.close();
      }
    }
    const t4 = performance.now();
    storedVisits = writer.finish(visitCount);
    tCommit = performance.now();
    timings.finishMs = tCommit - t4;
    timings.writeMs += timings.finishMs;
    progress("readings", totalReadings, totalReadings);
    return runId;
  };

  const cacheBefore = db.pragma("cache_size", { simple: true }) as number;
  db.pragma(`cache_size = -${WRITER_CACHE_KIB}`);
  let runId: number;
  try {
    runId = db.transaction(verifyAll).immediate();
  } finally {
    db.pragma(`cache_size = ${cacheBefore}`);
  }
  timings.commitMs = performance.now() - tCommit;
  return {
    runId,
    mode,
    fullBecause,
    newReadings,
    changedInputs,
    components,
    windowedComponents,
    readings: readingsRead,
    visits: visitCount,
    replacedVisits: writer.replacedVisits,
    storedVisits,
    byStatus,
    units: unitsTotal,
    auditWeeks,
    auditHead: writer.auditHead,
    workers,
    timings,
  };
}

/**
 * Verifies the slices in the pool's workers and in this thread, handing each outcome to `write`
 * strictly in slice order; returns the milliseconds this thread waited for workers. This thread
 * verifies a slice of its own whenever nothing is ready to write and every worker's queue is
 * full: with one worker fewer than cores, every core stays busy and no thread waits for one.
 */
function verifyWithWorkers(slices: Slice[], own: SliceVerifier, pool: VerifyWorkerPool, write: (outcome: SliceOutcome) => void): number {
  const done = new Map<number, SliceOutcome>();
  let next = 0;
  let toWrite = 0;
  let waitMs = 0;
  const feed = () => {
    while (next < slices.length) {
      const w = pool.leastBusy();
      if (pool.outstanding(w) >= QUEUE_PER_WORKER) break;
      pool.send(w, next, slices[next]);
      next++;
    }
  };
  const collect = (result: { slice: number; outcome: SliceOutcome }) => {
    done.set(result.slice, result.outcome);
    feed();
  };
  feed();
  while (toWrite < slices.length) {
    for (let r = pool.poll(); r !== null; r = pool.poll()) collect(r);
    if (done.has(toWrite)) {
      for (let o = done.get(toWrite); o !== undefined; o = done.get(toWrite)) {
        done.delete(toWrite++);
        write(o);
      }
    } else if (next < slices.length) {
      done.set(next, own.verify(slices[next]));
      next++;
    } else {
      const t0 = performance.now();
      collect(pool.receive());
      waitMs += performance.now() - t0;
    }
  }
  return waitMs;
}

/** Consecutive components grouped into slices of about `sliceReadings` readings. */
function sliceComponents(components: PlannedComponent[], readingsOfPair: Map<string, number>, sliceReadings: number): Slice[] {
  const slices: Slice[] = [];
  let current: Slice = [];
  let readings = 0;
  for (const component of components) {
    current.push(component);
    for (const [p, c] of component.pairs) readings += readingsOfPair.get(p + "|" + c) ?? 0;
    if (readings >= sliceReadings) {
      slices.push(current);
      current = [];
      readings = 0;
    }
  }
  if (current.length) slices.push(current);
  return slices;
}
