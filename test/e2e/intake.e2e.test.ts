// The intake service end to end, all real processes: HHS issues a caregiver's code
// (evv caregiver enroll), the reader enrolls over HTTPS with the service's self-signed
// certificate (evv reader enroll), a typed read is submitted (evv read --reader-key), a read
// while the service is down is queued and sent later (evv reader send), the service stops
// gracefully on SIGTERM, and a revoked reader is refused. And `evv serve` beside `evv verify` on
// one database (WAL): while a verification run holds the write transaction, the service keeps
// taking readings and acknowledges them once it can commit; nothing is refused, the run
// succeeds, and the audit chain holds.
import { afterEach, describe, expect, it } from "vitest";
import { statSync } from "node:fs";
import { join } from "node:path";
import { Agent, Pool, request } from "undici";
import { selfSignedTls } from "../../host/service/tlsFiles.js";
import { runEvv } from "./runEvv.js";
import { importReadings } from "../../host/storage/importers.js";
import { verifyAuditChain } from "../../host/storage/auditLog.js";
import { signedSubmissions } from "./signedLoad.js";
import { killIfRunning, startServe, type ServeProcess } from "./serveProcess.js";
import { simpleWorld, TEST_PASSPHRASE, type VisitWorld } from "../host/fixtures/visitWorld.js";

let world: VisitWorld;
let serve: ServeProcess | null = null;
afterEach(async () => {
  await killIfRunning(serve);
  serve = null;
  world?.close();
});

const MIN = 60_000;


/** A display code the client's fob showed at `ms`, as typed. */
function codeShownAt(ms: number): string {
  const code = world.typed("P1", "C1", "check-in", ms, ms).typedCode!;
  world.readings.pop();
  return code;
}

