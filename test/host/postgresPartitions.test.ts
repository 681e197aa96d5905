// Readings and visits partitioned by service month on PostgreSQL (vitest project `postgres`;
// host/storage/postgres/monthPartitions.ts): a partition per month written, made before the
// write; reading and visit keys unique across months through the key tables; the audit chain
// intact; a database made by the version before the partitions migration migrates with its rows;
// SQLite untouched by that migration.
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { migrate, openDatabase, type EvvDatabase } from "../../host/storage/database.js";
import { migrations, PARTITIONS_MIGRATION } from "../../host/storage/migrations.js";
import { PostgresDatabase } from "../../host/storage/postgres/postgresDatabase.js";
import { postgresMigration } from "../../host/storage/postgres/postgresMigrations.js";
import { translateScript, translateStatement } from "../../host/storage/postgres/sqlTranslation.js";
import { ReadingStore } from "../../host/storage/readingStore.js";
import { AuditAppender, verifyAuditChain } from "../../host/storage/auditLog.js";
import { importReadings } from "../../host/storage/importers.js";
import { Keystore } from "../../host/keystore/keystore.js";
import { runVerification } from "../../host/verifier/verifyRun.js";
import { DEFAULT_SETTINGS } from "../../host/verifier/settings.js";
import type { Reading } from "../../host/capture/reading.js";
import { importWorldReadings, importWorldRecords } from "../../bench/verifyWorld.js";
import { freshPostgresDatabase } from "../postgres/testDatabase.js";

const open: EvvDatabase[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

function track<T extends EvvDatabase>(db: T): T {
  open.push(db);
  return db;
}

/** A typed-code reading (stored as given; the verifier is not asked about it here). */
function reading(id: string, readerTime: string): Reading {
  return { readingId: id, readerId: "reader-1", providerNumber: "P1", clientNdNumber: "C1", event: "check-in", readerTime, method: "typed", transport: "keyboard", typedCode: "123456" };
}

/** Partitions of `table` (pg_inherits) with their rows, by name. */
function partitionsOf(db: EvvDatabase, table: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of db.prepare("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = ? AND c.relkind = 'r' ORDER BY 1").pluck().all(table) as string[])
    out[name] = db.prepare(`SELECT count(*) FROM ${name}`).pluck().get() as number;
  return out;
}

describe("statements on tables partitioned by month", () => {
  it("name the values of the partition column, in every row of an INSERT", () => {
    expect(translateStatement("INSERT INTO visits (visit_seq, begin_ms, visit_id) VALUES (?, ?, ?), (?, ?, ?)").partitioned).toEqual({ table: "visits", positions: [1, 4] });
    expect(translateStatement("INSERT OR IGNORE INTO readings (reading_id, reader_ms) VALUES (@id, @at)").partitioned).toEqual({ table: "readings", positions: [1] });
    expect(translateStatement("INSERT INTO verify_pairs (provider_number) VALUES (?)").partitioned).toBeNull();
  });

  it("make a UNIQUE index without the partition column an ordinary one, and leave every other index alone", () => {
    const partitioned = (table: string) => table === "visits";
    expect(translateScript("DROP INDEX x; CREATE UNIQUE INDEX visits_by_id ON visits(visit_id); CREATE INDEX visits_by_begin ON visits(begin_ms);", partitioned)).toBe(
      "DROP INDEX x; CREATE INDEX visits_by_id ON visits(visit_id); CREATE INDEX visits_by_begin ON visits(begin_ms);",
    );
    expect(translateScript("CREATE UNIQUE INDEX v ON visits(visit_id, begin_ms)", partitioned)).toBe("CREATE UNIQUE INDEX v ON visits(visit_id, begin_ms)");
    expect(translateScript("CREATE UNIQUE INDEX visits_by_id ON visits(visit_id)", () => false)).toBe("CREATE UNIQUE INDEX visits_by_id ON visits(visit_id)");
    expect(translateScript("CREATE UNIQUE INDEX c ON clients(name)", partitioned)).toBe("CREATE UNIQUE INDEX c ON clients(name)");
  });
});

