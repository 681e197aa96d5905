// One group-commit batch (host/service/batchCommit.ts) against the real database: a counter not
// above its reader's highest so far (stored before the batch, or earlier in the same batch) is
// marked, and each reader's stored counter is raised to its highest, never lowered.
import { afterEach, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { simpleWorld, type VisitWorld } from "./fixtures/visitWorld.js";
import { batchCommitter, type IntakeJob } from "../../host/service/batchCommit.js";

let world: VisitWorld;
afterEach(() => world?.close());

function enroll(readerId: string, lastCounter: number): void {
  world.db
    .prepare("INSERT INTO readers (reader_id, provider_number, caregiver_id, kind, public_key, enrolled_ms, last_counter) VALUES (?, 'P1', ?, 'cli', '{}', 0, ?)")
    .run(readerId, `cg-${readerId}`, lastCounter);
}

function signed(readerId: string, counter: number): IntakeJob {
  return {
    reading: {
      readingId: randomUUID(),
      readerId,
      providerNumber: "P1",
      clientNdNumber: "C1",
      event: "check-in",
      readerTime: "2026-11-30T10:00:00.000Z",
      method: "typed",
      transport: "keyboard",
      typedCode: "123456789012",
    },
    receivedMs: Date.parse("2026-11-30T10:00:05.000Z"),
    source: { signedBy: readerId, counter, signature: "s".repeat(86), sessionOf: null },
  };
}

const lastCounter = (readerId: string) => world.db.prepare("SELECT last_counter FROM readers WHERE reader_id = ?").pluck().get(readerId);

describe("a group-commit batch's reader counters", () => {
  it("marks a counter not above the reader's highest, stored before or earlier in the batch, and raises each reader's counter to its highest", () => {
    world = simpleWorld();
    enroll("rdr-a", 10);
    enroll("rdr-b", 0);
    enroll("rdr-c", 4);
    const commit = batchCommitter(world.db);
    const outcomes = commit([signed("rdr-a", 11), signed("rdr-b", 1), signed("rdr-a", 11), signed("rdr-a", 7), signed("rdr-c", 3), signed("rdr-a", 12), signed("rdr-b", 2)]);
    expect(outcomes.map((o) => o.counterBack)).toEqual([false, false, true, true, true, false, false]);
    expect(outcomes.every((o) => o.stored)).toBe(true);
    expect(outcomes.map((o) => o.receivedSeq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect([lastCounter("rdr-a"), lastCounter("rdr-b"), lastCounter("rdr-c")]).toEqual([12, 2, 4]);
  });

  it("never lowers a stored counter, and leaves readers outside the batch as they were", () => {
    world = simpleWorld();
    enroll("rdr-a", 10);
    enroll("rdr-idle", 99);
    const commit = batchCommitter(world.db);
    expect(commit([signed("rdr-a", 9)]).map((o) => o.counterBack)).toEqual([true]);
    expect([lastCounter("rdr-a"), lastCounter("rdr-idle")]).toEqual([10, 99]);
    expect(commit([signed("rdr-a", 10), signed("rdr-a", 13)]).map((o) => o.counterBack)).toEqual([true, false]);
    expect(lastCounter("rdr-a")).toBe(13);
  });
});
