// POST /v1/caregiver/clients (host/service/routes/caregiverClientRoutes.ts), in-process with the
// real routes and database: the clients the caregiver's provider is authorized for today, asked
// by an enrolled reader's signature or a session; refusals named. And /app/ serves the web app.
import { afterEach, describe, expect, it } from "vitest";
import { webcrypto } from "node:crypto";
import { simpleWorld, type VisitWorld } from "./fixtures/visitWorld.js";
import { WebCryptoReader } from "./fixtures/webCryptoReader.js";
import { buildIntakeService, type IntakeService } from "../../host/service/intakeService.js";
import { IntakeAccounts } from "../../host/service/intakeAccounts.js";
import { canonicalJson } from "../../host/storage/canonicalJson.js";

let world: VisitWorld;
let service: IntakeService;
afterEach(async () => {
  await service?.close();
  world?.close();
});

async function start(): Promise<void> {
  world = simpleWorld();
  world.addClient("C2");
  world.addAuthorization({ authorizationId: "A2", clientNdNumber: "C2", providerNumber: "P1" });
  world.addProvider("P2");
  world.addClient("C3");
  world.addAuthorization({ authorizationId: "A3", clientNdNumber: "C3", providerNumber: "P2" });
  service = await buildIntakeService({ dbPath: world.dbPath, auditSealKey: world.keystore.auditSealKey(), tls: null, logger: false });
}

async function enrolledReader(): Promise<WebCryptoReader> {
  const enrollmentCode = new IntakeAccounts(world.db).issueCode({ providerNumber: "P1", caregiverId: "P1" }, "reader", "test").code;
  const reader = await WebCryptoReader.create();
  const res = await service.app.inject({ method: "POST", url: "/v1/readers", payload: { enrollmentCode, publicKey: reader.publicJwk, kind: "browser" } });
  expect(res.statusCode).toBe(201);
  reader.readerId = res.json().readerId;
  return reader;
}

async function signedAsk(reader: WebCryptoReader, at = new Date().toISOString()) {
  const bytes = new TextEncoder().encode(canonicalJson({ at, purpose: "client-list", reader: reader.readerId }));
  const signature = Buffer.from(await webcrypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, reader.keys.privateKey, bytes)).toString("base64url");
  return { reader: reader.readerId, at, signature };
}

const ask = (payload: object, token?: string) =>
  service.app.inject({ method: "POST", url: "/v1/caregiver/clients", payload, headers: token ? { authorization: `Bearer ${token}` } : {} });

describe("the caregiver's client list", () => {
  it("answers an enrolled reader's signed request with its provider's authorized clients and the task list", async () => {
    await start();
    const reader = await enrolledReader();
    const res = await ask(await signedAsk(reader));
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ providerNumber: "P1", caregiverId: "P1" });
    expect(body.clients.map((c: { ndNumber: string }) => c.ndNumber).sort()).toEqual(["C1", "C2"]);
    expect(body.tasks).toContain("meal-preparation");
  });

  it("refuses a signature of other bytes, a clock five minutes off and an unknown reader, in words", async () => {
    await start();
    const reader = await enrolledReader();
    const good = await signedAsk(reader);
    const forged = await ask({ ...good, at: new Date(Date.parse(good.at) + 1000).toISOString() });
    expect(forged.statusCode).toBe(401);
    expect(forged.json().error).toContain("does not verify");
    const stale = await ask(await signedAsk(reader, new Date(Date.now() - 6 * 60_000).toISOString()));
    expect(stale.statusCode).toBe(401);
    expect(stale.json().error).toContain("clock is more than five minutes");
    const unknown = await ask({ ...good, reader: "rdr-nobody" });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error).toContain("not an enrolled reader");
    const malformed = await ask({ reader: reader.readerId });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().issues.map((i: { field: string }) => i.field).sort()).toEqual(["at", "signature"]);
  });

  it("answers a signed-in caregiver by session, and refuses an ended session", async () => {
    await start();
    const accounts = new IntakeAccounts(world.db);
    const code = accounts.issueCode({ providerNumber: "P2", caregiverId: "P2" }, "password", "test").code;
    await accounts.setPassword(code, "a long enough password");
    const { token } = await accounts.signIn({ providerNumber: "P2", caregiverId: "P2" }, "a long enough password");
    const res = await ask({}, token);
    expect(res.statusCode).toBe(200);
    expect(res.json().clients).toEqual([{ ndNumber: "C3", name: expect.any(String) }]);
    accounts.signOut(token);
    const ended = await ask({}, token);
    expect(ended.statusCode).toBe(401);
    expect(ended.json().error).toContain("sign in again");
  });
});

describe("the web app at /app/", () => {
  it("serves the page, the style sheet, the bundled script and its service worker with a strict content security policy", async () => {
    await start();
    const page = await service.app.inject({ method: "GET", url: "/app/" });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toContain("text/html");
    expect(page.headers["content-security-policy"]).toContain("script-src 'self'");
    expect(page.body).toContain('<label for="code">Code on the fob</label>');
    const script = await service.app.inject({ method: "GET", url: "/app/app.js" });
    expect(script.statusCode).toBe(200);
    expect(script.headers["content-type"]).toContain("javascript");
    // protocol/displayCode.ts's words are in the bundle: one implementation.
    expect(script.body).toContain("the check digit does not match: a digit is mistyped or two digits are swapped");
    expect((await service.app.inject({ method: "GET", url: "/app/app.css" })).statusCode).toBe(200);
    const worker = await service.app.inject({ method: "GET", url: "/app/sw.js" });
    expect(worker.statusCode).toBe(200);
    expect(worker.body).toContain("/app/app.js");
    const redirect = await service.app.inject({ method: "GET", url: "/app" });
    expect([301, 302]).toContain(redirect.statusCode);
    expect(redirect.headers.location).toBe("/app/");
  });
});