describe("readings partitioned by month", () => {
  it("land in a partition per month written, made before the write", () => {
    const db = track(openDatabase(freshPostgresDatabase()));
    expect(partitionsOf(db, "readings")).toEqual({});
    importReadings(db, "two-months.json", "-", [reading("r-jan", "2026-01-31T23:59:59.999Z"), reading("r-feb", "2026-02-01T00:00:00.000Z"), reading("r-feb-2", "2026-02-14T12:00:00Z")]);
    expect(partitionsOf(db, "readings")).toEqual({ readings_2026_01: 1, readings_2026_02: 2 });
    expect(db.prepare("SELECT reading_id FROM readings_2026_01").pluck().all()).toEqual(["r-jan"]);
  });

  it("store a reading ID submitted twice once, even when the second copy falls in another month", () => {
    const db = track(openDatabase(freshPostgresDatabase()));
    const first = importReadings(db, "first.json", "-", [reading("r-1", "2026-03-10T08:00:00Z")]);
    const again = importReadings(db, "again.json", "-", [reading("r-1", "2026-04-10T08:00:00Z"), reading("r-2", "2026-04-10T09:00:00Z")]);
    expect([first.inserted, again.inserted, again.duplicates]).toEqual([1, 1, 1]);
    expect(db.prepare("SELECT reading_id, reader_time FROM readings ORDER BY received_seq").raw().all()).toEqual([
      ["r-1", "2026-03-10T08:00:00Z"],
      ["r-2", "2026-04-10T09:00:00Z"],
    ]);
    expect(db.prepare("SELECT reading_id, received_seq FROM reading_keys ORDER BY received_seq").raw().all()).toEqual([
      ["r-1", 1],
      ["r-2", 2],
    ]);
    expect(verifyAuditChain(db)).toMatchObject({ ok: true, rows: 2 });
  });

  it("keep receipt numbers unique across months and a reading's ID unchanged", () => {
    const db = track(openDatabase(freshPostgresDatabase()));
    const store = new ReadingStore(db);
    db.transaction(() => store.store(reading("r-1", "2026-05-01T08:00:00Z"), Date.parse("2026-05-01T08:00:00Z"), 1)).immediate();
    expect(() => db.transaction(() => store.store(reading("r-2", "2026-06-01T08:00:00Z"), Date.parse("2026-06-01T08:00:00Z"), 1)).immediate()).toThrow(/duplicate key.*received_seq/);
    expect(() => db.prepare("UPDATE readings SET reading_id = 'r-9'").run()).toThrow(/does not change/);
    // A reading moved to another month keeps its key (the move is a DELETE and an INSERT).
    db.prepare("UPDATE readings SET reader_ms = ? WHERE reading_id = 'r-1'").run(Date.parse("2026-05-20T08:00:00Z"));
    db.transaction(() => db.prepare("SELECT evv_month_partition('readings', ?)").get(Date.parse("2026-07-02T00:00:00Z"))).immediate();
    db.prepare("UPDATE readings SET reader_ms = ? WHERE reading_id = 'r-1'").run(Date.parse("2026-07-02T00:00:00Z"));
    expect(partitionsOf(db, "readings")).toEqual({ readings_2026_05: 0, readings_2026_07: 1 });
    expect(db.prepare("SELECT reading_id, reader_ms FROM reading_keys").raw().all()).toEqual([["r-1", Date.parse("2026-07-02T00:00:00Z")]]);
    expect(db.transaction(() => store.store(reading("r-1", "2026-05-01T08:00:00Z"), Date.now(), 2)).immediate()).toBeNull();
  });

  it("lose a partition made in a transaction that rolled back, and make it again at the next write", () => {
    const db = track(openDatabase(freshPostgresDatabase()));
    expect(() =>
      db.transaction(() => {
        new ReadingStore(db).store(reading("r-1", "2026-08-01T08:00:00Z"), Date.now(), 1);
        throw new Error("the import fails");
      }).immediate(),
    ).toThrow(/the import fails/);
    expect(partitionsOf(db, "readings")).toEqual({});
    importReadings(db, "later.json", "-", [reading("r-1", "2026-08-01T08:00:00Z")]);
    expect(partitionsOf(db, "readings")).toEqual({ readings_2026_08: 1 });
  });
});

