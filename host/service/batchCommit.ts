// One batch of submitted readings in one write transaction (BEGIN IMMEDIATE): each gets the next
// receipt sequence, is stored unless its reading ID is stored already, and raises its reader's
// counter; a counter not above the reader's last is stored marked. Runs on the commit thread.
import type { EvvDatabase } from "../storage/database.js";
import type { Reading } from "../capture/reading.js";
import { ReadingStore, type ReadingSource } from "../storage/readingStore.js";
import { AuditAppender } from "../storage/auditLog.js";

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

export function batchCommitter(db: EvvDatabase): (batch: IntakeJob[]) => IntakeOutcome[] {
  const store = new ReadingStore(db);
  const lastCounter = db.prepare("SELECT last_counter FROM readers WHERE reader_id = ?").pluck();
  const raiseCounter = db.prepare("UPDATE readers SET last_counter = ? WHERE reader_id = ? AND last_counter < ?");
  const stored = db.prepare("SELECT received_ms, received_seq, signed_by, reader_counter, session_of, counter_back FROM readings WHERE reading_id = ?");
  const transaction = db.transaction((batch: IntakeJob[]): IntakeOutcome[] => {
    let seq = store.lastReceiptSeq();
    const counters = new Map<string, number>();
    const outcomes: IntakeOutcome[] = [];
    /** Each stored reading's digest: the batch's audit entry pins every row as received (evv report audit). */
    const readingDigests: string[] = [];
    for (const job of batch) {
      const { signedBy, counter } = job.source;
      let counterBack = false;
      if (signedBy !== null && counter !== null) {
        const last = counters.get(signedBy) ?? ((lastCounter.get(signedBy) as number | undefined) ?? 0);
        counterBack = counter <= last;
      }
      const digest = store.store(job.reading, job.receivedMs, seq + 1, { ...job.source, counterBack });
      if (digest !== null) {
        seq++;
        readingDigests.push(digest);
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
    if (readingDigests.length > 0)
      new AuditAppender(db).append("intake.readings", `${seq - readingDigests.length + 1}-${seq}`, { firstSeq: seq - readingDigests.length + 1, lastSeq: seq, readingDigests });
    return outcomes;
  });
  return (batch) => transaction.immediate(batch);
}
