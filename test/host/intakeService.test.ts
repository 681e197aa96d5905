// The intake service in-process (Fastify's inject, the real routes and database): enrollment with
// one-time codes, signed submissions from a WebCrypto reader, refusals, idempotency, sessions,
// admin credentials, limits, and the backdating attack submitted through the service.
import { afterEach, describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { simpleWorld, type VisitWorld } from "./fixtures/visitWorld.js";
import { WebCryptoReader } from "./fixtures/webCryptoReader.js";
import { buildIntakeService, type IntakeService } from "../../host/service/intakeService.js";
import { IntakeAccounts } from "../../host/service/intakeAccounts.js";
import { addCredential } from "../../host/service/serviceCredentials.js";
import { runVerification } from "../../host/verifier/verifyRun.js";
import { verifierSettings } from "../../host/verifier/settings.js";
import type { ServiceLimits } from "../../host/service/serviceContext.js";
import { AuditAppender, auditSeal, verifyAuditChain } from "../../host/storage/auditLog.js";
import { openDatabase } from "../../host/storage/database.js";

let world: VisitWorld;
let service: IntakeService;
afterEach(async () => {
  await service?.close();
  world?.close();
});

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

async function start(limits: Partial<ServiceLimits> = {}, credentialsPath?: string) {
  world = simpleWorld();
  service = await buildIntakeService({ dbPath: world.dbPath, auditSealKey: world.keystore.auditSealKey(), tls: null, logger: false, limits, credentialsPath });
  return service.app;
}

function code(purpose: "reader" | "password" = "reader", caregiverId = "cg-1", providerNumber = "P1"): string {
  return new IntakeAccounts(world.db).issueCode({ providerNumber, caregiverId }, purpose, "test").code;
}

async function enrolled(enrollmentCode = code()): Promise<WebCryptoReader> {
  const reader = await WebCryptoReader.create();
  const res = await service.app.inject({ method: "POST", url: "/v1/readers", payload: { enrollmentCode, publicKey: reader.publicJwk, kind: "browser" } });
  expect(res.statusCode).toBe(201);
  reader.readerId = res.json().readerId;
  return reader;
}

const post = (url: string, payload: unknown, token?: string) =>
  service.app.inject({ method: "POST", url, payload: payload as object, headers: token ? { authorization: `Bearer ${token}` } : {} });
const storedCount = () => (world.db.prepare("SELECT count(*) FROM readings").pluck().get() as number);

describe("reader enrollment", () => {
  it("enrolls a WebCrypto reader's public key with a one-time code, and refuses the code a second time", async () => {
    await start();
    const enrollmentCode = code();
    const reader = await enrolled(enrollmentCode);
    expect(reader.readerId).toMatch(/^rdr-/);
    const again = await post("/v1/readers", { enrollmentCode, publicKey: reader.publicJwk, kind: "browser" });
    expect(again.statusCode).toBe(403);
    expect(again.json().error).toContain("used already");
    const row = world.db.prepare("SELECT provider_number, caregiver_id FROM readers WHERE reader_id = ?").get(reader.readerId);
    expect(row).toEqual({ provider_number: "P1", caregiver_id: "cg-1" });
  });

  it("refuses an unknown code and a public key with a private part, naming the field", async () => {
    await start();
    const reader = await WebCryptoReader.create();
    expect((await post("/v1/readers", { enrollmentCode: "AAAA-BBBB-CCCC-DDDD", publicKey: reader.publicJwk, kind: "cli" })).statusCode).toBe(403);
    const res = await post("/v1/readers", { enrollmentCode: code(), publicKey: { ...reader.publicJwk, d: "x".repeat(43) }, kind: "cli" });
    expect(res.statusCode).toBe(400);
    expect(res.json().issues[0].field).toBe("publicKey.d");
  });

  it("refuses an expired code", async () => {
    await start();
    const accounts = new IntakeAccounts(world.db, () => Date.now() - 4 * DAY);
    const old = accounts.issueCode({ providerNumber: "P1", caregiverId: "cg-1" }, "reader", "test", 72).code;
    const reader = await WebCryptoReader.create();
    const res = await post("/v1/readers", { enrollmentCode: old, publicKey: reader.publicJwk, kind: "cli" });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toContain("expired");
  });
});

describe("reading submission", () => {
  it("stores a signed reading with its receipt time and counter, and the same submission twice only once", async () => {
    await start();
    const reader = await enrolled();
    const submission = await reader.sign(world.typed("P1", "C1", "check-in", Date.now() - MIN, Date.now()));
    const before = Date.now();
    const first = await post("/v1/readings", submission);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ stored: true, counterBack: false });
    const second = await post("/v1/readings", submission);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ stored: false, receivedAt: first.json().receivedAt });
    expect(storedCount()).toBe(1);
    const row = world.db.prepare("SELECT received_ms, signed_by, reader_counter, counter_back FROM readings").get() as Record<string, number | string>;
    expect(row).toMatchObject({ signed_by: reader.readerId, reader_counter: 1, counter_back: 0 });
    expect(row.received_ms).toBeGreaterThanOrEqual(before - 1000);
  });

  it("refuses a forged signature and an unknown reader, storing nothing", async () => {
    await start();
    const reader = await enrolled();
    const submission = await reader.sign(world.typed("P1", "C1", "check-in", Date.now() - MIN, Date.now()));
    // The signed reading altered after signing: another client.
    const forged = await post("/v1/readings", { ...submission, reading: { ...submission.reading, clientNdNumber: "C2" } });
    expect(forged.statusCode).toBe(401);
    expect(forged.json().error).toContain("signature");
    // A reader that never enrolled signs its own submission.
    const stranger = await WebCryptoReader.create();
    stranger.readerId = "rdr-not-enrolled";
    const unknown = await post("/v1/readings", await stranger.sign(submission.reading));
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error).toContain("not an enrolled reader");
    // An enrolled reader's ID with another key's signature.
    const impostor = await WebCryptoReader.create();
    impostor.readerId = reader.readerId;
    expect((await post("/v1/readings", await impostor.sign(submission.reading))).statusCode).toBe(401);
    expect(storedCount()).toBe(0);
  });

  it("refuses a revoked reader's submissions from the revocation on", async () => {
    await start();
    const reader = await enrolled();
    expect((await post("/v1/readings", await reader.sign(world.typed("P1", "C1", "check-in", Date.now() - MIN, Date.now())))).statusCode).toBe(201);
    new IntakeAccounts(world.db).revokeReader(reader.readerId, "hhs", "phone lost");
    const res = await post("/v1/readings", await reader.sign(world.typed("P1", "C1", "check-out", Date.now(), Date.now())));
    expect(res.statusCode).toBe(403);
    expect(storedCount()).toBe(1);
  });

  it("refuses a reading for another provider than the reader's, and names wrong fields", async () => {
    await start();
    world.addProvider("P2");
    const reader = await enrolled();
    const other = await post("/v1/readings", await reader.sign(world.typed("P2", "C1", "check-in", Date.now() - MIN, Date.now())));
    expect(other.statusCode).toBe(403);
    expect(other.json().error).toContain("reading.providerNumber");
    const bad = await post("/v1/readings", { reader: reader.readerId, counter: 0, reading: { readingId: "nope" }, signature: "x" });
    expect(bad.statusCode).toBe(400);
    const fields = (bad.json().issues as { field: string }[]).map((i) => i.field);
    expect(fields).toEqual(expect.arrayContaining(["counter", "reading.readingId", "reading.event", "signature"]));
  });

  it("stores a reading whose counter went back, marked, and the verifier flags it", async () => {
    await start();
    const reader = await enrolled();
    // Within the last hour, and on one local day (a visit across the client's midnight is split, and its short part flagged).
    let t = Date.now() - 30 * MIN;
    if (DateTime.fromMillis(t, { zone: "America/Chicago" }).day !== DateTime.fromMillis(t + 21 * MIN, { zone: "America/Chicago" }).day) t -= 25 * MIN;
    await post("/v1/readings", await reader.sign(world.typed("P1", "C1", "check-in", t, t + MIN), 5));
    const back = await post("/v1/readings", await reader.sign(world.typed("P1", "C1", "check-out", t + 20 * MIN, t + 21 * MIN, { tasks: ["bathing"] }), 3));
    expect(back.statusCode).toBe(201);
    expect(back.json().counterBack).toBe(true);
    world.readings.splice(0);
    runVerification(world.db, world.keystore, verifierSettings.parse({}));
    expect(world.visits().map((v) => v.reasons.map((r) => r.code))).toEqual([["READER_COUNTER_BACK"]]);
  });

  it("refuses a body over the size limit and too many readings a minute from one reader", async () => {
    await start({ bodyBytes: 2048, perReaderPerMinute: 3 });
    const reader = await enrolled();
    const big = await reader.sign({ ...world.typed("P1", "C1", "check-out", Date.now() - MIN, Date.now()), tasks: Array.from({ length: 200 }, (_, i) => `task number ${i}`) });
    expect((await post("/v1/readings", big)).statusCode).toBe(413);
    const answers: number[] = [];
    for (let i = 0; i < 5; i++) answers.push((await post("/v1/readings", await reader.sign(world.typed("P1", "C1", "check-in", Date.now() - MIN, Date.now())))).statusCode);
    expect(answers).toEqual([201, 201, 201, 429, 429]);
  });
});

