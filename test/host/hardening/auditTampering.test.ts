// Issue 14, item 2: edits to the database behind the tool's back are found by `evv report
// audit`, run as a real process: readings changed with SQL and verified again, and an
// import.readings entry rewritten with its chain recomputed (the seals, keyed by the
// keystore, cannot be recomputed without it).
import { afterEach, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { simpleWorld, TEST_PASSPHRASE, type VisitWorld } from "../fixtures/visitWorld.js";
import { EXIT_FAILURE, EXIT_OK } from "../../../host/cli/cliError.js";
import { openDatabase } from "../../../host/storage/database.js";
import { dropAuditTriggers } from "../../postgres/testDatabase.js";
import { importProviders } from "../../../host/storage/importers.js";
import { provider } from "../../../host/domain/provider.js";
import { runEvv } from "../../e2e/runEvv.js";


let world: VisitWorld;
afterEach(() => world?.close());

function evv(args: string[]) {
  return runEvv([...args, "--db", world.dbPath], { EVV_KEYSTORE: world.keystorePath, EVV_PASSPHRASE: TEST_PASSPHRASE });
}

/**
 * A world whose readings arrive through `evv import readings`: a good visit, and a visit whose
 * check-out the caregiver recorded under the wrong client, so it verifies to two rejected or
 * unfinished halves. Returns the misfiled reading's ID.
 */
async function worldWithMisfiledCheckOut(): Promise<string> {
  world = simpleWorld();
  world.addClient("C2");
  world.visit("P1", "C1", "2026-04-14T15:00:00Z", 30);
  world.challenge("P1", "C1", "check-in", Date.parse("2026-04-15T15:00:00Z"));
  const misfiled = world.challenge("P1", "C1", "check-out", Date.parse("2026-04-15T23:00:00Z"), { tasks: ["bathing"] });
  misfiled.clientNdNumber = "C2";
  const log = join(world.dir, "visits.jsonl");
  writeFileSync(log, world.readings.splice(0).map((r) => JSON.stringify(r)).join("\n") + "\n");
  world.close();
  // Received the day after the visits, within the receipt limits (the import time would be months later).
  expect((await evv(["import", "readings", log, "--received-at", "2026-04-16T00:00:00Z"])).code).toBe(EXIT_OK);
  return misfiled.readingId;
}

async function verified(...options: string[]): Promise<{ verified: number; units: number }> {
  const run = await evv(["verify", "--json", ...options]);
  expect(run.code).toBe(EXIT_OK);
  const summary = JSON.parse(run.stdout);
  return { verified: summary.byStatus.verified, units: summary.units };
}

/** The attacker's edit: the misfiled check-out moved to the right client, as if it had been read so. */
function moveReading(readingId: string): void {
  const db = openDatabase(world.dbPath);
  db.prepare("UPDATE readings SET client_nd_number = 'C1' WHERE reading_id = ?").run(readingId);
  db.close();
}

describe("evv report audit against edits made with SQL", () => {
  it("finds readings changed with SQL and verified again", async () => {
    const misfiled = await worldWithMisfiledCheckOut();
    const before = await verified();
    expect((await evv(["report", "audit"])).code).toBe(EXIT_OK);
    moveReading(misfiled);
    // A reading edited in place is not a new reading: only a full run verifies it again.
    const after = await verified("--full");
    expect(after.verified).toBe(before.verified + 1);
    expect(after.units).toBeGreaterThan(before.units);
    const audit = await evv(["report", "audit"]);
    expect(audit.code).toBe(EXIT_FAILURE);
    expect(audit.stdout).toContain("readings table DISAGREES with the imports");
    expect(audit.stdout).toContain(`reading ${misfiled} is not as any import or intake batch stored it`);
  });

  it("finds an import.readings entry rewritten to match, with the hash chain recomputed after it", async () => {
    for (const seals of ["left as they were", "removed"]) {
      const misfiled = await worldWithMisfiledCheckOut();
      await verified();
      expect((await evv(["report", "audit"])).code).toBe(EXIT_OK);
      const db = openDatabase(world.dbPath);
      dropAuditTriggers(db, "audit_log_no_update", "audit_log_links");
      // The attacker knows the documented digest: SHA-256 of the row's values as a JSON array, 128 bits.
      const digestOf = () => {
        const row = db.prepare("SELECT * FROM readings WHERE reading_id = ?").raw().get(misfiled) as unknown[];
        return createHash("sha256").update(JSON.stringify(row)).digest("hex").slice(0, 32);
      };
      const oldDigest = digestOf();
      db.prepare("UPDATE readings SET client_nd_number = 'C1' WHERE reading_id = ?").run(misfiled);
      const newDigest = digestOf();
      const entry = db.prepare("SELECT seq FROM audit_log WHERE kind = 'import.readings' ORDER BY seq DESC LIMIT 1").get() as { seq: number };
      const rows = db.prepare("SELECT seq, body, prev_hash FROM audit_log WHERE seq >= ? ORDER BY seq").all(entry.seq) as { seq: number; body: string | Buffer; prev_hash: string }[];
      let prev = rows[0].prev_hash;
      for (const row of rows) {
        const body = row.seq === entry.seq ? String(row.body).replace(oldDigest, newDigest) : row.body;
        const hash = createHash("sha256").update(prev).update(body).digest("hex");
        db.prepare("UPDATE audit_log SET body = ?, prev_hash = ?, hash = ? WHERE seq = ?").run(body, prev, hash, row.seq);
        if (seals === "removed") db.prepare("UPDATE audit_log SET seal = NULL WHERE seq >= ?").run(entry.seq);
        prev = hash;
      }
      db.close();
      const rerun = await evv(["verify"]);
      expect(rerun.code, seals).toBe(EXIT_FAILURE);
      expect(rerun.stderr, seals).toContain("nothing more is written to it");
      const audit = await evv(["report", "audit"]);
      expect(audit.code, seals).toBe(EXIT_FAILURE);
      expect(audit.stdout, seals).toMatch(/audit log BROKEN at entry \d+: (seal does not match|not sealed)/);
      world.close();
    }
  });

  it("refuses to extend a log written without the keystore until an operator seals it once with --seal-unsealed", async () => {
    world = simpleWorld();
    world.close();
    // A tool without the keystore (an older evv) appends an entry: the log's head is unsealed.
    const unkeyed = openDatabase(world.dbPath);
    importProviders(unkeyed, "providers.json", "0", [provider.parse({ providerNumber: "P7", name: "Provider P7", kind: "individual" })]);
    unkeyed.close();
    const file = join(world.dir, "providers.json");
    writeFileSync(file, JSON.stringify([{ providerNumber: "P8", name: "Provider P8", kind: "individual" }]));
    const refused = await evv(["import", "providers", file]);
    expect(refused.code).toBe(EXIT_FAILURE);
    expect(refused.stderr).toContain("is not sealed, so nothing more is written to it");
    const audit = await evv(["report", "audit"]);
    expect(audit.code).toBe(EXIT_FAILURE);
    expect(audit.stdout).toMatch(/BROKEN at entry \d+: not sealed/);
    const adopted = await evv(["report", "audit", "--seal-unsealed"]);
    expect([adopted.code, adopted.stderr]).toEqual([EXIT_OK, ""]);
    expect(adopted.stdout).toMatch(/entries up to \d+ adopted and sealed/);
    expect(adopted.stdout).toContain("audit log intact");
    expect((await evv(["import", "providers", file])).code).toBe(EXIT_OK);
    expect((await evv(["report", "audit"])).code).toBe(EXIT_OK);
  });
});
