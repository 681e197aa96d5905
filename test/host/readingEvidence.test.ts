// What a reading proves: codes, frames and challenge answers made with the protocol functions
// and real derived keys, judged by the verifier.
import { afterEach, describe, expect, it } from "vitest";
import { VisitWorld, simpleWorld } from "./fixtures/visitWorld.js";
import { DeviceRegistry } from "../../host/registry/deviceRegistry.js";
import { deviceIdHex, FRAME_STATUS_CLOCK_NOT_SET, FRAME_STATUS_MOVED, FRAME_STATUS_TAMPER, DISPLAY_STATUS_MOVED } from "../../protocol/index.js";

let world: VisitWorld;
afterEach(() => world?.close());

const T = Date.parse("2026-04-14T15:00:00Z");
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** Swaps two adjacent, different digits from position `from` on (a transposition the check digit catches). */
function swapAdjacent(code: string, from: number): string {
  let at = from;
  while (code[at] === code[at + 1]) at++;
  return code.slice(0, at) + code[at + 1] + code[at] + code.slice(at + 2);
}

describe("typed display codes", () => {
  it("verifies a visit from two codes typed in five days later, at the minutes the device showed", () => {
    world = simpleWorld();
    const a = world.typed("P1", "C1", "check-in", T, T + 5 * DAY);
    world.typed("P1", "C1", "check-out", T + 40 * MIN, T + 5 * DAY + 10_000, { tasks: ["bathing"] });
    world.verify();
    const v = world.visitOf(a);
    expect(v.status).toBe("verified");
    expect(v.begin_ms).toBe(T);
    expect(v.end_ms).toBe(T + 40 * MIN);
    expect(v.units).toBe(3);
  });

  it("rejects a code typed after the late-entry limit (6 days by default)", () => {
    world = simpleWorld();
    const a = world.typed("P1", "C1", "check-in", T, T + 6 * DAY + HOUR);
    world.verify();
    expect(world.codes(world.visitOf(a))).toEqual(["LATE_ENTRY"]);
  });

  it("honours a shorter late-entry limit from the settings", () => {
    world = simpleWorld();
    const a = world.typed("P1", "C1", "check-in", T, T + 2 * DAY);
    world.verify({ lateEntryLimitHours: 24 });
    expect(world.codes(world.visitOf(a))).toEqual(["LATE_ENTRY"]);
  });

  it("names a swapped pair of digits as a typo, before any key is used", () => {
    world = simpleWorld();
    const good = world.typed("P1", "C1", "check-in", T, T + HOUR);
    world.readings.pop();
    const typo = world.typed("P1", "C1", "check-in", T, T + HOUR, { code: swapAdjacent(good.typedCode!, 6) });
    world.verify();
    expect(world.codes(world.visitOf(typo))).toEqual(["CODE_TYPO"]);
  });

  it("rejects a well-formed code with wrong MAC digits", () => {
    world = simpleWorld();
    const forged = world.typed("P1", "C1", "check-in", T, T + HOUR, { code: forgedCode(world, T) });
    world.verify();
    expect(world.codes(world.visitOf(forged))).toEqual(["MAC_MISMATCH"]);
  });

  it("locks typed entry for a provider and client after 5 wrong codes within an hour, even for a right code", () => {
    world = simpleWorld();
    for (let i = 0; i < 5; i++) world.typed("P1", "C1", "check-in", T, T + HOUR + i * MIN, { code: forgedCode(world, T, i) });
    const right = world.typed("P1", "C1", "check-in", T, T + HOUR + 10 * MIN);
    const later = world.typed("P1", "C1", "check-in", T + 3 * HOUR, T + 3 * HOUR);
    world.verify();
    expect(world.codes(world.visitOf(right))).toEqual(["TYPED_THROTTLED"]);
    expect(world.codes(world.visitOf(later))).not.toContain("TYPED_THROTTLED");
  });

  it("locks typed entry for good after 50 wrong codes in all, spread so that no hour or day reaches its limit", () => {
    world = simpleWorld();
    // One wrong code every 5 hours (never 5 in an hour or 20 in a day), the 50th at T + 245 h.
    for (let i = 0; i < 50; i++) world.typed("P1", "C1", "check-in", T + i * 5 * HOUR, T + i * 5 * HOUR + HOUR, { code: forgedCode(world, T + i * 5 * HOUR, i) });
    const right = world.typed("P1", "C1", "check-in", T + 260 * HOUR, T + 260 * HOUR + MIN);
    world.verify();
    expect(world.codes(world.visitOf(right))).toEqual(["TYPED_THROTTLED"]);
    expect(world.visitOf(right).reasons[0].detail).toContain("50 wrong codes in all");
  });

  it("does not lock after 49 wrong codes in all", () => {
    world = simpleWorld();
    for (let i = 0; i < 49; i++) world.typed("P1", "C1", "check-in", T + i * 5 * HOUR, T + i * 5 * HOUR + HOUR, { code: forgedCode(world, T + i * 5 * HOUR, i) });
    const right = world.typed("P1", "C1", "check-in", T + 260 * HOUR, T + 260 * HOUR + MIN);
    world.verify();
    expect(world.codes(world.visitOf(right))).not.toContain("TYPED_THROTTLED");
  });

  it("does not lock after 4 wrong codes", () => {
    world = simpleWorld();
    for (let i = 0; i < 4; i++) world.typed("P1", "C1", "check-in", T, T + HOUR + i * MIN, { code: forgedCode(world, T, i) });
    const right = world.typed("P1", "C1", "check-in", T, T + HOUR + 10 * MIN);
    world.verify();
    expect(world.codes(world.visitOf(right))).not.toContain("TYPED_THROTTLED");
  });

  it("flags the moved status digit", () => {
    world = simpleWorld();
    const a = world.typed("P1", "C1", "check-in", T, T + HOUR, { status: DISPLAY_STATUS_MOVED });
    world.typed("P1", "C1", "check-out", T + 30 * MIN, T + HOUR, { tasks: ["bathing"] });
    world.verify();
    const v = world.visitOf(a);
    expect(v.status).toBe("verified-with-flags");
    expect(world.codes(v)).toContain("DEVICE_MOVED");
  });

  it("rejects a code from the future (shown after it was typed)", () => {
    world = simpleWorld();
    const a = world.typed("P1", "C1", "check-in", T + HOUR, T);
    world.verify();
    expect(world.codes(world.visitOf(a))).toEqual(["CODE_FROM_FUTURE"]);
  });
});