describe("health", () => {
  it("answers how many readings were committed in how many batches, how long commits took and how late the event loop ran", async () => {
    await start();
    const before = (await service.app.inject({ method: "GET", url: "/health" })).json();
    expect(before).toMatchObject({ status: "ok", database: "ok", waiting: 0, batches: 0, committed: 0, commitMs: null });
    const reader = await enrolled();
    expect((await post("/v1/readings", await reader.sign(world.typed("P1", "C1", "check-in", Date.now() - MIN, Date.now())))).statusCode).toBe(201);
    const health = (await service.app.inject({ method: "GET", url: "/health" })).json();
    expect(health).toMatchObject({ status: "ok", batches: 1, committed: 1 });
    for (const figures of [health.commitMs, health.eventLoopDelayMs]) {
      expect(figures.p50).toBeGreaterThanOrEqual(0);
      expect(figures.p99).toBeGreaterThanOrEqual(figures.p50);
      expect(figures.max).toBeGreaterThanOrEqual(figures.p99);
    }
    expect(health.commitMs.max).toBeGreaterThan(0);
  });
});

describe("limits per address", () => {
  it("answers 429 past the requests a minute from one address, on every route", async () => {
    await start({ perAddressPerMinute: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await service.app.inject({ method: "GET", url: "/v1/admin/readers" })).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });
});

describe("signing in on a shared computer", () => {
  it("sets a password with a one-time code, signs in, submits with the session, and signs out", async () => {
    await start();
    expect((await post("/v1/caregivers/password", { enrollmentCode: code("password"), password: "a long enough passphrase" })).statusCode).toBe(204);
    expect((await post("/v1/sessions", { providerNumber: "P1", caregiverId: "cg-1", password: "wrong password here" })).statusCode).toBe(401);
    const session = await post("/v1/sessions", { providerNumber: "P1", caregiverId: "cg-1", password: "a long enough passphrase" });
    expect(session.statusCode).toBe(201);
    const token = session.json().token as string;
    const reading = world.typed("P1", "C1", "check-in", Date.now() - MIN, Date.now());
    const res = await post("/v1/session/readings", { reading }, token);
    expect(res.statusCode).toBe(201);
    expect(world.db.prepare("SELECT session_of, signed_by FROM readings").get()).toEqual({ session_of: "P1|cg-1", signed_by: null });
    expect((await service.app.inject({ method: "DELETE", url: "/v1/sessions", headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(204);
    expect((await post("/v1/session/readings", { reading: world.typed("P1", "C1", "check-out", Date.now(), Date.now()) }, token)).statusCode).toBe(401);
  });

  it("refuses a password shorter than 12 characters, naming the field", async () => {
    await start();
    const res = await post("/v1/caregivers/password", { enrollmentCode: code("password"), password: "short" });
    expect(res.statusCode).toBe(400);
    expect(res.json().issues[0].field).toBe("password");
  });
});

describe("administration over HTTP", () => {
  it("issues codes with an HHS credential, keeps a QSP credential to its own provider, and revokes readers", async () => {
    world = simpleWorld();
    const credentials = join(world.dir, "credentials.json");
    const hhs = addCredential(credentials, "HHS intake desk");
    const qsp = addCredential(credentials, "QSP P2", "P2");
    service = await buildIntakeService({ dbPath: world.dbPath, auditSealKey: world.keystore.auditSealKey(), tls: null, logger: false, credentialsPath: credentials });
    expect((await post("/v1/admin/enrollment-codes", { providerNumber: "P1", caregiverId: "cg-9" })).statusCode).toBe(401);
    expect((await post("/v1/admin/enrollment-codes", { providerNumber: "P1", caregiverId: "cg-9" }, qsp)).statusCode).toBe(403);
    const issued = await post("/v1/admin/enrollment-codes", { providerNumber: "P1", caregiverId: "cg-9" }, hhs);
    expect(issued.statusCode).toBe(201);
    const reader = await enrolled(issued.json().code);
    expect((await post(`/v1/admin/readers/${reader.readerId}/revoke`, { reason: "left the agency" }, qsp)).statusCode).toBe(404);
    const revoked = await post(`/v1/admin/readers/${reader.readerId}/revoke`, { reason: "left the agency" }, hhs);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ readerId: reader.readerId, revokedBy: "HHS intake desk", revokeReason: "left the agency" });
    const kinds = world.db.prepare("SELECT kind FROM audit_log WHERE kind LIKE 'intake.%' ORDER BY seq").pluck().all();
    expect(kinds).toEqual(["intake.code-issued", "intake.reader-enrolled", "intake.reader-revoked"]);
  });
});

describe("the backdating attack through the service", () => {
  it("refuses advert frames and display codes of 28 days ago submitted today with the reader clock set back", async () => {
    await start();
    const reader = await enrolled();
    const then = Date.now() - 28 * DAY;
    const readings = [
      world.frame("P1", "C1", "check-in", then, then + 5_000),
      world.frame("P1", "C1", "check-out", then + 40 * MIN, then + 40 * MIN + 5_000, { tasks: ["bathing"] }),
      world.typed("P1", "C1", "check-in", then + DAY, then + DAY + MIN),
      world.typed("P1", "C1", "check-out", then + DAY + 40 * MIN, then + DAY + 41 * MIN, { tasks: ["bathing"] }),
    ];
    world.readings.splice(0);
    for (const r of readings) expect((await post("/v1/readings", await reader.sign(r))).statusCode).toBe(201);
    const summary = runVerification(world.db, world.keystore, verifierSettings.parse({}));
    expect(summary.units).toBe(0);
    for (const v of world.visits()) {
      expect(v.status).toBe("rejected");
      expect(v.reasons.map((r) => r.code)).toContain("LATE_ENTRY");
    }
  });
});

describe("the audit log's seal", () => {
  it("seals every entry the service writes, on its own connection and on the commit thread's", async () => {
    await start();
    const reader = await enrolled();
    expect((await post("/v1/readings", await reader.sign(world.typed("P1", "C1", "check-in", Date.now() - MIN, Date.now())))).statusCode).toBe(201);
    const key = world.keystore.auditSealKey();
    const written = world.db.prepare("SELECT kind, hash, seal FROM audit_log WHERE kind IN ('intake.reader-enrolled', 'intake.readings')").all() as { kind: string; hash: string; seal: string | null }[];
    expect(written.map((e) => e.kind).sort()).toEqual(["intake.reader-enrolled", "intake.readings"]);
    for (const e of written) expect(e.seal).toBe(auditSeal(key, e.hash));
    expect(verifyAuditChain(world.db, key)).toMatchObject({ ok: true });
  });

  it("refuses to start on a log another key sealed, and with a key that is not 32 bytes", async () => {
    world = simpleWorld();
    const rows = () => world.db.prepare("SELECT count(*) FROM audit_log").pluck().get();
    const before = rows();
    await expect(buildIntakeService({ dbPath: world.dbPath, auditSealKey: new Uint8Array(randomBytes(32)), tls: null, logger: false })).rejects.toThrow(/sealed with another key, or rewritten/);
    await expect(buildIntakeService({ dbPath: world.dbPath, auditSealKey: new Uint8Array(16), tls: null, logger: false })).rejects.toThrow(/32 bytes/);
    expect(rows()).toBe(before);
  });

  it("answers 500 and stores nothing once the log's last entry is unsealed (written behind its back)", async () => {
    await start();
    const reader = await enrolled();
    const enrollmentCode = code("reader", "cg-2");
    const unsealed = openDatabase(world.dbPath);
    new AuditAppender(unsealed).append("test.unsealed", "behind the service's back", {});
    unsealed.close();
    const readers = world.db.prepare("SELECT count(*) FROM readers").pluck().get();
    const submitted = await post("/v1/readings", await reader.sign(world.typed("P1", "C1", "check-in", Date.now() - MIN, Date.now())));
    expect(submitted.statusCode).toBe(500);
    expect(storedCount()).toBe(0);
    const other = await WebCryptoReader.create();
    expect((await post("/v1/readers", { enrollmentCode, publicKey: other.publicJwk, kind: "browser" })).statusCode).toBe(500);
    expect(world.db.prepare("SELECT count(*) FROM readers").pluck().get()).toBe(readers);
  });
});
