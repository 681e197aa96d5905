// Stores submitted readings durably with group commit: the readings of all requests that arrive
// while a commit is under way go into the NEXT single write transaction, and each request is
// answered only after its transaction has committed (synchronous = FULL: the WAL is fsync'd at
// commit), so an acknowledged reading survives a crash of the process or the machine. One
// fsync carries tens to hundreds of readings. Commits run on a thread of their own
// (commitWorker.ts, one batch at a time), so the event loop keeps parsing and checking the next
// requests while the disk syncs. When another writer holds the database (an `evv verify` run),
// the batch waits and is retried; a request still unstored after `maxWaitMs` is answered 503
// and nothing of it is stored, as is a batch the storage failed to take (a full disk). The
// thread's connection seals its audit entries like the service's.
// On SQLite a thread of its own checkpoints the WAL (walCheckpointer.mjs), so that the commit
// thread does not stop for it.
import { Worker } from "node:worker_threads";
import { startTsxThread } from "../threads/tsxThread.js";
import { createHistogram } from "node:perf_hooks";
import { isPostgresLocation } from "../storage/sqlDatabase.js";
import type { IntakeJob, IntakeOutcome } from "./batchCommit.js";

export type { IntakeJob, IntakeOutcome } from "./batchCommit.js";

/** Nothing of the batch was stored because the database stayed busy or the storage failed; the reading may be sent again (503). */
export class IntakeUnavailableError extends Error {}

interface Pending {
  job: IntakeJob;
  resolve: (outcome: IntakeOutcome) => void;
  reject: (error: Error) => void;
}

export interface GroupCommitOptions {
  /** Wait before retrying a batch the database was too busy to take. */
  retryMs?: number;
  /** Give up on a request after this long (answered 503). */
  maxWaitMs?: number;
  onBatch?: (size: number, ms: number) => void;
  /** Something the service should log (a batch not stored, the WAL checkpoint thread failed). */
  onWarning?: (message: string) => void;
}

/** How often the checkpoint thread runs a PASSIVE checkpoint. */
const CHECKPOINT_INTERVAL_MS = 100;
/**
 * The commit thread's own checkpoint, only when the WAL has grown this large (pages): under
 * sustained load the checkpoint thread never finds the WAL wholly copied, and SQLite rewinds the
 * WAL only then; the commit thread's checkpoint copies the little not yet copied, so the next
 * commit rewinds it. 4,096 pages of 16 KiB: a 64 MiB WAL at most.
 */
const COMMIT_THREAD_CHECKPOINT_PAGES = 4096;

export class GroupCommitIntake {
  private pending: Pending[] = [];
  private inFlight: { batch: number; items: Pending[]; started: number } | null = null;
  private scheduled = false;
  private nextBatch = 0;
  private failure: Error | null = null;
  private idleWaiters: (() => void)[] = [];
  private readonly worker: Worker;
  private readonly checkpointer: Worker | null;
  /** Batches committed and readings in them (for /health and the bench). */
  batches = 0;
  committed = 0;
  /** How long each batch took from its hand-off to its answer (µs), retries included: /health's `commits`. */
  readonly commitMicros = createHistogram();

  constructor(
    dbPath: string,
    /** The audit seal key: the thread seals its `intake.readings` entries (a copy travels in workerData; the thread wipes it on close). */
    auditSealKey: Uint8Array,
    private readonly options: GroupCommitOptions = {},
  ) {
    // No inherited node options (a test runner's), except a CPU profile asked for (the bench's BENCH_INTAKE_SERVE_NODE_ARGS).
    const execArgv = process.execArgv.filter((option) => option.startsWith("--cpu-prof"));
    this.worker = startTsxThread(new URL("./commitWorker.ts", import.meta.url), {
      workerData: { dbPath, auditSealKey, retryMs: options.retryMs ?? 20, maxWaitMs: options.maxWaitMs ?? 30_000, walAutocheckpointPages: COMMIT_THREAD_CHECKPOINT_PAGES },
      execArgv,
    });
    this.worker.on("message", (message: { batch: number; outcomes?: IntakeOutcome[]; error?: { unavailable: boolean; message: string } }) => this.finished(message));
    this.worker.on("error", (error) => this.fail(error));
    this.worker.on("exit", (code) => {
      if (code !== 0 || this.inFlight || this.pending.length > 0) this.fail(new Error(`the commit thread stopped (exit ${code})`));
    });
    this.checkpointer = isPostgresLocation(dbPath)
      ? null
      : new Worker(new URL("./walCheckpointer.mjs", import.meta.url), {
          workerData: { dbPath, intervalMs: CHECKPOINT_INTERVAL_MS },
          execArgv,
        });
    // Without it the commit thread's own checkpoints keep the WAL bounded; readings are not at stake.
    this.checkpointer?.on("message", (message: { error?: string }) => message.error && options.onWarning?.(`WAL checkpoint: ${message.error}`));
    this.checkpointer?.on("error", (error) => options.onWarning?.(`the WAL checkpoint thread stopped: ${error.message}`));
  }

  /** Resolves once the reading is committed (or found stored already). */
  submit(job: IntakeJob): Promise<IntakeOutcome> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ job, resolve, reject });
      this.schedule();
    });
  }

  get waiting(): number {
    return this.pending.length + (this.inFlight?.items.length ?? 0);
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight || this.pending.length === 0) return;
    this.scheduled = true;
    // After the current event-loop turn, so every request parsed in it joins the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.send();
    });
  }

  private send(): void {
    if (this.inFlight || this.pending.length === 0) return;
    const items = this.pending;
    this.pending = [];
    this.inFlight = { batch: this.nextBatch++, items, started: performance.now() };
    this.worker.postMessage({ batch: this.inFlight.batch, jobs: items.map((p) => p.job) });
  }

  private finished(message: { batch: number; outcomes?: IntakeOutcome[]; error?: { unavailable: boolean; message: string } }): void {
    const flight = this.inFlight;
    if (!flight || flight.batch !== message.batch) return;
    this.inFlight = null;
    if (message.outcomes) {
      this.batches++;
      this.committed += flight.items.length;
      const ms = performance.now() - flight.started;
      this.commitMicros.record(Math.max(1, Math.round(ms * 1000)));
      this.options.onBatch?.(flight.items.length, ms);
      for (let i = 0; i < flight.items.length; i++) flight.items[i].resolve(message.outcomes[i]);
    } else {
      const error = message.error!.unavailable ? new IntakeUnavailableError(message.error!.message) : new Error(message.error!.message);
      this.options.onWarning?.(`${flight.items.length} readings not stored: ${message.error!.message}`);
      for (const p of flight.items) p.reject(error);
    }
    if (this.pending.length > 0) this.send();
    else this.settleIdle();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const items = [...(this.inFlight?.items ?? []), ...this.pending];
    this.inFlight = null;
    this.pending = [];
    for (const p of items) p.reject(error);
    this.settleIdle();
  }

  private settleIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Resolves when every submitted reading is committed or answered (graceful shutdown). */
  drained(): Promise<void> {
    if (this.pending.length === 0 && !this.inFlight) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Closes the commit thread's and the checkpoint thread's connections (after drained()). */
  async close(): Promise<void> {
    // A thread that stopped already (the checkpoint thread after an error) is not waited for.
    const threads = [this.worker, ...(this.checkpointer ? [this.checkpointer] : [])].filter((thread) => thread.threadId !== -1);
    const exited = threads.map((thread) => new Promise<void>((resolve) => thread.once("exit", () => resolve())));
    for (const thread of threads) thread.postMessage({ close: true });
    await Promise.all(exited);
  }
}
