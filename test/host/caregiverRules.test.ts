// Caregivers, authorizations as HHS writes them and client stays (issue 10), at their
// boundaries, through the real verifier: challenge readings made with derived device keys,
// imported, verified and read back from the database.
import { afterEach, describe, expect, it } from "vitest";
import { VisitWorld } from "./fixtures/visitWorld.js";
import { importClients, importStays } from "../../host/storage/importers.js";
import { client as clientSchema, clientStay } from "../../host/domain/client.js";
import { buildReading } from "../../host/reader/readingRecord.js";
import { reading } from "../../host/capture/reading.js";

let world: VisitWorld;
afterEach(() => world?.close());

const BIG = 5000;

/** An agency A1 with caregivers E1 and E2, clients C1 and C2, both authorized for the agency. */
function agencyWorld(auth: Record<string, unknown> = {}): VisitWorld {
  const w = new VisitWorld();
  w.addClient("C1");
  w.addClient("C2");
  w.addProvider("A1", { kind: "agency" });
  w.addCaregiver("A1", "E1");
  w.addCaregiver("A1", "E2");
  w.addAuthorization({ authorizationId: "AU1", clientNdNumber: "C1", providerNumber: "A1", ...auth });
  w.addAuthorization({ authorizationId: "AU2", clientNdNumber: "C2", providerNumber: "A1", ...auth });
  return w;
}

describe("the 12-hour day is per individual caregiver, across the clients that person serves", () => {
  // 08:00-16:00 CDT at C1, then from 16:00 CDT at C2 (2026-04-14, Chicago is UTC-5).
  it.each([
    ["two caregivers of one agency, 8 h each at two clients", "E1", "E2", 480, null, 32],
    ["one caregiver, 8 h + 4 h at two clients: exactly 12 h", "E1", "E1", 240, null, 16],
    ["one caregiver, 8 h + 4 h 1 min at two clients: one minute over", "E1", "E1", 241, "CAP_12_HOURS", 16],
    ["two caregivers, 8 h + 4 h 1 min: each under 12 h", "E1", "E2", 241, null, 16],
  ])("%s", (_what, first, second, minutes, code, secondUnits) => {
    world = agencyWorld();
    const a = world.visit("A1", "C1", "2026-04-14T13:00:00Z", 480, ["bathing"], first);
    const b = world.visit("A1", "C2", "2026-04-14T21:00:00Z", minutes, ["bathing"], second);
    world.verify();
    const va = world.visitOf(a.begin);
    const vb = world.visitOf(b.begin);
    expect(va.caregiver_id).toBe(first);
    expect(vb.caregiver_id).toBe(second);
    expect(world.codes(va)).toEqual([]);
    expect(va.units).toBe(32);
    if (code) expect(world.codes(vb)).toContain(code);
    else expect(world.codes(vb)).toEqual([]);
    expect(vb.units).toBe(secondUnits);
  });

  it("pays beyond 12 hours under prior approval, flagged for the auditor", () => {
    world = agencyWorld({ priorApprovalOver12Hours: true });
    world.visit("A1", "C1", "2026-04-14T13:00:00Z", 480, ["bathing"], "E1");
    const b = world.visit("A1", "C2", "2026-04-14T21:00:00Z", 300, ["bathing"], "E1");
    world.verify();
    const vb = world.visitOf(b.begin);
    expect(world.codes(vb)).toEqual(["PRIOR_APPROVED_OVER_12_HOURS"]);
    expect(vb.units).toBe(20);
  });

  it("does not let two caregivers of one agency at two clients at once overlap, but one caregiver at two clients at once does", () => {
    world = agencyWorld();
    const a = world.visit("A1", "C1", "2026-04-14T13:00:00Z", 60, ["bathing"], "E1");
    const b = world.visit("A1", "C2", "2026-04-14T13:30:00Z", 60, ["bathing"], "E2");
    const c = world.visit("A1", "C2", "2026-04-15T13:30:00Z", 60, ["bathing"], "E1");
    const d = world.visit("A1", "C1", "2026-04-15T13:00:00Z", 60, ["bathing"], "E1");
    world.verify();
    expect(world.codes(world.visitOf(a.begin))).toEqual([]);
    expect(world.codes(world.visitOf(b.begin))).toEqual([]);
    expect(world.codes(world.visitOf(c.begin))).toContain("CAREGIVER_OVERLAP");
    expect(world.codes(world.visitOf(d.begin))).toContain("CAREGIVER_OVERLAP");
  });
});

