import { describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { migrate } from "../../host/storage/database.js";
import { migrations } from "../../host/storage/migrations.js";

describe("schema migration 3 (a visit's days in its row)", () => {
  it("moves existing visit days into the visit row in date order and still serves them through visit_days", () => {
    const db = new Database(join(mkdtempSync(join(tmpdir(), "evv-migrate-")), "evv.db"));
    db.transaction(() => {
      for (const sql of migrations.slice(0, 2)) db.exec(sql);
      db.pragma("user_version = 2");
    })();
    db.prepare(
      "INSERT INTO visits (visit_seq, visit_id, run_id, provider_number, client_nd_number, status, units, reasons, tasks) VALUES (1, 'v1', 1, 'P1', 'C1', 'verified', 3, '[]', '[]'), (2, 'v2', 1, 'P1', 'C1', 'rejected', 0, '[]', '[]')",
    ).run();
    db.prepare("INSERT INTO visit_days VALUES (1, '2026-04-15', 20, 20, 1), (1, '2026-04-14', 40, 40, 2)").run();
    expect(migrate(db)).toBe(migrations.length);
    const rows = db.prepare("SELECT visit_id, days FROM visits ORDER BY visit_seq").all();
    expect(rows).toEqual([
      { visit_id: "v1", days: '[["2026-04-14",40,40,2],["2026-04-15",20,20,1]]' },
      { visit_id: "v2", days: "[]" },
    ]);
    expect(db.prepare("SELECT * FROM visit_days ORDER BY visit_seq, local_date").all()).toEqual([
      { visit_seq: 1, local_date: "2026-04-14", minutes: 40, paid_minutes: 40, units: 2 },
      { visit_seq: 1, local_date: "2026-04-15", minutes: 20, paid_minutes: 20, units: 1 },
    ]);
  });
});

describe("the intake migration (receipt of readings)", () => {
  it("gives stored readings their import time as receipt time and their row order as the order of receipt", () => {
    const db = new Database(join(mkdtempSync(join(tmpdir(), "evv-migrate-")), "evv.db"));
    // Every migration before the intake one (wherever it ends up in the list).
    const upTo = migrations.findIndex((sql) => sql.includes("CREATE TABLE readers ("));
    db.transaction(() => {
      for (const sql of migrations.slice(0, upTo)) db.exec(sql);
      db.pragma(`user_version = ${upTo}`);
    })();
    const insert = db.prepare(
      "INSERT INTO readings (reading_id, reader_id, provider_number, client_nd_number, event, reader_time, reader_ms, method, transport, typed_code, imported_at) VALUES (?, 'r', 'P1', 'C1', 'check-in', '2026-04-14T15:00:00Z', 0, 'typed', 'keyboard', '123456789012', ?)",
    );
    insert.run("b", "2026-04-20T10:00:00.000Z");
    insert.run("a", "2026-04-20T10:00:00.250Z");
    expect(migrate(db)).toBe(migrations.length);
    expect(db.prepare("SELECT reading_id, received_ms, received_seq, counter_back FROM readings ORDER BY received_seq").all()).toEqual([
      { reading_id: "b", received_ms: Date.parse("2026-04-20T10:00:00.000Z"), received_seq: 1, counter_back: 0 },
      { reading_id: "a", received_ms: Date.parse("2026-04-20T10:00:00.250Z"), received_seq: 2, counter_back: 0 },
    ]);
  });
});
