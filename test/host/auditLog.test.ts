import { describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import Database from "better-sqlite3";
import { openDatabase, type EvvDatabase } from "../../host/storage/database.js";
import { AuditAppender, verifyAuditChain, GENESIS_HASH, chainHash } from "../../host/storage/auditLog.js";
import { canonicalJson } from "../../host/storage/canonicalJson.js";
import { migrations } from "../../host/storage/migrations.js";

function freshDb() {
  return openDatabase(join(mkdtempSync(join(tmpdir(), "evv-audit-")), "evv.db"));
}

function fill(n: number) {
  const db = freshDb();
  const audit = new AuditAppender(db);
  db.transaction(() => {
    for (let i = 0; i < n; i++) audit.append("visit.decision", `v${i}`, { visit: `v${i}`, status: i % 2 ? "verified" : "rejected", units: i });
  })();
  return db;
}

describe("audit log", () => {
  it("chains every entry to the one before from the genesis hash", () => {
    const db = fill(5);
    const rows = db.prepare("SELECT body, prev_hash, hash FROM audit_log ORDER BY seq").all() as { body: string; prev_hash: string; hash: string }[];
    expect(rows[0].prev_hash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
    for (const r of rows) expect(r.hash).toBe(chainHash(r.prev_hash, r.body));
    expect(verifyAuditChain(db)).toEqual({ ok: true, rows: 5 });
  });

  it("refuses UPDATE and DELETE through SQL", () => {
    const db = fill(3);
    expect(() => db.prepare("UPDATE audit_log SET body = '{}' WHERE seq = 2").run()).toThrow(/append-only/);
    expect(() => db.prepare("DELETE FROM audit_log WHERE seq = 3").run()).toThrow(/append-only/);
  });

  it("detects an edited decision, a deleted entry and a re-linked forgery behind the triggers' back", () => {
    const cases: [string, (db: EvvDatabase) => void, number][] = [
      ["edited body", (db) => db.prepare("UPDATE audit_log SET body = replace(body, 'rejected', 'verified') WHERE seq = 3").run(), 3],
      ["deleted row", (db) => db.prepare("DELETE FROM audit_log WHERE seq = 2").run(), 3],
      [
        "forged hash",
        (db) => {
          const body = canonicalJson({ visit: "v1", status: "verified", units: 999 });
          const prev = (db.prepare("SELECT prev_hash FROM audit_log WHERE seq = 2").get() as { prev_hash: string }).prev_hash;
          db.prepare("UPDATE audit_log SET body = ?, hash = ? WHERE seq = 2").run(body, chainHash(prev, body));
        },
        3,
      ],
    ];
    for (const [, tamper, brokenAt] of cases) {
      const db = fill(5);
      db.exec("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;");
      tamper(db);
      const check = verifyAuditChain(db);
      expect(check.ok).toBe(false);
      expect(check.brokenAtSeq).toBe(brokenAt);
    }
  });

  it("continues the chain across appenders and connections", () => {
    const db = fill(2);
    new AuditAppender(db).append("device.registered", "00000001", { deviceId: "00000001" });
    expect(verifyAuditChain(db)).toEqual({ ok: true, rows: 3 });
  });
});

describe("canonical JSON", () => {
  it("is the same text whatever the key order", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(fc.integer(), fc.string(), fc.boolean())), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        return canonicalJson(obj) === canonicalJson(reversed) && Object.keys(JSON.parse(canonicalJson(obj))).length === Object.keys(obj).length;
      }),
    );
  });
});

describe("migrations", () => {
  it("bring a new database to the latest version once, and leave it there on reopen", () => {
    const path = join(mkdtempSync(join(tmpdir(), "evv-mig-")), "evv.db");
    const db = openDatabase(path);
    expect(db.pragma("user_version", { simple: true })).toBe(migrations.length);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
    const again = openDatabase(path);
    expect(again.pragma("user_version", { simple: true })).toBe(migrations.length);
    again.close();
  });

  it("refuses a database from a newer tool", () => {
    const path = join(mkdtempSync(join(tmpdir(), "evv-mig-")), "evv.db");
    const raw = new Database(path);
    raw.pragma(`user_version = ${migrations.length + 1}`);
    raw.close();
    expect(() => openDatabase(path)).toThrow(/newer than this tool/);
  });
});