describe("evv serve with evv reader and evv read", () => {
  it("enrolls a reader, submits a typed read, queues one while the service is down, sends it later, and verifies the visit", async () => {
    world = simpleWorld();
    const db = ["--db", world.dbPath];
    const tlsDir = join(world.dir, "tls");
    const key = join(world.dir, "reader-key.json");
    const serveArgs = ["--host", "127.0.0.1", "--port", "0", "--self-signed", tlsDir, "--credentials", join(world.dir, "credentials.json"), ...db];

    const issued = await runEvv(["caregiver", "enroll", "--provider", "P1", "--caregiver", "cg-1", "--by", "hhs-test", "--json", ...db], world.keystoreEnv);
    expect(issued.code).toBe(0);
    const { code } = JSON.parse(issued.stdout) as { code: string };

    serve = await startServe(serveArgs, world.keystoreEnv);
    const enrolled = await runEvv(["reader", "enroll", "--service", serve.url, "--code", code, "--service-ca", join(tlsDir, "cert.pem"), "--key", key]);
    expect(enrolled.stderr).toBe("");
    expect(enrolled.code).toBe(0);
    expect(statSync(key).mode & 0o777).toBe(0o600);

    // The reader checks the numbers typed against the roster HHS exported for it.
    const roster = join(world.dir, "roster.json");
    expect((await runEvv(["export", "roster", "--out", roster, ...db])).code).toBe(0);
    const begin = Date.now() - 45 * MIN;
    const checkIn = await runEvv(["read", "--typed", codeShownAt(begin), "--check-in", "--provider", "P1", "--client", "C1", "--reader-key", key, "--roster", roster]);
    expect(checkIn.stderr).toBe("");
    expect(checkIn.code).toBe(0);
    expect(checkIn.stdout).toContain("Submitted check-in");

    // The service stops gracefully; the next read is queued, not lost.
    expect(await serve.stop()).toBe(0);
    expect(serve.log.some((line) => line.includes("stopping"))).toBe(true);
    const checkOut = await runEvv(["read", "--typed", codeShownAt(begin + 40 * MIN), "--check-out", "--tasks", "bathing", "--provider", "P1", "--client", "C1", "--reader-key", key, "--roster", roster]);
    expect(checkOut.code).toBe(0);
    expect(checkOut.stdout).toContain("Queued    check-out");
    expect((world.db.prepare("SELECT count(*) FROM readings").pluck().get() as number)).toBe(1);

    // Back on the same port (the reader's key file names the service's URL).
    serve = await startServe([...serveArgs, "--port", new URL(serve.url).port], world.keystoreEnv);
    const sent = await runEvv(["reader", "send", "--key", key]);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain("sent 1, refused 0, still queued 0");

    const verified = await runEvv(["verify", ...db, "--keystore", world.keystorePath, "--json"], { EVV_PASSPHRASE: TEST_PASSPHRASE });
    expect(verified.stderr).toBe("");
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout).byStatus).toMatchObject({ verified: 1, rejected: 0 });

    // HHS revokes the reader: its next reading is refused (exit 5) and kept aside, not queued again.
    const readers = JSON.parse((await runEvv(["caregiver", "readers", "--json", ...db])).stdout) as { readerId: string }[];
    expect((await runEvv(["caregiver", "revoke-reader", readers[0].readerId, "--reason", "phone lost", ...db], world.keystoreEnv)).code).toBe(0);
    const refused = await runEvv(["read", "--typed", codeShownAt(Date.now()), "--check-in", "--provider", "P1", "--client", "C1", "--reader-key", key, "--roster", roster]);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain("revoked");
    expect(await serve.stop()).toBe(0);
  });

  it("serves TLS with the operator's certificate files and answers /health; HHS resets a typed-code throttle from the command line", async () => {
    world = simpleWorld();
    const tls = await selfSignedTls(join(world.dir, "operator-tls"));
    serve = await startServe(["--host", "127.0.0.1", "--port", "0", "--tls-cert", tls.certPath, "--tls-key", join(world.dir, "operator-tls", "key.pem"), "--db", world.dbPath, "--credentials", join(world.dir, "credentials.json")], world.keystoreEnv);
    expect(serve.url.startsWith("https://")).toBe(true);
    const health = await request(new URL("/health", serve.url), { dispatcher: new Agent({ connect: { ca: tls.cert } }) });
    expect(health.statusCode).toBe(200);
    expect(await health.body.json()).toMatchObject({ status: "ok", database: "ok" });
    expect(await serve.stop()).toBe(0);

    const reset = await runEvv(["throttle", "reset", "--provider", "P1", "--client", "C1", "--reason", "caregiver called", "--by", "hhs-desk", "--db", world.dbPath, "--json"], world.keystoreEnv);
    expect(reset.code).toBe(0);
    expect(JSON.parse(reset.stdout)).toMatchObject({ providerNumber: "P1", clientNdNumber: "C1", by: "hhs-desk" });
    const entry = world.db.prepare("SELECT kind, subject FROM audit_log WHERE kind = 'throttle.reset'").get();
    expect(entry).toEqual({ kind: "throttle.reset", subject: "P1|C1" });
    // Every entry the service and the command wrote is sealed with the keystore's key.
    expect(verifyAuditChain(world.db, world.keystore.auditSealKey())).toMatchObject({ ok: true });
    expect(world.db.prepare("SELECT count(*) FROM audit_log WHERE seal IS NULL").pluck().get()).toBe(0);
  });

  it("loads a credential added while it runs when sent SIGHUP, and stops with exit 0 on SIGINT", async () => {
    world = simpleWorld();
    const credentials = join(world.dir, "credentials.json");
    serve = await startServe(["--host", "127.0.0.1", "--port", "0", "--plain-http", "--db", world.dbPath, "--credentials", credentials], world.keystoreEnv);
    const added = await runEvv(["caregiver", "credential", "--name", "hhs-desk", "--credentials", credentials]);
    expect(added.code).toBe(0);
    const token = added.stdout.trim();
    const readers = async () => (await request(new URL("/v1/admin/readers", serve!.url), { headers: { authorization: `Bearer ${token}` } })).statusCode;
    expect(await readers()).toBe(401);
    serve.child.kill("SIGHUP");
    let status = 401;
    for (let tries = 0; tries < 50 && status === 401; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = await readers();
    }
    expect(status).toBe(200);
    expect(serve.log.some((line) => line.includes("credentials reloaded"))).toBe(true);
    serve.child.kill("SIGINT");
    expect(await new Promise((resolve) => serve!.child.once("exit", resolve))).toBe(0);
  });

  it("refuses to serve plain HTTP on a public address, or without a certificate", async () => {
    world = simpleWorld();
    const plain = await runEvv(["serve", "--plain-http", "--host", "0.0.0.0", "--db", world.dbPath]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain("--plain-http only on a loopback");
    const none = await runEvv(["serve", "--db", world.dbPath]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("--self-signed");
  });

  it("refuses to start without the keystore or with a wrong passphrase (exit 3), and the admin commands too, writing nothing", async () => {
    world = simpleWorld();
    const args = ["serve", "--plain-http", "--host", "127.0.0.1", "--port", "0", "--db", world.dbPath, "--keystore", world.keystorePath];
    const entries = () => world.db.prepare("SELECT count(*) FROM audit_log").pluck().get();
    const before = entries();
    const noPassphrase = await runEvv(args, { EVV_PASSPHRASE: "" });
    expect(noPassphrase.code).toBe(3);
    expect(noPassphrase.stderr).toContain("evv serve seals the audit log, so it needs the keystore");
    expect(noPassphrase.stderr).toContain("passphrase is missing");
    const missing = await runEvv([...args.slice(0, -1), join(world.dir, "no-such-keystore.json")], { EVV_PASSPHRASE: TEST_PASSPHRASE });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("does not exist");
    const wrong = await runEvv(args, { EVV_PASSPHRASE: "not the passphrase at all" });
    expect(wrong.code).toBe(3);
    const enroll = await runEvv(["caregiver", "enroll", "--provider", "P1", "--caregiver", "cg-1", "--db", world.dbPath, "--keystore", world.keystorePath], { EVV_PASSPHRASE: "" });
    expect(enroll.code).toBe(3);
    expect(enroll.stderr).toContain("passphrase is missing");
    expect(entries()).toBe(before);
  });
});

