// Stores validated readings with their receipt: the time HHS received each one and its place in
// the order of receipt (`received_seq`, one sequence for the whole database, from files and from
// the intake service alike). Receipt, not the reader's clock, is what the verifier judges
// lateness, freshness and the typed-code throttle by. Callers hold the write transaction.
import type { EvvDatabase } from "./database.js";
import type { Reading } from "../capture/reading.js";
import { READING_COLUMNS, readingDigest, type ReadingRowValues } from "./readingDigest.js";

/** How a reading reached HHS when it came through the intake service. */
export interface ReadingSource {
  /** The enrolled reader whose key signed it (null: a caregiver's sign-in session). */
  signedBy: string | null;
  counter: number | null;
  signature: string | null;
  /** The signing reader's counter was not above one it had already used. */
  counterBack: boolean;
  /** The session's caregiver, "provider|caregiver", when submitted through a sign-in session. */
  sessionOf: string | null;
}

export class ReadingStore {
  private readonly insert;
  private readonly lastSeq;

  constructor(db: EvvDatabase) {
    this.insert = db.prepare(`INSERT OR IGNORE INTO readings (${READING_COLUMNS.join(", ")}) VALUES (${READING_COLUMNS.map(() => "?").join(", ")})`);
    this.lastSeq = db.prepare("SELECT coalesce(max(received_seq), 0) FROM readings").pluck();
  }

  /** The receipt sequence after which the next stored reading goes (read inside the write transaction). */
  lastReceiptSeq(): number {
    return this.lastSeq.get() as number;
  }

  /**
   * Inserts unless a reading with this ID is stored already. Returns the stored row's digest
   * (host/storage/readingDigest.ts), for the audit entry that records the batch, or null when
   * the reading was stored before.
   */
  store(r: Reading, receivedMs: number, receivedSeq: number, source: ReadingSource | null = null): string | null {
    const values = readingRowValues(r, receivedMs, receivedSeq, source);
    return this.insert.run(values).changes === 1 ? readingDigest(values) : null;
  }
}

/** A reading's row in the readings table (READING_COLUMNS order), with its receipt and source. */
export function readingRowValues(r: Reading, receivedMs: number, receivedSeq: number, source: ReadingSource | null = null): ReadingRowValues {
  const c = r.challenge;
  return [
    r.readingId,
    r.readerId,
    r.providerNumber,
    r.clientNdNumber,
    r.event,
    r.readerTime,
    Date.parse(r.readerTime),
    r.method,
    r.transport,
    r.typedCode ?? null,
    r.frame ?? null,
    r.rssi ?? null,
    c?.nonce ?? null,
    c?.deviceId ?? null,
    c?.deviceTime ?? null,
    c?.status ?? null,
    c?.journalSeq ?? null,
    c?.mac ?? null,
    r.tasks ? JSON.stringify(r.tasks) : null,
    new Date(receivedMs).toISOString(),
    r.caregiverId ?? null,
    receivedMs,
    receivedSeq,
    source?.signedBy ?? null,
    source?.sessionOf ?? null,
    source?.counter ?? null,
    source?.signature ?? null,
    source?.counterBack ? 1 : 0,
  ];
}
