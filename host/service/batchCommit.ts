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
  // One statement a batch for the signing readers' counters, not one a reading (a JSON array of reader IDs; of [reader, counter] pairs).
  const lastCounters = db.prepare("SELECT reader_id, last_counter FROM readers WHERE reader_id IN (SELECT value FROM json_each(?))").raw();
  const raiseCounters = db.prepare(
    "UPDATE readers SET last_counter = raised.counter FROM (SELECT value ->> 0 AS reader, value ->> 1 AS counter FROM json_each(?)) AS raised WHERE readers.reader_id = raised.reader AND readers.last_counter < raised.counter",
  );
  const stored = db.prepare("SELECT received_ms, received_seq, signed_by, reader_counter, session_of, counter_back FROM readings WHERE reading_id = ?");
  const transaction = db.transaction((batch: IntakeJob[]): IntakeOutcome[] => {
    let seq = store.lastReceiptSeq();
    const signers = new Set<string>();
    for (const job of batch) if (job.source.signedBy !== null && job.source.counter !== null) signers.add(job.source.signedBy);
    /** Each signing reader's highest counter so far: stored before this batch, then raised by its readings in it. */
    const last = new Map<string, number>(signers.size > 0 ? (lastCounters.all(JSON.stringify([...signers])) as [string, number][]) : []);
    const counters = new Map<string, number>();
    const outcomes: IntakeOutcome[] = [];
    /** Each stored reading's digest: the batch's audit entry pins every row as received (evv report audit). */
    const readingDigests: string[] = [];
    for (const job of batch) {
      const { signedBy, counter } = job.source;
      let counterBack = false;
      if (signedBy !== null && counter !== null) {
        counterBack = counter <= (counters.get(signedBy) ?? last.get(signedBy) ?? 0);
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
    if (counters.size > 0) raiseCounters.run(JSON.stringify([...counters]));
    if (readingDigests.length > 0)
      new AuditAppender(db).append("intake.readings", `${seq - readingDigests.length + 1}-${seq}`, { firstSeq: seq - readingDigests.length + 1, lastSeq: seq, readingDigests });
    return outcomes;
  });
  return (batch) => transaction.immediate(batch);
}
