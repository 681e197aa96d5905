// The verifier judges lateness and freshness by when HHS received a reading (issue 11), and counts
// wrong typed codes in the order HHS received them (issue 14): the reader's clock cannot undo either.
import { afterEach, describe, expect, it } from "vitest";
import { VisitWorld, simpleWorld } from "./fixtures/visitWorld.js";
import { displayCodeProblem } from "../../protocol/displayCode.js";
import { resetTypedThrottle } from "../../host/verifier/throttleReset.js";
import { verifyAuditChain } from "../../host/storage/auditLog.js";
import { importReadings } from "../../host/storage/importers.js";
import { runVerification } from "../../host/verifier/verifyRun.js";
import { DEFAULT_SETTINGS } from "../../host/verifier/settings.js";

let world: VisitWorld;
afterEach(() => world?.close());

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const NOV_2 = Date.parse("2026-11-02T15:00:00Z");
const NOV_30 = Date.parse("2026-11-30T16:00:00Z");

/** A well-formed code (right check digit) whose MAC digits are wrong. */
function wrongCode(world: VisitWorld, deviceMs: number, variant: number): string {
  const real = world.typed("P1", "C1", "check-in", deviceMs, deviceMs).typedCode!;
  world.readings.pop();
  const body = real.slice(0, 5) + String((Number(real.slice(5, 11)) + 1 + variant) % 1_000_000).padStart(6, "0");
  for (let d = 0; d < 10; d++) if (displayCodeProblem(body + d) === null) return body + d;
  throw new Error("no check digit fits");
}

describe("the backdating attack: frames and codes of 2 November received on 30 November", () => {
  function backdated(receivedMs: number) {
    world = simpleWorld();
    // Advertisement frames a passive scanner recorded on 2 November, replayed with the reader clock set back to then.
    const advertIn = world.frame("P1", "C1", "check-in", NOV_2, NOV_2 + 5_000);
    const advertOut = world.frame("P1", "C1", "check-out", NOV_2 + 40 * MIN, NOV_2 + 40 * MIN + 5_000, { tasks: ["bathing"] });
    // Display codes photographed on 2 November, typed in with the same clock.
    const typedIn = world.typed("P1", "C1", "check-in", NOV_2 + DAY, NOV_2 + DAY + 60_000);
    const typedOut = world.typed("P1", "C1", "check-out", NOV_2 + DAY + 40 * MIN, NOV_2 + DAY + 41 * MIN, { tasks: ["bathing"] });
    for (const r of [advertIn, advertOut, typedIn, typedOut]) world.receipts.set(r.readingId, receivedMs);
    const summary = world.verify();
    return { summary, readings: [advertIn, advertOut, typedIn, typedOut] };
  }

  it("refuses every reading as a late entry, counted from its minute to its receipt, and pays nothing", () => {
    const { summary, readings } = backdated(NOV_30);
    for (const r of readings) {
      const visit = world.visitOf(r);
      expect(visit.status).toBe("rejected");
      expect(world.codes(visit)).toContain("LATE_ENTRY");
    }
    expect(summary.units).toBe(0);
  });

  it("verifies the same readings when HHS received them the day they were taken", () => {
    const { summary } = backdated(NOV_2 + DAY + 42 * MIN);
    expect(world.visits().map((v) => v.status)).toEqual(["verified", "verified"]);
    expect(summary.units).toBeGreaterThan(0);
  });
});

describe("a file of readings is received when it is imported", () => {
  it("refuses codes and frames of four weeks ago imported today, whatever the reader's clock said", () => {
    world = simpleWorld();
    const then = Date.now() - 28 * DAY;
    world.frame("P1", "C1", "check-in", then, then + 5_000);
    world.typed("P1", "C1", "check-out", then + 40 * MIN, then + 41 * MIN, { tasks: ["bathing"] });
    const before = Date.now();
    importReadings(world.db, "visits.jsonl", "0", world.readings.splice(0));
    const received = world.db.prepare("SELECT received_ms FROM readings").pluck().all() as number[];
    for (const ms of received) expect(ms).toBeGreaterThanOrEqual(before);
    runVerification(world.db, world.keystore, DEFAULT_SETTINGS);
    expect(world.visits().map((v) => world.codes(v))).toEqual([["LATE_ENTRY"], ["LATE_ENTRY"]]);
  });
});

