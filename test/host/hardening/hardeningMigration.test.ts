// The hardening migration on a database that already has an audit log: the entries stay as
// they were (unsealed, the chain intact), and from then on the database refuses an entry that
// does not link to the head.
import { describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { migrate } from "../../../host/storage/database.js";
import { migrations } from "../../../host/storage/migrations.js";
import { chainHash, GENESIS_HASH, verifyAuditChain } from "../../../host/storage/auditLog.js";

describe("the hardening migration", () => {
  it("keeps an existing chain intact and unsealed, then refuses an entry that does not link", () => {
    const db = new Database(join(mkdtempSync(join(tmpdir(), "evv-hardening-migration-")), "evv.db"));
    const before = migrations.findIndex((sql) => sql.includes("audit_log_links"));
    expect(before).toBeGreaterThan(0);
    db.transaction(() => {
      for (const sql of migrations.slice(0, before)) db.exec(sql);
      db.pragma(`user_version = ${before}`);
    })();
    let prev = GENESIS_HASH;
    for (const body of ['{"a":1}', '{"b":2}']) {
      const hash = chainHash(prev, body);
      db.prepare("INSERT INTO audit_log (kind, subject, body, prev_hash, hash) VALUES ('x', 'y', ?, ?, ?)").run(body, prev, hash);
      prev = hash;
    }
    expect(migrate(db)).toBe(migrations.length);
    expect(db.prepare("SELECT seal FROM audit_log").all()).toEqual([{ seal: null }, { seal: null }]);
    expect(verifyAuditChain(db)).toEqual({ ok: true, rows: 2 });
    expect(verifyAuditChain(db, new Uint8Array(32))).toMatchObject({ ok: false, brokenAtSeq: 2, problem: expect.stringContaining("not sealed") });
    const insert = db.prepare("INSERT INTO audit_log (kind, subject, body, prev_hash, hash) VALUES ('x', 'y', '{}', ?, 'h')");
    expect(() => insert.run(GENESIS_HASH)).toThrow(/does not link/);
    expect(() => insert.run(prev)).not.toThrow();
    db.close();
  });
});