describe("readings must name the caregiver", () => {
  it("carries the caregiver from the reader into the reading, and refuses a malformed caregiver ID", () => {
    const r = buildReading({ readerId: "r1", providerNumber: "A1", caregiverId: "E1", clientNdNumber: "C1", event: "check-in" }, { method: "typed", transport: "keyboard", typedCode: "123456789012" });
    expect(r.caregiverId).toBe("E1");
    expect(reading.safeParse({ ...r, caregiverId: "E 1" }).error?.issues[0].path).toEqual(["caregiverId"]);
  });

  it("sends an agency's visit without a caregiver to review, unpaid, and one with an unknown caregiver to review", () => {
    world = agencyWorld();
    const unnamed = world.visit("A1", "C1", "2026-04-14T13:00:00Z", 60);
    const unknown = world.visit("A1", "C2", "2026-04-14T13:00:00Z", 60, ["bathing"], "E9");
    world.verify();
    const vu = world.visitOf(unnamed.begin);
    expect(vu.status).toBe("needs-review");
    expect(world.codes(vu)).toEqual(["CAREGIVER_NOT_NAMED"]);
    expect(vu.units).toBe(0);
    expect(vu.caregiver_id).toBeNull();
    expect(world.codes(world.visitOf(unknown.begin))).toEqual(["UNKNOWN_CAREGIVER"]);
  });

  it("takes an individual QSP as its own caregiver, named or not", () => {
    world = new VisitWorld();
    world.addClient("C1");
    world.addProvider("P1");
    world.addAuthorization({ authorizationId: "AU1", clientNdNumber: "C1", providerNumber: "P1" });
    const unnamed = world.visit("P1", "C1", "2026-04-14T13:00:00Z", 60);
    const named = world.visit("P1", "C1", "2026-04-15T13:00:00Z", 60, ["bathing"], "P1");
    world.verify();
    for (const r of [unnamed, named]) {
      expect(world.visitOf(r.begin).status).toBe("verified");
      expect(world.visitOf(r.begin).caregiver_id).toBe("P1");
    }
  });

  it("pairs each caregiver's check-in with that caregiver's check-out", () => {
    world = agencyWorld();
    const e1In = world.challenge("A1", "C1", "check-in", Date.parse("2026-04-14T13:00:00Z"), { caregiverId: "E1" });
    world.challenge("A1", "C1", "check-in", Date.parse("2026-04-14T13:10:00Z"), { caregiverId: "E2" });
    world.challenge("A1", "C1", "check-out", Date.parse("2026-04-14T14:00:00Z"), { caregiverId: "E1", tasks: ["bathing"] });
    world.challenge("A1", "C1", "check-out", Date.parse("2026-04-14T15:10:00Z"), { caregiverId: "E2", tasks: ["bathing"] });
    world.verify();
    const v = world.visitOf(e1In);
    expect(v.end_ms! - v.begin_ms!).toBe(60 * 60_000);
    const all = world.visits();
    expect(all.map((x) => [x.caregiver_id, (x.end_ms! - x.begin_ms!) / 60_000])).toEqual([
      ["E1", 60],
      ["E2", 120],
    ]);
    // Two caregivers with the client at once: review, as before for two providers.
    for (const x of all) expect(world.codes(x)).toEqual(["CLIENT_OVERLAP"]);
  });
});

describe("more than 80 hours in a week flags the individual caregiver, across clients", () => {
  // Monday 2026-04-13 to Sunday 2026-04-19: six days of 6 h at C1 and 6 h at C2 (72 h), then Sunday.
  it.each([
    ["E1 every day, Sunday 8 h: exactly 80 h", "E1", 480, true, false],
    ["E1 every day, Sunday 8 h 1 min", "E1", 481, true, true],
    ["E1 at C1 and E2 at C2 (agency 80 h 1 min, each person about 40 h)", "E2", 481, false, false],
  ])("%s", (_what, secondCaregiver, sundayMinutes, sameOnSunday, flagged) => {
    world = agencyWorld();
    for (let d = 13; d <= 18; d++) {
      world.visit("A1", "C1", `2026-04-${d}T11:00:00Z`, 360, ["bathing"], "E1");
      world.visit("A1", "C2", `2026-04-${d}T17:00:00Z`, 360, ["bathing"], secondCaregiver);
    }
    world.visit("A1", sameOnSunday ? "C1" : "C2", "2026-04-19T13:00:00Z", sundayMinutes, ["bathing"], sameOnSunday ? "E1" : secondCaregiver);
    const summary = world.verify();
    const e1 = world.visits().filter((v) => v.caregiver_id === "E1");
    for (const v of e1) expect(world.codes(v).includes("WEEK_OVER_80_HOURS")).toBe(flagged);
    expect(summary.auditWeeks).toEqual(flagged ? [{ providerNumber: "A1", caregiverId: "E1", weekOf: "2026-04-13", minutes: 80 * 60 + 1 }] : []);
  });
});