describe("receipt limits per method", () => {
  it("refuses an advertisement received past the late-entry limit, as a typed code is", () => {
    world = simpleWorld();
    const advert = world.frame("P1", "C1", "check-in", NOV_2, NOV_2 + 5_000);
    world.receipts.set(advert.readingId, NOV_2 + 144 * HOUR + 5 * MIN);
    world.verify();
    expect(world.codes(world.visitOf(advert))).toEqual(["LATE_ENTRY"]);
  });

  it("accepts an advertisement received within the late-entry limit (an offline reader sending days later)", () => {
    world = simpleWorld();
    const a = world.frame("P1", "C1", "check-in", NOV_2, NOV_2 + 5_000);
    world.frame("P1", "C1", "check-out", NOV_2 + 30 * MIN, NOV_2 + 30 * MIN + 5_000, { tasks: ["bathing"] });
    for (const r of world.readings) world.receipts.set(r.readingId, NOV_2 + 5 * DAY);
    world.verify();
    expect(world.visitOf(a).status).toBe("verified");
  });

  it("sends a challenge answer received past its receipt limit to review, and honours the per-method setting", () => {
    world = simpleWorld();
    const { begin, end } = world.visit("P1", "C1", "2026-11-02T15:00:00Z", 30);
    for (const r of [begin, end]) world.receipts.set(r.readingId, NOV_2 + 7 * DAY);
    world.verify();
    expect(world.visitOf(begin).status).toBe("needs-review");
    expect(world.codes(world.visitOf(begin))).toEqual(["RECEIVED_LATE", "RECEIVED_LATE"]);
    world.verify({ challengeReceiptLimitHours: 8 * 24 });
    expect(world.visitOf(begin).status).toBe("verified");
  });

  it("takes a reader clock running ahead of receipt as the receipt time (a code cannot be entered after HHS got it)", () => {
    world = simpleWorld();
    // Code shown 2 Nov, reader clock says 9 Nov, received 3 Nov: recovered and on time by receipt.
    const a = world.typed("P1", "C1", "check-in", NOV_2, NOV_2 + 7 * DAY);
    world.receipts.set(a.readingId, NOV_2 + DAY);
    world.verify();
    expect(world.codes(world.visitOf(a))).toEqual(["MISSING_CHECK_OUT"]);
  });
});

