// kill -9 of `evv serve` under load, then a restart: every reading the service acknowledged is
// stored, none twice, and submitting everything again stores only what was missing (the
// acknowledged ones answer 200: stored before). Real processes: the service, and this test's
// undici Pool as 100 concurrent readers.
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pool } from "undici";
import { openDatabase } from "../../host/storage/database.js";
import { verifyAuditChain } from "../../host/storage/auditLog.js";
import { Keystore } from "../../host/keystore/keystore.js";
import { CHEAP_SCRYPT, TEST_PASSPHRASE } from "../host/fixtures/visitWorld.js";
import { killIfRunning, startServe, type ServeProcess } from "./serveProcess.js";
import { signedSubmissions } from "./signedLoad.js";

const READERS = 100;
const PER_READER = 30;

let dir: string;
let serve: ServeProcess | null = null;
afterEach(async () => {
  await killIfRunning(serve);
  serve = null;
  rmSync(dir, { recursive: true, force: true });
});

describe("evv serve killed with SIGKILL under load", () => {
  it("keeps every acknowledged reading, stores none twice, and takes the rest after a restart", async () => {
    dir = mkdtempSync(join(tmpdir(), "evv-intake-crash-"));
    const dbPath = join(dir, "evv.db");
    const submissions = signedSubmissions(dbPath, READERS, PER_READER);
    // The service seals its audit entries (each batch's intake.readings) with the keystore's key.
    const keystorePath = join(dir, "keys.json");
    const keystore = Keystore.create(keystorePath, TEST_PASSPHRASE, CHEAP_SCRYPT);
    const keys = { EVV_KEYSTORE: keystorePath, EVV_PASSPHRASE: TEST_PASSPHRASE };
    const args = ["--host", "127.0.0.1", "--port", "0", "--plain-http", "--db", dbPath, "--credentials", join(dir, "credentials.json"), "--rate-per-address", "1000000", "--rate-per-reader", "100000"];
    serve = await startServe(args, keys);
    const victim = serve;
    const pool = new Pool(serve.url, { connections: READERS });
    const acknowledged = new Set<string>();
    let killed = false;
    // Each reader sends its readings one after another; after 1,000 acknowledgements the service is killed mid-stream.
    await Promise.all(
      submissions.map(async (list) => {
        for (const s of list) {
          try {
            const answer = await pool.request({ path: "/v1/readings", method: "POST", body: s.body, headers: { "content-type": "application/json" } });
            await answer.body.text();
            if (answer.statusCode === 201 || answer.statusCode === 200) acknowledged.add(s.readingId);
          } catch {
            return; // the connection died with the service
          }
          if (!killed && acknowledged.size >= 1000) {
            killed = true;
            await victim.kill9();
          }
        }
      }),
    );
    await pool.close();
    expect(killed).toBe(true);
    expect(acknowledged.size).toBeGreaterThanOrEqual(1000);
    expect(acknowledged.size).toBeLessThan(READERS * PER_READER);

    // Every acknowledged reading is there after the crash, once.
    const db = openDatabase(dbPath);
    const stored = new Set(db.prepare("SELECT reading_id FROM readings").pluck().all() as string[]);
    for (const id of acknowledged) expect(stored.has(id)).toBe(true);
    expect(db.prepare("SELECT count(*) = count(DISTINCT received_seq) FROM readings").pluck().get()).toBe(1);

    // Restart; every reader sends everything again: what was stored answers 200, the rest 201, and each reading is stored once.
    serve = await startServe([...args.slice(0, 2), "--port", new URL(victim.url).port, ...args.slice(4)], keys);
    const again = new Pool(serve.url, { connections: READERS });
    const statuses = new Map<string, number>();
    await Promise.all(
      submissions.map(async (list) => {
        for (const s of list) {
          const answer = await again.request({ path: "/v1/readings", method: "POST", body: s.body, headers: { "content-type": "application/json" } });
          await answer.body.text();
          statuses.set(s.readingId, answer.statusCode);
        }
      }),
    );
    await again.close();
    for (const id of acknowledged) expect(statuses.get(id)).toBe(200);
    for (const [id, status] of statuses) expect(status).toBe(stored.has(id) ? 200 : 201);
    expect(db.prepare("SELECT count(*) FROM readings").pluck().get()).toBe(READERS * PER_READER);
    expect(db.prepare("SELECT count(DISTINCT reading_id) FROM readings").pluck().get()).toBe(READERS * PER_READER);
    expect(await serve.stop()).toBe(0);
    // The chain holds across the crash, every entry sealed (a batch's entry commits with its readings or not at all).
    expect(verifyAuditChain(db, keystore.auditSealKey())).toMatchObject({ ok: true });
    db.close();
  });
});