describe("advertisement and NFC frames", () => {
  it("verifies fresh advertisement and NFC frames as check-in and check-out", () => {
    world = simpleWorld();
    const a = world.frame("P1", "C1", "check-in", T, T + 20_000);
    world.frame("P1", "C1", "check-out", T + 30 * MIN, T + 30 * MIN + 5_000, { nfc: true, tasks: ["bathing"] });
    world.verify();
    expect(world.visitOf(a).status).toBe("verified");
  });

  it("rejects a replayed (stale) advertisement", () => {
    world = simpleWorld();
    const a = world.frame("P1", "C1", "check-in", T, T + 10 * MIN);
    world.verify();
    expect(world.codes(world.visitOf(a))).toEqual(["STALE_FRAME"]);
  });

  it("rejects a frame from a device whose clock is not set, and flags tamper", () => {
    world = simpleWorld();
    const unset = world.frame("P1", "C1", "check-in", T, T, { status: FRAME_STATUS_CLOCK_NOT_SET });
    const tampered = world.frame("P1", "C1", "check-in", T + DAY, T + DAY, { status: FRAME_STATUS_TAMPER });
    world.verify();
    expect(world.codes(world.visitOf(unset))).toEqual(["CLOCK_NOT_SET"]);
    expect(world.codes(world.visitOf(tampered))).toContain("DEVICE_TAMPER");
  });

  it("rejects an NFC frame presented as an advertisement", () => {
    world = simpleWorld();
    const r = world.frame("P1", "C1", "check-in", T, T, { nfc: true });
    r.method = "advert";
    r.transport = "ble";
    world.verify();
    expect(world.codes(world.visitOf(r))).toEqual(["FRAME_KIND_MISMATCH"]);
  });
});

