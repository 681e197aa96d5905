// A file's readings into PostgreSQL in batches: one query asks which of a batch's IDs are stored
// already (reading_keys), and the new ones go in INSERTs of many rows sent without waiting,
// instead of one round trip per reading. The result is the one-by-one path's (readingStore.ts):
// the same rows, receipt numbers, digests and duplicates. It runs inside the import's write
// transaction, under the writer lock, so no other writer stores an ID between the question and
// the insert; the readings' key trigger still refuses a second copy whatever happens.
import type { Reading } from "../../capture/reading.js";
import type { EvvDatabase } from "../database.js";
import type { PostgresDatabase } from "./postgresDatabase.js";
import { READING_COLUMNS, readingDigest } from "../readingDigest.js";
import { readingRowValues } from "../readingStore.js";

/** Readings per batch: one question and at most a few INSERTs (PostgreSQL takes 65,535 parameters a statement). */
const BATCH = 2000;
const ROWS_PER_INSERT = Math.floor(60_000 / READING_COLUMNS.length);

export interface StoredReadings {
  /** Each stored reading's digest, in file order. */
  digests: string[];
  duplicates: number;
}

/** Stores `readings` in order after receipt number `lastSeq`, skipping IDs stored before or earlier in the list. */
export function storeReadingsInBatches(db: PostgresDatabase, readings: readonly Reading[], receiptOf: (r: Reading) => number, lastSeq: number, onProgress?: (done: number) => void): StoredReadings {
  // The key table holds every ID in one index (readings before the partitions migration: the table's key).
  const storedAlready = db.prepare(`SELECT reading_id FROM ${db.isPartitioned("readings") ? "reading_keys" : "readings"} WHERE reading_id = ANY(?)`).pluck();
  const tuple = `(${READING_COLUMNS.map(() => "?").join(", ")})`;
  const inserts = new Map<number, ReturnType<EvvDatabase["prepare"]>>();
  const insertOf = (rows: number) => {
    let insert = inserts.get(rows);
    if (!insert) inserts.set(rows, (insert = db.prepare(`INSERT INTO readings (${READING_COLUMNS.join(", ")}) VALUES ${new Array(rows).fill(tuple).join(", ")}`)));
    return insert;
  };
  const seen = new Set<string>();
  const digests: string[] = [];
  let duplicates = 0;
  let seq = lastSeq;
  for (let start = 0; start < readings.length; start += BATCH) {
    const batch = readings.slice(start, start + BATCH);
    // (One array value, given as the one positional value.)
    for (const id of storedAlready.all([batch.map((r) => r.readingId)]) as string[]) seen.add(id);
    const rows: unknown[][] = [];
    for (const r of batch) {
      if (seen.has(r.readingId)) {
        duplicates++;
        continue;
      }
      seen.add(r.readingId);
      const values = readingRowValues(r, receiptOf(r), ++seq);
      digests.push(readingDigest(values));
      rows.push(values);
    }
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
      const part = rows.slice(i, i + ROWS_PER_INSERT);
      insertOf(part.length).run(part.flat());
    }
    onProgress?.(Math.min(start + BATCH, readings.length));
  }
  return { digests, duplicates };
}
