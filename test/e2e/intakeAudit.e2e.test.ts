// The audit log with the intake service among its writers, all real processes: `evv serve` seals
// what it writes (the reader's enrollment on its own connection, each batch of readings on the
// commit thread's), so the sealed CLI writers go on extending the log after it and `evv report
// audit` finds it intact; and a reading the service stored, then edited with SQL, is named.
import { afterEach, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Pool } from "undici";
import { runEvv } from "./runEvv.js";
import { killIfRunning, startServe, type ServeProcess } from "./serveProcess.js";
import { simpleWorld, type VisitWorld } from "../host/fixtures/visitWorld.js";
import { WebCryptoReader } from "../host/fixtures/webCryptoReader.js";
import type { Reading } from "../../host/capture/reading.js";

let world: VisitWorld;
let serve: ServeProcess | null = null;
afterEach(async () => {
  await killIfRunning(serve);
  serve = null;
  world?.close();
});

const MIN = 60_000;

/**
 * A caregiver enrolled by HHS on the command line, a reader enrolled through the service, and
 * typed check-ins and check-outs of three visits submitted through it, then a CLI import of a
 * fob-read visit and a verification run after it. Returns the IDs of the readings the service stored.
 */
async function readingsThroughTheService(): Promise<string[]> {
  world = simpleWorld();
  const db = ["--db", world.dbPath];
  const issued = await runEvv(["caregiver", "enroll", "--provider", "P1", "--caregiver", "cg-1", "--by", "hhs-test", "--json", ...db], world.keystoreEnv);
  expect(issued.stderr).toBe("");
  const { code } = JSON.parse(issued.stdout) as { code: string };

  serve = await startServe(["--host", "127.0.0.1", "--port", "0", "--plain-http", "--credentials", join(world.dir, "credentials.json"), ...db], world.keystoreEnv);
  const pool = new Pool(serve.url, { connections: 6 });
  const post = async (path: string, payload: unknown) => {
    const answer = await pool.request({ path, method: "POST", body: JSON.stringify(payload), headers: { "content-type": "application/json" } });
    return { status: answer.statusCode, body: (await answer.body.json()) as Record<string, unknown> };
  };
  const reader = await WebCryptoReader.create();
  const enrolled = await post("/v1/readers", { enrollmentCode: code, publicKey: reader.publicJwk, kind: "browser" });
  expect(enrolled.status).toBe(201);
  reader.readerId = enrolled.body.readerId as string;

  const readings: Reading[] = [];
  for (let v = 0; v < 3; v++) {
    const begin = Date.now() - (3 - v) * 120 * MIN;
    readings.push(world.typed("P1", "C1", "check-in", begin, begin + 10_000));
    readings.push(world.typed("P1", "C1", "check-out", begin + 40 * MIN, begin + 40 * MIN + 10_000, { tasks: ["bathing"] }));
  }
  world.readings.splice(0);
  // Signed in order (the reader's counter), sent together: the service commits them in batches.
  const submissions = [];
  for (const r of readings) submissions.push(await reader.sign(r));
  const answers = await Promise.all(submissions.map((s) => post("/v1/readings", s)));
  expect(answers.map((a) => a.status)).toEqual(readings.map(() => 201));
  await pool.close();
  expect(await serve.stop()).toBe(0);

  // The sealed CLI writers extend the log the service wrote.
  world.visit("P1", "C1", new Date(Date.now() - 30 * 60 * MIN).toISOString(), 30);
  const file = join(world.dir, "fob-visit.jsonl");
  writeFileSync(file, world.readings.splice(0).map((r) => JSON.stringify(r)).join("\n") + "\n");
  const imported = await runEvv(["import", "readings", file, ...db], world.keystoreEnv);
  expect(imported.stderr).toBe("");
  expect(imported.code).toBe(0);
  const verified = await runEvv(["verify", "--json", ...db], world.keystoreEnv);
  expect(verified.stderr).toBe("");
  expect(verified.code).toBe(0);
  expect(JSON.parse(verified.stdout).byStatus).toMatchObject({ verified: 4 });
  return readings.map((r) => r.readingId);
}

describe("evv report audit over readings submitted through evv serve", () => {
  it("says the log is intact, every entry sealed, and the readings as the service and the import stored them", async () => {
    await readingsThroughTheService();
    const kinds = world.db.prepare("SELECT kind, count(*) AS n, count(seal) AS sealed FROM audit_log GROUP BY kind").all() as { kind: string; n: number; sealed: number }[];
    for (const k of kinds) expect(k.sealed, `${k.kind} entries sealed`).toBe(k.n);
    expect(kinds.map((k) => k.kind)).toEqual(expect.arrayContaining(["intake.readings", "import.readings", "intake.reader-enrolled", "intake.code-issued"]));

    const audit = await runEvv(["report", "audit", "--db", world.dbPath], world.keystoreEnv);
    expect(audit.stderr).toBe("");
    expect(audit.code).toBe(0);
    const rows = world.db.prepare("SELECT count(*) FROM audit_log").pluck().get() as number;
    expect(audit.stdout).toContain(`audit log intact: ${rows} entries chained, ${rows} sealed with this keystore`);
    expect(audit.stdout).toContain("readings table agrees with the imports and intake batches: 8 readings as stored");
    expect(audit.stdout).toContain("visits table agrees with the log");
  });

  it("names a reading the service stored that was then edited with SQL, and exits 1", async () => {
    const throughService = await readingsThroughTheService();
    const edited = throughService[3];
    const sql = new Database(world.dbPath);
    sql.prepare("UPDATE readings SET tasks = '[\"bathing\",\"meal preparation\"]' WHERE reading_id = ?").run(edited);
    sql.close();

    const audit = await runEvv(["report", "audit", "--db", world.dbPath], world.keystoreEnv);
    expect(audit.code).toBe(1);
    expect(audit.stdout).toContain("audit log intact");
    expect(audit.stdout).toContain("readings table DISAGREES with the imports and intake batches");
    expect(audit.stdout).toContain(`reading ${edited} is not as any import or intake batch stored it`);
    for (const other of throughService.filter((id) => id !== edited)) expect(audit.stdout).not.toContain(other);
  });
});