describe("evv serve beside evv verify", () => {
  it("acknowledges every submission while a verification run holds the database, and both finish intact", async () => {
    world = simpleWorld();
    // Enough stored visits that the run takes a while.
    for (let i = 0; i < 1500; i++) world.visit("P1", "C1", new Date(Date.parse("2026-03-01T15:00:00Z") + i * 3 * 3600_000).toISOString(), 30);
    importReadings(world.db, "readings.jsonl", "0", world.readings.splice(0), undefined, world.receiptOf);
    // More signed readings than the load can send before the run ends: each reader keeps
    // submitting until the verification run has finished, so the run always starts and ends
    // while readings arrive, however long its process takes to start on a busy machine.
    const perReader = 600;
    const submissions = signedSubmissions(world.dbPath, 50, perReader);
    serve = await startServe(["--host", "127.0.0.1", "--port", "0", "--plain-http", "--db", world.dbPath, "--credentials", join(world.dir, "credentials.json")], world.keystoreEnv);
    const pool = new Pool(serve.url, { connections: 50 });
    const statuses: number[] = [];
    let verifyDone = false;
    let duringRun = 0;
    const load = Promise.all(
      submissions.map(async (list) => {
        for (const s of list) {
          if (verifyDone) return;
          const answer = await pool.request({ path: "/v1/readings", method: "POST", body: s.body, headers: { "content-type": "application/json" } });
          await answer.body.text();
          statuses.push(answer.statusCode);
          if (!verifyDone) duringRun++;
          await new Promise((r) => setTimeout(r, 20));
        }
      }),
    );
    const verify = runEvv(["verify", "--db", world.dbPath, "--keystore", world.keystorePath, "--json"], { EVV_PASSPHRASE: TEST_PASSPHRASE }).then((run) => {
      verifyDone = true;
      return run;
    });
    const [run] = await Promise.all([verify, load]);
    await pool.close();
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(duringRun).toBeGreaterThan(0);
    expect(statuses.length, "the load ran out of signed readings before the verification run ended").toBeLessThan(50 * perReader);
    // The run began in the middle of the load: it saw some of the service's readings, not all.
    const seen = JSON.parse(run.stdout).readings as number;
    expect(seen).toBeGreaterThan(3000);
    expect(seen).toBeLessThan(3000 + statuses.length);
    expect(statuses.every((s) => s === 201)).toBe(true);
    expect(world.db.prepare("SELECT count(*) FROM readings WHERE signed_by IS NOT NULL").pluck().get()).toBe(statuses.length);
    expect(verifyAuditChain(world.db, world.keystore.auditSealKey())).toMatchObject({ ok: true });
    expect(await serve.stop()).toBe(0);
  });
});
