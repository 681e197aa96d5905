// Issue 14, attack 1: two `evv verify` processes started at once on one database. Each run
// must chain from the head the other left (the head is read under the write lock), and the
// database itself refuses an entry that does not link.
import { afterEach, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { runEvv } from "../../e2e/runEvv.js";
import { simpleWorld, TEST_PASSPHRASE, type VisitWorld } from "../fixtures/visitWorld.js";
import { importReadings } from "../../../host/storage/importers.js";
import { openDatabase } from "../../../host/storage/database.js";
import { verifyAuditChain } from "../../../host/storage/auditLog.js";

let world: VisitWorld;
afterEach(() => world?.close());

describe("two evv verify processes at once", () => {
  it("both finish and leave the audit chain intact, trial after trial", async () => {
    world = simpleWorld();
    for (let day = 0; day < 200; day++) world.visit("P1", "C1", new Date(Date.parse("2026-03-01T15:00:00Z") + day * 86_400_000).toISOString(), 30);
    importReadings(world.db, "readings.jsonl", "0", world.readings.splice(0));
    world.close();
    const args = ["verify", "--json", "--db", world.dbPath, "--keystore", world.keystorePath];
    for (let trial = 0; trial < 4; trial++) {
      const [a, b] = await Promise.all([runEvv(args, { EVV_PASSPHRASE: TEST_PASSPHRASE }), runEvv(args, { EVV_PASSPHRASE: TEST_PASSPHRASE })]);
      expect([a.code, b.code, a.stderr + b.stderr]).toEqual([0, 0, ""]);
      const db = openDatabase(world.dbPath);
      try {
        expect(verifyAuditChain(db)).toMatchObject({ ok: true });
        expect(db.prepare("SELECT count(*) AS n FROM verify_runs").get()).toEqual({ n: 2 * (trial + 1) });
      } finally {
        db.close();
      }
    }
  }, 240_000);

  it("refuses through SQL an audit entry that does not chain from the current head", () => {
    world = simpleWorld();
    const head = world.db.prepare("SELECT seq, prev_hash, hash FROM audit_log ORDER BY seq DESC LIMIT 1").get() as { seq: number; prev_hash: string; hash: string };
    const insert = world.db.prepare("INSERT INTO audit_log (seq, kind, subject, body, prev_hash, hash) VALUES (?, 'x', 'x', '{}', ?, 'f')");
    expect(() => insert.run(null, head.prev_hash)).toThrow(/does not link/);
    expect(() => insert.run(0, head.hash)).toThrow(/does not link/);
    expect(() => insert.run(null, head.hash)).not.toThrow();
  });
});
