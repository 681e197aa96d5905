// A file's readings go into PostgreSQL in batches (host/storage/postgres/readingBatches.ts), not
// one round trip each; the result must be the one-by-one path's, which SQLite takes: the same
// rows, receipt numbers, duplicates and audit entry (vitest project `postgres`).
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type EvvDatabase } from "../../host/storage/database.js";
import { importReadings } from "../../host/storage/importers.js";
import { READING_COLUMNS } from "../../host/storage/readingDigest.js";
import type { Reading } from "../../host/capture/reading.js";
import { freshPostgresDatabase } from "../postgres/testDatabase.js";

const open: EvvDatabase[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

function reading(n: number): Reading {
  const at = Date.parse("2026-01-20T08:00:00Z") + n * 3_600_000;
  return {
    readingId: `r-${n}`,
    readerId: "reader-1",
    providerNumber: `P${n % 7}`,
    clientNdNumber: `C${n % 5}`,
    event: n % 2 ? "check-out" : "check-in",
    readerTime: new Date(at).toISOString(),
    method: "typed",
    transport: "keyboard",
    typedCode: String(100000 + n),
    tasks: n % 2 ? ["bathing"] : undefined,
  };
}

/** Every reading row in receipt order, and the imports' audit bodies (without their import times). */
function contents(db: EvvDatabase): { rows: unknown[]; entries: unknown[] } {
  const rows = db.prepare(`SELECT ${READING_COLUMNS.filter((c) => c !== "imported_at").join(", ")} FROM readings ORDER BY received_seq`).raw().all();
  const entries = (db.prepare("SELECT body FROM audit_log WHERE kind = 'import.readings' ORDER BY seq").pluck().all() as (string | Buffer)[]).map((body) => {
    const { importedAt: _, ...rest } = JSON.parse(body.toString()) as Record<string, unknown>;
    return rest;
  });
  return { rows, entries };
}

describe("reading imports on PostgreSQL in batches", () => {
  it("store the rows, receipt numbers, duplicates and audit entries that one-by-one storing gives", () => {
    // Several batches; IDs repeated within the file and across files, some stored a file before.
    const files = [
      Array.from({ length: 2500 }, (_, i) => reading(i)),
      [...Array.from({ length: 4500 }, (_, i) => reading(2000 + i)), reading(3), reading(6400), reading(7000), reading(7000)],
    ];
    const receivedAt = Date.parse("2026-03-01T00:00:00Z");
    const results: unknown[] = [];
    const databases = [openDatabase(join(mkdtempSync(join(tmpdir(), "evv-batches-")), "evv.db")), openDatabase(freshPostgresDatabase())];
    open.push(...databases);
    for (const db of databases) results.push(files.map((readings, f) => importReadings(db, `file-${f}.json`, "-", readings, undefined, receivedAt)));
    expect(results[1]).toEqual(results[0]);
    expect((results[1] as { inserted: number; duplicates: number }[]).map((r) => [r.inserted, r.duplicates])).toEqual([
      [2500, 0],
      [4001, 503],
    ]);
    const [sqlite, postgres] = databases.map(contents);
    expect(postgres.rows).toHaveLength(6501);
    expect(postgres).toEqual(sqlite);
  });
});
