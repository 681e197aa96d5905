// Does the readings table still hold exactly what the imports and the intake service stored? Each
// `import.readings` and `intake.readings` audit entry lists the digest of every reading it stored (host/storage/readingDigest.ts); a
// reading edited, added or removed with SQL afterwards no longer matches, even after a new
// `evv verify` has judged the edited readings. The sealed chain (verifyAuditChain) proves the
// entries themselves unedited.
import type { EvvDatabase } from "../storage/database.js";
import { READING_COLUMNS, readingDigest, type ReadingRowValues } from "../storage/readingDigest.js";

export interface ReadingsAuditCheck {
  ok: boolean;
  /** Rows in the readings table. */
  readings: number;
  /** Rows whose digest an import or intake entry lists. */
  matched: number;
  /** Readings stored by imports from before per-reading digests (their rows cannot be checked). */
  unpinned: number;
  /** The first few disagreements, in words. */
  problems: string[];
}

const MAX_PROBLEMS = 10;
const PROGRESS_EVERY = 10_000;

interface ImportEntryBody {
  inserted?: number;
  readingDigests?: string[];
}

export function checkReadingsAgainstAudit(db: EvvDatabase, onProgress?: (done: number, total: number) => void): ReadingsAuditCheck {
  /** Digest → how many imported readings have it (a reading ID is unique, so at most one unless the log is wrong). */
  const logged = new Map<string, number>();
  let unpinned = 0;
  for (const { body } of db.prepare("SELECT body FROM audit_log WHERE kind IN ('import.readings', 'intake.readings') ORDER BY seq").iterate() as IterableIterator<{ body: string }>) {
    const entry = JSON.parse(String(body)) as ImportEntryBody;
    if (!entry.readingDigests) {
      unpinned += entry.inserted ?? 0;
      continue;
    }
    for (const digest of entry.readingDigests) logged.set(digest, (logged.get(digest) ?? 0) + 1);
  }
  const total = (db.prepare("SELECT count(*) AS n FROM readings").get() as { n: number }).n;
  const problems: string[] = [];
  let readings = 0;
  let matched = 0;
  let unmatched = 0;
  const rows = db.prepare(`SELECT ${READING_COLUMNS.join(", ")} FROM readings`).raw().iterate() as IterableIterator<ReadingRowValues>;
  for (const values of rows) {
    readings++;
    const digest = readingDigest(values);
    const left = logged.get(digest);
    if (left) {
      matched++;
      if (left === 1) logged.delete(digest);
      else logged.set(digest, left - 1);
    } else {
      unmatched++;
      if (problems.length < MAX_PROBLEMS) problems.push(`reading ${String(values[0])} is not as any import or intake batch stored it (edited or added since)`);
    }
    if (onProgress && readings % PROGRESS_EVERY === 0) onProgress(readings, total);
  }
  let missing = 0;
  for (const count of logged.values()) missing += count;
  // Readings from imports that predate digests may account for rows no entry lists, never for more.
  const unexplained = Math.max(0, unmatched - unpinned);
  if (missing > 0) problems.push(`${missing} reading${missing === 1 ? " the log lists is" : "s the log lists are"} no longer in the readings table (removed or edited after they were stored)`);
  return { ok: unexplained === 0 && missing === 0, readings, matched, unpinned, problems: unexplained === 0 ? problems.filter((p) => !p.startsWith("reading ")) : problems };
}
