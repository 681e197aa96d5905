// Issue 14, item 8: reports read a database the user cannot write, and a failure of the storage
// itself (read-only, disk full, locked by another writer) exits 6, not 1. The read-only medium
// and the full disk are real: a read-only bind mount and a small tmpfs in a private mount
// namespace (`unshare`), which needs no privileges and leaves nothing mounted behind.
import { afterEach, describe, expect, it } from "vitest";
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { runEvv, runProcess } from "../../e2e/runEvv.js";
import { simpleWorld, TEST_PASSPHRASE, type VisitWorld } from "../fixtures/visitWorld.js";
import { EXIT_ENVIRONMENT, EXIT_OK } from "../../../host/cli/cliError.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const EVV = `${process.execPath} ${join(ROOT, "bin", "evv.js")}`;

let world: VisitWorld;
afterEach(() => world?.close());

/** Runs `script` (sh) in a private user and mount namespace. */
function inNamespace(script: string, env: Record<string, string> = {}) {
  return runProcess("unshare", ["--user", "--map-root-user", "--mount", "sh", "-c", script], { env: { EVV_PASSPHRASE: TEST_PASSPHRASE, ...env } });
}

function verifiedWorld(): VisitWorld {
  const w = simpleWorld();
  for (let day = 0; day < 3; day++) w.visit("P1", "C1", `2026-04-1${4 + day}T15:00:00Z`, 30);
  w.verify();
  w.close();
  return w;
}

const readOnlyMount = (dir: string) => `mount --bind ${dir} ${dir} && mount -o remount,ro,bind ${dir} && `;

describe("a database on read-only storage", () => {
  it("still gives evv report summary and visits", async () => {
    world = verifiedWorld();
    const summary = await inNamespace(readOnlyMount(world.dir) + `touch ${world.dir}/probe 2>/dev/null && echo writable; exec ${EVV} report summary --json --db ${world.dbPath}`);
    expect(summary.stdout).not.toContain("writable");
    expect([summary.code, summary.stderr]).toEqual([EXIT_OK, ""]);
    expect(JSON.parse(summary.stdout)).toMatchObject({ byStatus: { verified: 3 } });
    const visits = await inNamespace(readOnlyMount(world.dir) + `exec ${EVV} report visits --db ${world.dbPath}`);
    expect([visits.code, visits.stderr]).toEqual([EXIT_OK, ""]);
    expect(visits.stdout).toContain("verified, 2 units");
  });

  it("makes evv verify exit 6 with the reason", async () => {
    world = verifiedWorld();
    const verify = await inNamespace(readOnlyMount(world.dir) + `exec ${EVV} verify --db ${world.dbPath} --keystore ${world.keystorePath}`);
    expect(verify.code).toBe(EXIT_ENVIRONMENT);
    expect(verify.stderr).toMatch(/storage unavailable: .*read-only/);
  });
});

describe("a full disk", () => {
  it("makes evv import exit 6, saying the disk is full", async () => {
    world = simpleWorld();
    for (let day = 0; day < 1500; day++) world.visit("P1", "C1", new Date(Date.parse("2024-01-01T15:00:00Z") + day * 86_400_000).toISOString(), 30);
    const log = join(world.dir, "..", `readings-${process.pid}.jsonl`);
    writeFileSync(log, world.readings.map((r) => JSON.stringify(r)).join("\n") + "\n");
    world.close();
    const small = Math.ceil(statSync(world.dbPath).size / 4096) * 4096 + 96 * 1024;
    const disk = join(world.dir, "disk");
    const result = await inNamespace(
      `mkdir ${disk} && mount -t tmpfs -o size=${small} tmpfs ${disk} && cp ${world.dbPath} ${world.keystorePath} ${disk}/ && exec ${EVV} import readings ${log} --db ${disk}/evv.db --keystore ${disk}/keys.json`,
    );
    expect(result.code).toBe(EXIT_ENVIRONMENT);
    expect(result.stderr).toContain("storage unavailable: the disk is full");
  });
});

describe("a database another writer holds", () => {
  it("makes a second writer exit 6 after waiting, saying the database is locked", async () => {
    world = simpleWorld();
    world.close();
    const holder = new Database(world.dbPath);
    holder.exec("BEGIN IMMEDIATE");
    try {
      const file = join(world.dir, "providers.json");
      writeFileSync(file, JSON.stringify([{ providerNumber: "P9", name: "Provider P9", kind: "individual" }]));
      const result = await runEvv(["import", "providers", file, "--db", world.dbPath, "--keystore", world.keystorePath], { EVV_PASSPHRASE: TEST_PASSPHRASE });
      expect(result.code).toBe(EXIT_ENVIRONMENT);
      expect(result.stderr).toContain("locked by another writer");
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
    }
  }, 30_000);
});
