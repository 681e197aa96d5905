// Stores submitted readings durably with group commit: the readings of all requests that arrive
// while the event loop is busy go into ONE write transaction, and each request is answered only
// after that transaction has committed (synchronous = FULL: the WAL is fsync'd at commit), so an
// acknowledged reading survives a crash of the process or the machine. One fsync then carries
// hundreds of readings. When another writer holds the database (an `evv verify` run), the batch
// waits and is retried without blocking the event loop; a request still unstored after
// `maxWaitMs` is answered 503 and nothing of it is stored.
import type { EvvDatabase } from "../storage/database.js";
import type { Reading } from "../capture/reading.js";
import { ReadingStore, type ReadingSource } from "../storage/readingStore.js";

export interface IntakeJob {
  reading: Reading;
  /** When the service received the request (its own clock). */
  receivedMs: number;
  source: Omit<ReadingSource, "counterBack">;
}

export interface IntakeOutcome {
  /** False: a reading with this ID was stored already (this submission is a repeat). */
  stored: boolean;
  /** The same ID came before with another signer, counter or session: a different submission. */
  conflict: boolean;
  receivedAt: string;
  receivedSeq: number;
  counterBack: boolean;
}

export class IntakeBusyError extends Error {}

interface Pending {
  job: IntakeJob;
  since: number;
  resolve: (outcome: IntakeOutcome) => void;
  reject: (error: Error) => void;
}

export interface GroupCommitOptions {
  /** Wait before retrying a batch the database was too busy to take. */
  retryMs?: number;
  /** Give up on a request after this long (answered 503). */
  maxWaitMs?: number;
  onBatch?: (size: number, ms: number) => void;
}

export class GroupCommitIntake {
  private pending: Pending[] = [];
  private scheduled: NodeJS.Immediate | NodeJS.Timeout | null = null;
  private readonly commitBatch: (batch: Pending[]) => IntakeOutcome[];
  private idleWaiters: (() => void)[] = [];
  private readonly retryMs: number;
  private readonly maxWaitMs: number;
  /** Batches committed and readings in them (for /health and the bench). */
  batches = 0;
  committed = 0;

  constructor(
    db: EvvDatabase,
    private readonly options: GroupCommitOptions = {},
  ) {
    this.retryMs = options.retryMs ?? 20;
    this.maxWaitMs = options.maxWaitMs ?? 30_000;
    const store = new ReadingStore(db);
    const lastCounter = db.prepare("SELECT last_counter FROM readers WHERE reader_id = ?").pluck();
    const raiseCounter = db.prepare("UPDATE readers SET last_counter = ? WHERE reader_id = ? AND last_counter < ?");
    const stored = db.prepare("SELECT received_ms, received_seq, signed_by, reader_counter, session_of, counter_back FROM readings WHERE reading_id = ?");
    const transaction = db.transaction((batch: Pending[]): IntakeOutcome[] => {
      let seq = store.lastReceiptSeq();
      const counters = new Map<string, number>();
      const outcomes: IntakeOutcome[] = [];
      for (const { job } of batch) {
        const { signedBy, counter } = job.source;
        let counterBack = false;
        if (signedBy !== null && counter !== null) {
          const last = counters.get(signedBy) ?? ((lastCounter.get(signedBy) as number | undefined) ?? 0);
          counterBack = counter <= last;
        }
        if (store.store(job.reading, job.receivedMs, seq + 1, { ...job.source, counterBack })) {
          seq++;
          if (signedBy !== null && counter !== null && !counterBack) counters.set(signedBy, counter);
          outcomes.push({ stored: true, conflict: false, receivedAt: new Date(job.receivedMs).toISOString(), receivedSeq: seq, counterBack });
        } else {
          const first = stored.get(job.reading.readingId) as {
            received_ms: number;
            received_seq: number;
            signed_by: string | null;
            reader_counter: number | null;
            session_of: string | null;
            counter_back: number;
          };
          const same = first.signed_by === signedBy && first.reader_counter === counter && first.session_of === job.source.sessionOf;
          outcomes.push({ stored: false, conflict: !same, receivedAt: new Date(first.received_ms).toISOString(), receivedSeq: first.received_seq, counterBack: first.counter_back === 1 });
        }
      }
      for (const [reader, counter] of counters) raiseCounter.run(counter, reader, counter);
      return outcomes;
    });
    this.commitBatch = (batch) => transaction.immediate(batch);
  }

  /** Resolves once the reading is committed (or found stored already). */
  submit(job: IntakeJob): Promise<IntakeOutcome> {
    return new Promise((resolve, reject) => {
      this.pending.push({ job, since: Date.now(), resolve, reject });
      if (this.scheduled === null) this.scheduled = setImmediate(() => this.flush());
    });
  }

  get waiting(): number {
    return this.pending.length;
  }

  private flush(): void {
    this.scheduled = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return this.settleIdle();
    const t0 = performance.now();
    let outcomes: IntakeOutcome[];
    try {
      outcomes = this.commitBatch(batch);
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith("SQLITE_BUSY")) {
        const now = Date.now();
        const keep = batch.filter((p) => now - p.since < this.maxWaitMs);
        for (const p of batch) if (!keep.includes(p)) p.reject(new IntakeBusyError(`the database stayed busy for ${this.maxWaitMs} ms; nothing was stored`));
        this.pending = keep.concat(this.pending);
        if (this.pending.length > 0) this.scheduled = setTimeout(() => this.flush(), this.retryMs);
        else this.settleIdle();
        return;
      }
      for (const p of batch) p.reject(error as Error);
      if (this.pending.length > 0) this.scheduled = setImmediate(() => this.flush());
      else this.settleIdle();
      return;
    }
    this.batches++;
    this.committed += batch.length;
    this.options.onBatch?.(batch.length, performance.now() - t0);
    for (let i = 0; i < batch.length; i++) batch[i].resolve(outcomes[i]);
    if (this.pending.length > 0 && this.scheduled === null) this.scheduled = setImmediate(() => this.flush());
    if (this.pending.length === 0) this.settleIdle();
  }

  private settleIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Resolves when every submitted reading is committed or answered (graceful shutdown). */
  drained(): Promise<void> {
    if (this.pending.length === 0 && this.scheduled === null) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