describe("challenge answers, devices and locations", () => {
  it("rejects a challenge answered by a device hanging at another client's home", () => {
    world = simpleWorld();
    world.addClient("C2");
    const theirs = world.deviceKey("C2");
    world.deviceOfClient.set("C1", theirs.id);
    const r = world.challenge("P1", "C1", "check-in", T);
    world.verify();
    expect(world.codes(world.visitOf(r))[0]).toBe("DEVICE_NOT_AT_LOCATION");
  });

  it("rejects a frame when no device of the client's location matches", () => {
    world = simpleWorld();
    world.addClient("C2");
    world.deviceOfClient.set("C1", world.deviceKey("C2").id);
    const r = world.frame("P1", "C1", "check-in", T, T);
    world.verify();
    expect(world.codes(world.visitOf(r))).toEqual(["MAC_MISMATCH"]);
  });

  it("rejects readings from a retired device after its retirement", () => {
    world = simpleWorld();
    new DeviceRegistry(world.db).retireDevice(deviceIdHex(world.deviceKey("C1").id), "2026-04-01T00:00:00Z");
    const r = world.challenge("P1", "C1", "check-in", T);
    world.verify();
    expect(world.codes(world.visitOf(r))[0]).toMatch(/DEVICE_RETIRED|NO_DEVICE_AT_LOCATION/);
  });

  it("follows a device to its new location: the old home's visits after the move are refused", () => {
    world = simpleWorld();
    world.addClient("C2");
    world.addAuthorization({ authorizationId: "A2", clientNdNumber: "C2", providerNumber: "P1" });
    const moved = world.deviceKey("C1").id;
    new DeviceRegistry(world.db).assignDevice({ deviceId: deviceIdHex(moved), locationId: "loc-C2", from: "2026-04-10T00:00:00Z" });
    world.deviceOfClient.set("C2", moved);
    const before = world.visit("P1", "C1", "2026-04-05T15:00:00Z", 30);
    const after = world.visit("P1", "C1", "2026-04-14T15:00:00Z", 30);
    const atNewHome = world.visit("P1", "C2", "2026-04-15T15:00:00Z", 30);
    world.verify();
    expect(world.visitOf(before.begin).status).toBe("verified");
    expect(world.codes(world.visitOf(after.begin))[0]).toBe("DEVICE_NOT_AT_LOCATION");
    expect(world.visitOf(atNewHome.begin).status).toBe("verified");
  });

  it("verifies devices provisioned under an older key version after the master key is rotated", () => {
    world = simpleWorld();
    expect(world.keystore.rotate()).toBe(2);
    const { begin } = world.visit("P1", "C1", "2026-04-14T15:00:00Z", 30);
    world.verify();
    expect(world.visitOf(begin).status).toBe("verified");
  });

  it("corrects a fast device clock from its drift history instead of flagging it", () => {
    world = simpleWorld();
    const fast = 5 * MIN; // the device runs 5 minutes ahead
    const id = deviceIdHex(world.deviceKey("C1").id);
    const registry = new DeviceRegistry(world.db);
    for (const at of ["2026-04-01T00:00:00Z", "2026-04-08T00:00:00Z"])
      registry.recordClockObservation({ deviceId: id, observedAt: at, deviceTime: Math.floor((Date.parse(at) + fast) / 1000), source: "sync" });
    const a = world.challenge("P1", "C1", "check-in", T + fast, { readerMs: T });
    world.challenge("P1", "C1", "check-out", T + fast + 30 * MIN, { readerMs: T + 30 * MIN, tasks: ["bathing"] });
    world.verify();
    const v = world.visitOf(a);
    expect(v.status).toBe("verified");
    expect(v.begin_ms).toBe(T);
  });

  it("flags a device clock out of tolerance when there is no history to correct it", () => {
    world = simpleWorld();
    const a = world.challenge("P1", "C1", "check-in", T + 5 * MIN, { readerMs: T });
    world.challenge("P1", "C1", "check-out", T + 35 * MIN, { readerMs: T + 30 * MIN, tasks: ["bathing"] });
    world.verify();
    expect(world.codes(world.visitOf(a))).toContain("CLOCK_OUT_OF_TOLERANCE");
    expect(world.visitOf(a).status).toBe("verified-with-flags");
  });

  it("rejects a challenge answer whose MAC was altered", () => {
    world = simpleWorld();
    const r = world.challenge("P1", "C1", "check-in", T);
    r.challenge!.deviceTime += 60;
    world.verify();
    expect(world.codes(world.visitOf(r))).toEqual(["MAC_MISMATCH"]);
  });

  it("rejects a challenge from a device whose clock is not set, flags moved", () => {
    world = simpleWorld();
    const unset = world.challenge("P1", "C1", "check-in", T, { status: FRAME_STATUS_CLOCK_NOT_SET });
    const moved = world.challenge("P1", "C1", "check-in", T + DAY, { status: FRAME_STATUS_MOVED });
    world.verify();
    expect(world.codes(world.visitOf(unset))).toEqual(["CLOCK_NOT_SET"]);
    expect(world.codes(world.visitOf(moved))).toContain("DEVICE_MOVED");
  });
});