describe("authorized units per week and per month", () => {
  const units = { adl: BIG, medicationAssistance: BIG, other: BIG, mealPreparation: 4, laundryShoppingHousekeeping: BIG };
  // 60 min of meal preparation = 4 units; 15 min = 1 unit.
  it.each([
    ["week", "2026-04-14", "2026-04-15", 0, "UNITS_OVER_CATEGORY", "a second day in the same week"],
    ["week", "2026-04-14", "2026-04-20", 1, null, "the next Monday"],
    ["week", "2026-04-19", "2026-04-20", 1, null, "Sunday then Monday"],
    ["month", "2026-04-01", "2026-04-30", 0, "UNITS_OVER_CATEGORY", "the same month"],
    ["month", "2026-04-30", "2026-05-01", 1, null, "the first of the next month"],
    ["period", "2026-04-14", "2026-05-20", 0, "UNITS_OVER_CATEGORY", "the same period"],
  ])("4 meal-preparation units per %s: 4 on %s, then 1 more on %s pays %i (%s, %s)", (per, first, second, paid, code, _why) => {
    world = agencyWorld({ units, unitsPer: per });
    world.visit("A1", "C1", `${first}T15:00:00Z`, 60, ["meal-preparation"], "E1");
    const b = world.visit("A1", "C1", `${second}T15:00:00Z`, 15, ["meal-preparation"], "E1");
    world.verify();
    const v = world.visitOf(b.begin);
    expect(v.units).toBe(paid);
    if (code) expect(world.codes(v)).toContain(code);
    else expect(world.codes(v)).toEqual([]);
  });
});

describe("live-in family member on the WPC unit rate", () => {
  it.each([
    [false, "needs-review", ["LIVE_IN_WPC_NO_PRIOR_APPROVAL"]],
    [true, "verified", []],
  ])("with prior approval %s is %s", (approved, status, codes) => {
    world = new VisitWorld();
    world.addClient("C1");
    world.addProvider("P1", { livesWith: [{ clientNdNumber: "C1", relation: "family" }] });
    world.addAuthorization({ authorizationId: "AU1", clientNdNumber: "C1", providerNumber: "P1", serviceProgram: "WPC", liveIn: true, priorApprovalLiveInWpc: approved });
    const { begin } = world.visit("P1", "C1", "2026-04-14T15:00:00Z", 120);
    world.verify();
    expect(world.visitOf(begin).status).toBe(status);
    expect(world.codes(world.visitOf(begin))).toEqual(codes);
  });
});

describe("client stays are kept across re-imports unless replaced on purpose", () => {
  const base = { ndNumber: "C1", name: "Client C1", serviceLocation: { locationId: "loc-C1", address: "1 C1 St, Bismarck, ND 58501", timeZone: "America/Chicago" } };
  const stays = (w: VisitWorld) => w.db.prepare("SELECT kind, from_date, returned_date FROM client_absences ORDER BY from_date").all();

  it.each([
    ["a record without stays keeps them", undefined, 1, []],
    ["a record with stays replaces them and says so", [{ kind: "leave", from: "2026-05-01" }], 1, ["C1: 1 stay(s) replaced by the 1 in the file"]],
    ["a record with an empty list removes them and says so", [], 0, ["C1: 1 stay(s) replaced by the 0 in the file"]],
  ])("%s", (_what, absences, kept, replaced) => {
    world = new VisitWorld();
    world.addClient("C1", "America/Chicago", { absences: [{ kind: "hospital", from: "2026-03-02", returned: "2026-03-05" }] });
    const result = importClients(world.db, "again.json", "0", [clientSchema.parse({ ...base, ...(absences !== undefined ? { absences } : {}) })]);
    expect(stays(world)).toHaveLength(kept);
    expect(result.replaced).toEqual(replaced);
    if (absences === undefined) expect(stays(world)).toEqual([{ kind: "hospital", from_date: "2026-03-02", returned_date: "2026-03-05" }]);
  });

  it("adds stays from a stays file, skips one already stored, and replaces a client's stays only with replace", () => {
    world = new VisitWorld();
    world.addClient("C1", "America/Chicago", { absences: [{ kind: "hospital", from: "2026-03-02", returned: "2026-03-05" }] });
    const file = [clientStay.parse({ clientNdNumber: "C1", kind: "hospital", from: "2026-03-02", returned: "2026-03-05" }), clientStay.parse({ clientNdNumber: "C1", kind: "leave", from: "2026-06-01" })];
    const added = importStays(world.db, "stays.json", "0", file, false);
    expect([added.inserted, added.duplicates, added.replaced]).toEqual([1, 1, []]);
    expect(stays(world)).toHaveLength(2);
    const replaced = importStays(world.db, "stays.json", "0", [file[1]], true);
    expect(replaced.replaced).toEqual(["C1: 2 stay(s) replaced by the 1 in the file"]);
    expect(stays(world)).toEqual([{ kind: "leave", from_date: "2026-06-01", returned_date: null }]);
    // A re-import of the client afterwards keeps the stay.
    importClients(world.db, "again.json", "0", [clientSchema.parse(base)]);
    expect(stays(world)).toHaveLength(1);
  });
});
