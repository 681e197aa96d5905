// The intake service on PostgreSQL when the server ends its connections (a restart, a standby
// taking over; here pg_terminate_backend): it answers 503 in the storage's words while a
// connection is gone, and takes readings again on new connections, without a restart of its own.
// Only in the vitest project `postgres` (vitest.config.ts).
import { afterEach, describe, expect, it } from "vitest";
import { simpleWorld, type VisitWorld } from "./fixtures/visitWorld.js";
import { WebCryptoReader } from "./fixtures/webCryptoReader.js";
import { buildIntakeService, type IntakeService } from "../../host/service/intakeService.js";
import { IntakeAccounts } from "../../host/service/intakeAccounts.js";
import { endConnections } from "../postgres/testDatabase.js";

let world: VisitWorld;
let service: IntakeService;
afterEach(async () => {
  await service?.close();
  world?.close();
});

describe("the intake service on PostgreSQL after the server ended its connections", () => {
  it("answers 503 in the storage's words until it has a new connection, then stores the reading sent again, once", async () => {
    world = simpleWorld();
    service = await buildIntakeService({ dbPath: world.dbPath, auditSealKey: world.keystore.auditSealKey(), tls: null, logger: false });
    const enrollmentCode = new IntakeAccounts(world.db).issueCode({ providerNumber: "P1", caregiverId: "cg-1" }, "reader", "test").code;
    const reader = await WebCryptoReader.create();
    const enrolled = await service.app.inject({ method: "POST", url: "/v1/readers", payload: { enrollmentCode, publicKey: reader.publicJwk, kind: "browser" } });
    expect(enrolled.statusCode).toBe(201);
    reader.readerId = enrolled.json().readerId;
    const post = (payload: unknown) => service.app.inject({ method: "POST", url: "/v1/readings", payload: payload as object });
    const now = Date.now();
    expect((await post(await reader.sign(world.typed("P1", "C1", "check-in", now - 120_000, now)))).statusCode).toBe(201);

    // The service's own connection, its commit thread's and the test's.
    expect(endConnections(world.dbPath)).toBeGreaterThanOrEqual(2);

    const second = await reader.sign(world.typed("P1", "C1", "check-out", now - 60_000, now));
    const answers: { status: number; error?: string }[] = [];
    for (let attempt = 0; attempt < 5 && answers.at(-1)?.status !== 201; attempt++) {
      const answer = await post(second);
      answers.push({ status: answer.statusCode, error: answer.json().error });
    }
    expect(answers.at(-1)?.status).toBe(201);
    // An answer before it, if any, came while a connection was being found gone: 503, never 500.
    for (const refused of answers.slice(0, -1)) expect(refused).toMatchObject({ status: 503, error: expect.stringMatching(/^storage unavailable: /) });
    expect(answers.length).toBeLessThanOrEqual(3);
    expect(world.db.prepare("SELECT count(*) FROM readings").pluck().get()).toBe(2);
  });
});