describe("the typed-code throttle counts in the order HHS received the codes", () => {
  it("backdated wrong codes received later do not turn already-verified typed visits into rejections", () => {
    world = simpleWorld();
    const honest: string[] = [];
    for (let d = 0; d < 6; d++) {
      const at = NOV_2 + d * DAY;
      honest.push(world.typed("P1", "C1", "check-in", at, at + MIN).readingId);
      world.typed("P1", "C1", "check-out", at + 45 * MIN, at + 46 * MIN, { tasks: ["bathing"] });
    }
    world.verify();
    expect(world.visits().every((v) => v.status === "verified")).toBe(true);
    // The guesser sends 30 wrong codes with the reader clock set back before each honest visit; HHS receives them on 9 November.
    for (let d = 0; d < 6; d++)
      for (let i = 0; i < 5; i++) {
        const r = world.typed("P1", "C1", "check-in", NOV_2 + d * DAY - 10 * MIN, NOV_2 + d * DAY - 10 * MIN + i * 1000, { code: wrongCode(world, NOV_2 + d * DAY - 10 * MIN, i) });
        world.receipts.set(r.readingId, NOV_2 + 7 * DAY + d * 1000 + i);
      }
    world.verify();
    for (const id of honest) expect(world.visits().find((v) => v.visit_id === id)?.status).toBe("verified");
  });

  it("locks after 5 wrong codes received within an hour, whatever the reader's clock says", () => {
    world = simpleWorld();
    for (let i = 0; i < 5; i++) {
      // Reader clock spread over five days, received within minutes.
      const r = world.typed("P1", "C1", "check-in", NOV_2 - i * DAY, NOV_2 - i * DAY + MIN, { code: wrongCode(world, NOV_2 - i * DAY, i) });
      world.receipts.set(r.readingId, NOV_2 + 2 * HOUR + i * MIN);
    }
    const right = world.typed("P1", "C1", "check-in", NOV_2 + 2 * HOUR, NOV_2 + 2 * HOUR + 6 * MIN);
    world.verify();
    expect(world.codes(world.visitOf(right))).toEqual(["TYPED_THROTTLED"]);
  });

  it("an HHS reset unlocks a pair locked for good, applies from its place in the order of receipt, and is in the audit log", () => {
    world = simpleWorld();
    // 50 wrong codes, all claiming one minute on the reader's clock, received one every 5 hours (never an hour's or a day's limit).
    for (let i = 0; i < 50; i++) {
      const guess = world.typed("P1", "C1", "check-in", NOV_2, NOV_2 + MIN, { code: wrongCode(world, NOV_2, i) });
      world.receipts.set(guess.readingId, NOV_2 + i * 5 * HOUR + HOUR);
    }
    const locked = world.typed("P1", "C1", "check-in", NOV_2 + 260 * HOUR, NOV_2 + 260 * HOUR + MIN);
    world.verify();
    expect(world.codes(world.visitOf(locked))).toEqual(["TYPED_THROTTLED"]);

    const reset = resetTypedThrottle(world.db, { providerNumber: "P1", clientNdNumber: "C1", by: "hhs-auditor", reason: "caregiver called: typed the wrong fob" });
    const after = world.typed("P1", "C1", "check-in", NOV_2 + 270 * HOUR, NOV_2 + 270 * HOUR + MIN);
    world.verify();
    // The code received before the reset stays locked on the rerun; the one received after it verifies.
    expect(world.codes(world.visitOf(locked))).toEqual(["TYPED_THROTTLED"]);
    expect(world.codes(world.visitOf(after))).toEqual(["MISSING_CHECK_OUT"]);
    const entry = world.db.prepare("SELECT kind, subject, body FROM audit_log WHERE kind = 'throttle.reset'").get() as { kind: string; subject: string; body: string };
    expect(entry.subject).toBe("P1|C1");
    expect(JSON.parse(entry.body)).toMatchObject({ by: "hhs-auditor", afterReceivedSeq: reset.afterReceivedSeq, reason: "caregiver called: typed the wrong fob" });
    expect(verifyAuditChain(world.db).ok).toBe(true);
  });
});

describe("readings from enrolled readers", () => {
  function signedWorld() {
    world = simpleWorld();
    const { begin, end } = world.visit("P1", "C1", "2026-11-02T15:00:00Z", 30);
    world.verify();
    world.db.prepare("INSERT INTO readers (reader_id, provider_number, caregiver_id, kind, public_key, enrolled_ms) VALUES ('r-1', 'P1', 'cg-1', 'cli', '{}', ?)").run(NOV_2 - DAY);
    return { begin, end };
  }

  it("refuses a reading whose signing reader is not enrolled", () => {
    const { begin } = signedWorld();
    world.db.prepare("UPDATE readings SET signed_by = 'r-ghost' WHERE reading_id = ?").run(begin.readingId);
    // Readings edited in place are not new readings: only a full run sees the edit.
    world.verify({}, { full: true });
    expect(world.codes(world.visitOf(begin))).toEqual(["READER_UNKNOWN"]);
  });

  it("refuses a reading received after its reader was revoked, and keeps one received before", () => {
    const { begin, end } = signedWorld();
    world.db.prepare("UPDATE readings SET signed_by = 'r-1'").run();
    world.db.prepare("UPDATE readers SET revoked_ms = ? WHERE reader_id = 'r-1'").run(NOV_2 + 20 * MIN);
    world.verify({}, { full: true });
    expect(world.codes(world.visitOf(begin))).toEqual(["MISSING_CHECK_OUT"]);
    expect(world.codes(world.visitOf(end))).toEqual(["READER_REVOKED"]);
  });

  it("flags a reading whose reader counter went back", () => {
    const { begin } = signedWorld();
    world.db.prepare("UPDATE readings SET signed_by = 'r-1', counter_back = 1 WHERE reading_id = ?").run(begin.readingId);
    world.verify({}, { full: true });
    expect(world.codes(world.visitOf(begin))).toEqual(["READER_COUNTER_BACK"]);
    expect(world.visitOf(begin).status).toBe("verified-with-flags");
  });
});