describe("pairing, duplicates, overlaps and authorization", () => {
  it("sends a check-in without check-out, and a check-out without check-in, to review", () => {
    world = simpleWorld();
    const lone = world.challenge("P1", "C1", "check-in", T);
    const orphan = world.challenge("P1", "C1", "check-out", T - HOUR);
    world.verify();
    expect(world.visitOf(lone).status).toBe("needs-review");
    expect(world.codes(world.visitOf(lone))).toEqual(["MISSING_CHECK_OUT"]);
    expect(world.codes(world.visitOf(orphan))).toEqual(["MISSING_CHECK_IN"]);
  });

  it("rejects the same codes typed in twice as duplicate readings, keeping the first visit", () => {
    world = simpleWorld();
    const first = world.typed("P1", "C1", "check-in", T, T + HOUR);
    world.typed("P1", "C1", "check-out", T + 30 * MIN, T + HOUR, { tasks: ["bathing"] });
    const again = world.typed("P1", "C1", "check-in", T, T + 2 * HOUR);
    const againOut = world.typed("P1", "C1", "check-out", T + 30 * MIN, T + 2 * HOUR, { tasks: ["bathing"] });
    world.verify();
    expect(world.visitOf(first).status).toBe("verified");
    expect(world.visitOf(first).units).toBe(2);
    expect(world.codes(world.visitOf(again))).toEqual(["DUPLICATE_READING"]);
    expect(world.codes(world.visitOf(againOut))).toEqual(["DUPLICATE_READING"]);
  });

  it("does not pair a check-out more than a day after the check-in", () => {
    world = simpleWorld();
    const lone = world.challenge("P1", "C1", "check-in", T);
    const late = world.challenge("P1", "C1", "check-out", T + 25 * HOUR);
    world.verify();
    expect(world.codes(world.visitOf(lone))).toEqual(["MISSING_CHECK_OUT"]);
    expect(world.codes(world.visitOf(late))).toEqual(["MISSING_CHECK_IN"]);
  });

  it("sends a caregiver's overlapping visits at two clients to review", () => {
    world = new VisitWorld();
    world.addClient("C1");
    world.addClient("C2");
    world.addProvider("P1");
    world.addAuthorization({ authorizationId: "A1", clientNdNumber: "C1", providerNumber: "P1" });
    world.addAuthorization({ authorizationId: "A2", clientNdNumber: "C2", providerNumber: "P1" });
    const a = world.visit("P1", "C1", "2026-04-14T15:00:00Z", 60);
    const b = world.visit("P1", "C2", "2026-04-14T15:30:00Z", 60);
    const c = world.visit("P1", "C2", "2026-04-14T17:00:00Z", 60);
    world.verify();
    expect(world.codes(world.visitOf(a.begin))).toContain("CAREGIVER_OVERLAP");
    expect(world.codes(world.visitOf(b.begin))).toContain("CAREGIVER_OVERLAP");
    expect(world.visitOf(c.begin).status).toBe("verified");
  });

  it("sends a client's overlapping visits from two providers to review", () => {
    world = simpleWorld();
    world.addProvider("P2");
    world.addAuthorization({ authorizationId: "A2", clientNdNumber: "C1", providerNumber: "P2" });
    const a = world.visit("P1", "C1", "2026-04-14T15:00:00Z", 60);
    const b = world.visit("P2", "C1", "2026-04-14T15:45:00Z", 60);
    world.verify();
    expect(world.visitOf(a.begin).status).toBe("needs-review");
    expect(world.codes(world.visitOf(b.begin))).toContain("CLIENT_OVERLAP");
  });

  it("rejects a visit outside the authorization period, and one with no authorization", () => {
    world = simpleWorld("America/Chicago", { period: { from: "2026-04-01", to: "2026-04-30" } });
    world.addProvider("P9");
    const outside = world.visit("P1", "C1", "2026-05-02T15:00:00Z", 30);
    const none = world.visit("P9", "C1", "2026-04-14T15:00:00Z", 30);
    world.verify();
    expect(world.codes(world.visitOf(outside.begin))).toEqual(["OUTSIDE_AUTHORIZATION_PERIOD"]);
    expect(world.codes(world.visitOf(none.begin))).toEqual(["NO_AUTHORIZATION"]);
  });

  it("flags a task outside the catalog and a visit without tasks", () => {
    world = simpleWorld();
    const odd = world.visit("P1", "C1", "2026-04-14T15:00:00Z", 30, ["juggling"]);
    const bare = world.visit("P1", "C1", "2026-04-15T15:00:00Z", 30, []);
    world.verify();
    expect(world.codes(world.visitOf(odd.begin))).toContain("UNKNOWN_TASK");
    expect(world.codes(world.visitOf(bare.begin))).toContain("NO_TASKS_RECORDED");
  });
});

/** A well-formed code (valid check digit) for the device's step with MAC digits that are not the device's. */
function forgedCode(world: VisitWorld, deviceMs: number, variant = 0): string {
  const real = world.typed("P1", "C1", "check-in", deviceMs, deviceMs).typedCode!;
  world.readings.pop();
  const mac = (Number(real.slice(5, 11)) + 1 + variant) % 1_000_000;
  const body = real.slice(0, 5) + String(mac).padStart(6, "0");
  for (let d = 0; d < 10; d++) {
    const candidate = body + d;
    if (isDammValid(candidate)) return candidate;
  }
  throw new Error("no check digit");
}

const DAMM = ["0317598642", "7092154863", "4206871359", "1750983426", "6123045978", "3674209581", "5869720134", "8945362017", "9438617205", "2581436790"];
function isDammValid(code: string): boolean {
  let interim = 0;
  for (const c of code) interim = Number(DAMM[interim][Number(c)]);
  return interim === 0;
}
