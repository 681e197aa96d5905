// `evv verify` as a subprocess: the first run is full, the next re-verifies only the group with
// new readings, `--full` re-verifies everything, and `evv report audit` holds after each.
import { afterEach, describe, expect, it } from "vitest";
import { TEST_PASSPHRASE, type VisitWorld } from "./fixtures/visitWorld.js";
import { importPending, incrementalWorld } from "./fixtures/incrementalWorld.js";
import { runEvv } from "../e2e/runEvv.js";

let world: VisitWorld | undefined;
afterEach(() => world?.close());

function evv(args: string[]) {
  return runEvv(args, { EVV_PASSPHRASE: TEST_PASSPHRASE, EVV_KEYSTORE: world!.keystorePath });
}

describe("evv verify --full", () => {
  it("re-verifies every reading on --full, and otherwise only what new readings can affect", async () => {
    world = incrementalWorld();
    world.visit("P1", "C1", "2026-04-06T15:00:00Z", 60);
    world.visit("P2", "C3", "2026-04-06T17:00:00Z", 90);
    importPending(world);
    const db = ["--db", world.dbPath];

    const first = await evv(["verify", ...db]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^run 1 \(full: the first run on this database\): 4 readings → 2 visits: 2 verified, .*; 2 visits stored$/m);

    world.visit("P2", "C3", "2026-04-07T17:00:00Z", 30);
    importPending(world);
    const second = await evv(["verify", ...db]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(
      /^run 2 \(incremental: 2 new readings and 0 changed records since the last run; re-verified 1 provider–client group \(1 from a week's Monday on\), replacing 1 visits\): 4 readings → 2 visits: .*; 3 visits stored$/m,
    );
    const audit = await evv(["report", "audit", ...db]);
    expect(audit.code, audit.stdout).toBe(0);
    expect(audit.stdout).toContain("visits table agrees with the log: 3 visits of runs 1 to 2 (a full run and the incremental runs after it), each as its logged decision");

    const full = await evv(["verify", ...db, "--full", "--json"]);
    expect(full.code, full.stderr).toBe(0);
    expect(JSON.parse(full.stdout)).toMatchObject({ runId: 3, mode: "full", fullBecause: "--full was given", readings: 6, visits: 3, storedVisits: 3, replacedVisits: 0 });
    expect((await evv(["report", "audit", ...db])).stdout).toContain("visits table agrees with the log: 3 visits of run 3, each as its logged decision");

    const help = await evv(["verify", "--help"]);
    expect(help.stdout).toMatch(/--full\s+re-verify every reading and replace every visit,\s+whatever changed/);
  });
});