describe("visits partitioned by month", () => {
  it("are written by verification runs into the months of their begins, with visit IDs unique across months and the audit chain intact", () => {
    const dir = mkdtempSync(join(tmpdir(), "evv-partitions-"));
    const db = track(openDatabase(freshPostgresDatabase()));
    const keystore = Keystore.create(join(dir, "keys.json"), "partitions passphrase", { N: 1024, r: 8, p: 1 });
    importWorldRecords(db, 2);
    // 70 days of visits from 1 January: January, February and March.
    importWorldReadings(db, keystore, 2, 0, 70);
    const first = runVerification(db, keystore, DEFAULT_SETTINGS, { full: true });
    expect(first.visits).toBe(140);
    const visits = partitionsOf(db, "visits");
    expect(Object.keys(visits)).toEqual(["visits_2026_01", "visits_2026_02", "visits_2026_03", "visits_undated"]);
    expect(Object.values(visits).reduce((a, b) => a + b, 0)).toBe(140);
    expect(Object.keys(partitionsOf(db, "readings"))).toEqual(["readings_2026_01", "readings_2026_02", "readings_2026_03"]);
    // A second full run replaces every visit (DELETE, then the rows again): the key table follows.
    runVerification(db, keystore, DEFAULT_SETTINGS, { full: true });
    expect(db.prepare("SELECT count(*) FROM visit_keys").pluck().get()).toBe(140);
    expect(db.prepare("SELECT count(*) FROM visit_keys k JOIN visits v ON v.visit_seq = k.visit_seq AND v.visit_id = k.visit_id").pluck().get()).toBe(140);
    // A visit ID stored in January cannot be stored again in March.
    const stored = db.prepare("SELECT * FROM visits WHERE begin_ms < ? ORDER BY visit_seq LIMIT 1").get(Date.parse("2026-02-01T00:00:00Z")) as Record<string, unknown>;
    const columns = Object.keys(stored);
    const copy: Record<string, unknown> = { ...stored, visit_seq: 1_000_000, begin_ms: Date.parse("2026-03-15T12:00:00Z") };
    expect(() => db.prepare(`INSERT INTO visits (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`).run(columns.map((c) => copy[c]))).toThrow(/duplicate key.*visit_id/);
    expect(verifyAuditChain(db)).toMatchObject({ ok: true });
  });
});

describe("the partitions migration", () => {
  it("converts a database made by the version before it, keeping its readings, visits and audit chain", () => {
    const url = freshPostgresDatabase();
    const before = migrations.indexOf(PARTITIONS_MIGRATION);
    expect(before).toBeGreaterThan(0);
    // The previous version's database, as that version made it.
    const old = track(new PostgresDatabase(url));
    old.transaction(() => {
      old.exec("CREATE TABLE evv_schema_version (version INTEGER NOT NULL); INSERT INTO evv_schema_version VALUES (0)");
      for (let v = 1; v <= before; v++) old.exec(postgresMigration(v));
      old.pragma(`user_version = ${before}`);
    }).immediate();
    importReadings(old, "old.json", "-", [reading("r-1", "2025-12-31T23:00:00Z"), reading("r-2", "2026-01-02T08:00:00Z"), reading("r-3", "2026-01-03T08:00:00Z")]);
    const visit = (seq: number, id: string, begin: number | null) => [seq, id, 1, "P1", "C1", begin, "verified", 1, "[]", "[]", "[]"];
    const insertVisit = old.prepare("INSERT INTO visits (visit_seq, visit_id, run_id, provider_number, client_nd_number, begin_ms, status, units, reasons, tasks, days) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    old.transaction(() => {
      insertVisit.run(visit(1, "v-1", Date.parse("2025-12-31T23:00:00Z")));
      insertVisit.run(visit(2, "v-2", Date.parse("2026-01-02T08:00:00Z")));
      insertVisit.run(visit(3, "v-3", null));
    }).immediate();
    expect(old.prepare("SELECT relkind FROM pg_class WHERE relname = 'readings'").pluck().get()).toBe("r");
    old.close();

    const db = track(openDatabase(url));
    expect(db.pragma("user_version", { simple: true })).toBe(migrations.length);
    expect(partitionsOf(db, "readings")).toEqual({ readings_2025_12: 1, readings_2026_01: 2 });
    expect(partitionsOf(db, "visits")).toEqual({ visits_2025_12: 1, visits_2026_01: 1, visits_undated: 1 });
    expect(db.prepare("SELECT reading_id, received_seq FROM readings ORDER BY received_seq").raw().all()).toEqual([
      ["r-1", 1],
      ["r-2", 2],
      ["r-3", 3],
    ]);
    expect(db.prepare("SELECT count(*) FROM reading_keys").pluck().get()).toBe(3);
    expect(db.prepare("SELECT visit_seq, visit_id FROM visit_keys ORDER BY visit_seq").raw().all()).toEqual([
      [1, "v-1"],
      [2, "v-2"],
      [3, "v-3"],
    ]);
    // The keys hold for rows from before the migration, and visit_days still reads the visits.
    expect(importReadings(db, "again.json", "-", [reading("r-2", "2026-02-02T08:00:00Z")]).duplicates).toBe(1);
    expect(db.prepare("SELECT count(*) FROM visit_days").pluck().get()).toBe(0);
    new AuditAppender(db).append("test", "after the migration", { n: 1 });
    // The two imports' entries and this one.
    expect(verifyAuditChain(db)).toMatchObject({ ok: true, rows: 3 });
  });

  it("does nothing on SQLite: readings and visits stay one table each", () => {
    const db = new Database(":memory:");
    try {
      expect(migrate(db)).toBe(migrations.length);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name IN ('readings', 'visits', 'reading_keys', 'visit_keys') ORDER BY name").pluck().all()).toEqual(["readings", "visits"]);
    } finally {
      db.close();
    }
  });
});
