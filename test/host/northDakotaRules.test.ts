// Every North Dakota rule of DESIGN.md section 9, at its boundaries, through the real verifier:
// readings are challenge answers made with derived device keys, imported, verified and read back.
import { afterEach, describe, expect, it } from "vitest";
import { VisitWorld, simpleWorld } from "./fixtures/visitWorld.js";

let world: VisitWorld;
afterEach(() => world?.close());

const FULL_UNITS = { adl: 5000, medicationAssistance: 5000, other: 5000, mealPreparation: 5000, laundryShoppingHousekeeping: 5000 };

describe("T1019 unit rate: units from the day's total minutes", () => {
  it.each([
    [7, 0, "verified-with-flags", "UNDER_8_MINUTES"],
    [8, 1, "verified", null],
    [22, 1, "verified", null],
    [23, 2, "verified", null],
    [113, 8, "verified", null],
    [114, 8, "verified", null],
  ])("a %i-minute visit bills %i units (%s)", (minutes, units, status, code) => {
    world = simpleWorld();
    const { begin } = world.visit("P1", "C1", "2026-04-14T15:00:00Z", minutes);
    world.verify();
    const v = world.visitOf(begin);
    expect(v.units).toBe(units);
    expect(v.status).toBe(status);
    if (code) expect(world.codes(v)).toContain(code);
  });

  it("adds the day's visits before rounding: 5 + 5 minutes make one unit though each alone makes none", () => {
    world = simpleWorld();
    world.visit("P1", "C1", "2026-04-14T14:00:00Z", 5);
    world.visit("P1", "C1", "2026-04-14T18:00:00Z", 5);
    const summary = world.verify();
    expect(summary.units).toBe(1);
  });
});

describe("T1020 daily rate", () => {
  const daily = { procedureCode: "T1020" as const, serviceProgram: "FPC" as const, units: undefined, liveIn: true };

  it.each([
    [59, 0, "DAILY_RATE_UNDER_ONE_HOUR"],
    [60, 1, null],
    [300, 1, null],
  ])("%i minutes of care bill %i daily unit(s)", (minutes, units, code) => {
    world = simpleWorld("America/Chicago", daily);
    const { begin } = world.visit("P1", "C1", "2026-04-14T15:00:00Z", minutes);
    world.verify();
    const v = world.visitOf(begin);
    expect(v.units).toBe(units);
    if (code) expect(world.codes(v)).toContain(code);
  });

  it("bills one unit per client per day however many visits there are", () => {
    world = simpleWorld("America/Chicago", daily);
    world.visit("P1", "C1", "2026-04-14T14:00:00Z", 60);
    world.visit("P1", "C1", "2026-04-14T18:00:00Z", 60);
    expect(world.verify().units).toBe(1);
  });

  it.each([
    ["2026-03-01", 1, null, "the day before the hospital stay"],
    ["2026-03-02", 0, "DAILY_RATE_ABSENT_DAY", "the first day in hospital"],
    ["2026-03-04", 0, "DAILY_RATE_ABSENT_DAY", "a day in hospital"],
    ["2026-03-05", 1, null, "the day of return"],
  ])("with a hospital stay 2026-03-02 to return 2026-03-05, care on %s bills %i (%s, %s)", (date, units, code, _why) => {
    world = new VisitWorld();
    world.addClient("C1", "America/Chicago", { absences: [{ kind: "hospital", from: "2026-03-02", returned: "2026-03-05" }] });
    world.addProvider("P1");
    world.addAuthorization({ authorizationId: "A1", clientNdNumber: "C1", providerNumber: "P1", ...daily });
    const { begin } = world.visit("P1", "C1", `${date}T15:00:00Z`, 90);
    world.verify();
    const v = world.visitOf(begin);
    expect(v.units).toBe(units);
    if (code) expect(world.codes(v)).toContain(code);
  });

  it("allows the day of death, even during a facility stay, and refuses care after it", () => {
    world = new VisitWorld();
    world.addClient("C1", "America/Chicago", { absences: [{ kind: "facility", from: "2026-03-02" }], dateOfDeath: "2026-03-04" });
    world.addProvider("P1");
    world.addAuthorization({ authorizationId: "A1", clientNdNumber: "C1", providerNumber: "P1", ...daily });
    const onDeath = world.visit("P1", "C1", "2026-03-04T15:00:00Z", 90);
    const after = world.visit("P1", "C1", "2026-03-05T15:00:00Z", 90);
    world.verify();
    expect(world.visitOf(onDeath.begin).units).toBe(1);
    expect(world.visitOf(after.begin).status).toBe("rejected");
    expect(world.codes(world.visitOf(after.begin))).toContain("SERVICE_AFTER_DEATH");
  });

  it.each([
    // 20:00 CST on 2026-03-01 to 03:00 CST on 2026-03-02: the day before the stay is paid, its first day refused.
    ["2026-03-02T02:00:00Z", "verified-with-flags", 1, ["DAY_REFUSED"]],
    // 20:00 CST on 2026-03-02 to 03:00 CST on 2026-03-03: both days in hospital.
    ["2026-03-03T02:00:00Z", "rejected", 0, ["DAILY_RATE_ABSENT_DAY", "DAILY_RATE_ABSENT_DAY"]],
  ])("a daily-rate visit across midnight from %s, with a hospital stay from 2026-03-02, is %s with %i units", (beginIso, status, units, codes) => {
    world = new VisitWorld();
    world.addClient("C1", "America/Chicago", { absences: [{ kind: "hospital", from: "2026-03-02", returned: "2026-03-05" }] });
    world.addProvider("P1");
    world.addAuthorization({ authorizationId: "A1", clientNdNumber: "C1", providerNumber: "P1", ...daily });
    const { begin } = world.visit("P1", "C1", beginIso, 420);
    world.verify();
    const v = world.visitOf(begin);
    expect(v.status).toBe(status);
    expect(v.units).toBe(units);
    expect(world.codes(v)).toEqual(codes);
  });

  it("refuses a second provider's daily-rate unit for the same client and date", () => {
    world = simpleWorld("America/Chicago", { ...daily, liveIn: false });
    world.addProvider("P2");
    world.addAuthorization({ authorizationId: "A2", clientNdNumber: "C1", providerNumber: "P2", ...daily, liveIn: false });
    const first = world.visit("P1", "C1", "2026-04-14T14:00:00Z", 90);
    const second = world.visit("P2", "C1", "2026-04-14T18:00:00Z", 90);
    world.verify();
    expect(world.visitOf(first.begin).units).toBe(1);
    expect(world.visitOf(second.begin).units).toBe(0);
    expect(world.codes(world.visitOf(second.begin))).toContain("DAILY_RATE_ALREADY_BILLED");
  });
});

describe("12-hour daily cap for unit-rate care, per provider across clients", () => {
  it.each([
    [360, 360, false, 24, null],
    [360, 361, false, 24, "CAP_12_HOURS"],
    [360, 420, false, 24, "CAP_12_HOURS"],
    [360, 420, true, 28, null],
  ])("%i min at one client then %i min at another (prior approval %s): the second bills %i units", (firstMinutes, secondMinutes, approved, secondUnits, code) => {
    world = new VisitWorld();
    world.addClient("C1");
    world.addClient("C2");
    world.addProvider("P1");
    world.addAuthorization({ authorizationId: "A1", clientNdNumber: "C1", providerNumber: "P1", priorApprovalOver12Hours: approved });
    world.addAuthorization({ authorizationId: "A2", clientNdNumber: "C2", providerNumber: "P1", priorApprovalOver12Hours: approved });
    const a = world.visit("P1", "C1", "2026-04-14T11:00:00Z", firstMinutes);
    const b = world.visit("P1", "C2", "2026-04-14T17:30:00Z", secondMinutes);
    world.verify();
    expect(world.visitOf(a.begin).units).toBe(24);
    const second = world.visitOf(b.begin);
    expect(second.units).toBe(secondUnits);
    if (code) expect(world.codes(second)).toContain(code);
    else expect(world.codes(second)).not.toContain("CAP_12_HOURS");
  });
});

describe("10-hour daily cap: FHC, FPC, SPED-PC daily and live-in family members", () => {
  it.each([
    [600, 40, null],
    [601, 40, "CAP_10_HOURS"],
  ])("a live-in family member on unit rate: %i minutes pay %i units", (minutes, units, code) => {
    world = new VisitWorld();
    world.addClient("C1");
    world.addProvider("P1", { livesWith: [{ clientNdNumber: "C1", relation: "family" }] });
    world.addAuthorization({ authorizationId: "A1", clientNdNumber: "C1", providerNumber: "P1", serviceProgram: "WPC", liveIn: true, priorApprovalOver12Hours: true });
    const { begin } = world.visit("P1", "C1", "2026-04-14T12:00:00Z", minutes);
    world.verify();
    const v = world.visitOf(begin);
    expect(v.units).toBe(units);
    expect(v.days[0].paid_minutes).toBe(Math.min(minutes, 600));
    if (code) expect(world.codes(v)).toContain(code);
    else expect(world.codes(v)).not.toContain("CAP_10_HOURS");
  });

  it("a hired live-in caregiver (no close relation) on unit rate is held to 12 hours, not 10", () => {
    world = new VisitWorld();
    world.addClient("C1");
    world.addProvider("P1", { livesWith: [{ clientNdNumber: "C1", relation: "hired" }] });
    world.addAuthorization({ authorizationId: "A1", clientNdNumber: "C1", providerNumber: "P1", serviceProgram: "WPC", liveIn: false });
    const { begin } = world.visit("P1", "C1", "2026-04-14T11:00:00Z", 660);
    world.verify();
    expect(world.visitOf(begin).days[0].paid_minutes).toBe(660);
  });

  it.each([["FHC"], ["FPC"], ["SPED-PC-daily"]] as const)("%s: the hours past 10 in a day are flagged as not reimbursable, the daily unit stays", (program) => {
    world = simpleWorld("America/Chicago", { procedureCode: "T1020", serviceProgram: program, units: undefined });
    const { begin } = world.visit("P1", "C1", "2026-04-14T12:00:00Z", 601);
    world.verify();
    const v = world.visitOf(begin);
    expect(v.units).toBe(1);
    expect(v.days[0].paid_minutes).toBe(600);
    expect(world.codes(v)).toContain("CAP_10_HOURS");
  });

  it("a live-in provider's 10 hours are split across recipients: equal shares without a service agreement", () => {
    world = new VisitWorld();
    world.addClient("C1");
    world.addClient("C2");
    world.addProvider("P1", { livesWith: [{ clientNdNumber: "C1", relation: "family" }, { clientNdNumber: "C2", relation: "family" }] });
    world.addAuthorization({ authorizationId: "A1", clientNdNumber: "C1", providerNumber: "P1", serviceProgram: "WPC", liveIn: true });
    world.addAuthorization({ authorizationId: "A2", clientNdNumber: "C2", providerNumber: "P1", serviceProgram: "WPC", liveIn: true });
    const a = world.visit("P1", "C1", "2026-04-14T12:00:00Z", 300);
    const b = world.visit("P1", "C2", "2026-04-14T18:00:00Z", 301);
    world.verify();
    expect(world.visitOf(a.begin).days[0].paid_minutes).toBe(300);
    expect(world.codes(world.visitOf(a.begin))).not.toContain("LIVE_IN_SPLIT");
    expect(world.visitOf(b.begin).days[0].paid_minutes).toBe(300);
    expect(world.codes(world.visitOf(b.begin))).toContain("LIVE_IN_SPLIT");
  });

  it("a hired live-in caregiver (no close relation) serving two recipients is not held to a split 10 hours", () => {
    world = new VisitWorld();
    world.addClient("C1");
    world.addClient("C2");
    world.addProvider("P1", { livesWith: [{ clientNdNumber: "C1", relation: "hired" }, { clientNdNumber: "C2", relation: "hired" }] });
    world.addAuthorization({ authorizationId: "A1", clientNdNumber: "C1", providerNumber: "P1", serviceProgram: "WPC", liveIn: true });
    world.addAuthorization({ authorizationId: "A2", clientNdNumber: "C2", providerNumber: "P1", serviceProgram: "WPC", liveIn: true });
    const a = world.visit("P1", "C1", "2026-04-14T12:00:00Z", 330);
    const b = world.visit("P1", "C2", "2026-04-14T18:00:00Z", 330);
    world.verify();
    expect(world.visitOf(a.begin).days[0].paid_minutes).toBe(330);
    expect(world.visitOf(b.begin).days[0].paid_minutes).toBe(330);
  });

  it("a live-in provider's split follows the service agreements' hours (7 and 3)", () => {
    world = new VisitWorld();
    world.addClient("C1");
    world.addClient("C2");
    world.addProvider("P1", { livesWith: [{ clientNdNumber: "C1", relation: "family" }, { clientNdNumber: "C2", relation: "family" }] });
    world.addAuthorization({ authorizationId: "A1", clientNdNumber: "C1", providerNumber: "P1", serviceProgram: "WPC", liveIn: true, serviceAgreementHoursPerDay: 7 });
    world.addAuthorization({ authorizationId: "A2", clientNdNumber: "C2", providerNumber: "P1", serviceProgram: "WPC", liveIn: true, serviceAgreementHoursPerDay: 3 });
    const a = world.visit("P1", "C1", "2026-04-14T12:00:00Z", 420);
    const b = world.visit("P1", "C2", "2026-04-14T20:00:00Z", 200);
    world.verify();
    expect(world.visitOf(a.begin).days[0].paid_minutes).toBe(420);
    expect(world.visitOf(b.begin).days[0].paid_minutes).toBe(180);
    expect(world.codes(world.visitOf(b.begin))).toContain("LIVE_IN_SPLIT");
  });
});

describe("two live-in providers of one client", () => {
  const liveInDaily = { procedureCode: "T1020" as const, serviceProgram: "FPC" as const, units: undefined, liveIn: true };
  it.each([
    ["2026-04-14", "rejected", 0],
    ["2026-04-15", "verified", 1],
  ])("the second provider caring on %s (the first cared on 2026-04-14) is %s", (date, status, units) => {
    world = new VisitWorld();
    world.addClient("C1");
    world.addProvider("P1", { livesWith: [{ clientNdNumber: "C1", relation: "family" }] });
    world.addProvider("P2", { livesWith: [{ clientNdNumber: "C1", relation: "family" }] });
    world.addAuthorization({ authorizationId: "A1", clientNdNumber: "C1", providerNumber: "P1", ...liveInDaily });
    world.addAuthorization({ authorizationId: "A2", clientNdNumber: "C1", providerNumber: "P2", ...liveInDaily });
    const first = world.visit("P1", "C1", "2026-04-14T13:00:00Z", 120);
    const second = world.visit("P2", "C1", `${date}T18:00:00Z`, 120);
    world.verify();
    expect(world.visitOf(first.begin).status).toBe("verified");
    const v = world.visitOf(second.begin);
    expect(v.status).toBe(status);
    expect(v.units).toBe(units);
    if (status === "rejected") expect(world.codes(v)).toContain("LIVE_IN_SAME_DATE");
  });

  it("refuses only the shared date of the second provider's visit across midnight, and pays its other date", () => {
    world = new VisitWorld();
    world.addClient("C1");
    world.addProvider("P1", { livesWith: [{ clientNdNumber: "C1", relation: "family" }] });
    world.addProvider("P2", { livesWith: [{ clientNdNumber: "C1", relation: "family" }] });
    world.addAuthorization({ authorizationId: "A1", clientNdNumber: "C1", providerNumber: "P1", ...liveInDaily });
    world.addAuthorization({ authorizationId: "A2", clientNdNumber: "C1", providerNumber: "P2", ...liveInDaily });
    // P1 on 2026-04-14 from 08:00 CDT (first that date); P2 from 20:00 CDT on 2026-04-14 to 03:00 CDT on 2026-04-15.
    const first = world.visit("P1", "C1", "2026-04-14T13:00:00Z", 120);
    const second = world.visit("P2", "C1", "2026-04-15T01:00:00Z", 420);
    world.verify();
    expect(world.visitOf(first.begin).status).toBe("verified");
    const v = world.visitOf(second.begin);
    expect(v.status).toBe("verified-with-flags");
    expect(v.days.map((d) => [d.local_date, d.paid_minutes, d.units])).toEqual([
      ["2026-04-14", 0, 0],
      ["2026-04-15", 180, 1],
    ]);
    expect(world.codes(v)).toEqual(["DAY_REFUSED"]);
  });
});

describe("more than 80 hours in a week flags the provider for audit", () => {
  it.each([
    [[960, 960, 960, 960, 960], false],
    [[960, 960, 960, 960, 961], true],
  ])("daily minutes %j (Monday to Friday) flag: %s", (dayMinutes, flagged) => {
    world = simpleWorld("America/Chicago", { priorApprovalOver12Hours: true });
    // 2026-04-13 is a Monday; 06:00 CDT = 11:00Z.
    dayMinutes.forEach((m, i) => world.visit("P1", "C1", `2026-04-${13 + i}T11:00:00Z`, m));
    const summary = world.verify();
    const visits = world.visits();
    for (const v of visits) expect(world.codes(v).includes("WEEK_OVER_80_HOURS")).toBe(flagged);
    expect(summary.auditWeeks.length).toBe(flagged ? 1 : 0);
  });
});

describe("units stay within the authorization", () => {
  it.each([
    ["meal preparation may not exceed its category", { ...FULL_UNITS, mealPreparation: 2 }, ["meal-preparation"], 38, 2, "UNITS_OVER_CATEGORY"],
    ["laundry/shopping/housekeeping may not exceed its category", { ...FULL_UNITS, laundryShoppingHousekeeping: 1 }, ["laundry"], 38, 1, "UNITS_OVER_CATEGORY"],
    ["ADL may flex beyond its own units within the total", { adl: 1, medicationAssistance: 5, other: 0, mealPreparation: 0, laundryShoppingHousekeeping: 0 }, ["bathing"], 38, 3, null],
    ["ADL may not go beyond the total", { adl: 1, medicationAssistance: 1, other: 0, mealPreparation: 0, laundryShoppingHousekeeping: 0 }, ["bathing"], 38, 2, "UNITS_OVER_AUTHORIZATION"],
  ])("%s", (_name, units, tasks, minutes, billed, code) => {
    world = simpleWorld("America/Chicago", { units });
    const { begin } = world.visit("P1", "C1", "2026-04-14T15:00:00Z", minutes, tasks);
    world.verify();
    const v = world.visitOf(begin);
    expect(v.units).toBe(billed);
    if (code) expect(world.codes(v)).toContain(code);
    else expect(v.status).toBe("verified");
  });

  it("counts the category across days of the period", () => {
    world = simpleWorld("America/Chicago", { units: { ...FULL_UNITS, mealPreparation: 3 } });
    const d1 = world.visit("P1", "C1", "2026-04-14T15:00:00Z", 23, ["meals"]);
    const d2 = world.visit("P1", "C1", "2026-04-15T15:00:00Z", 23, ["meals"]);
    world.verify();
    expect(world.visitOf(d1.begin).units).toBe(2);
    expect(world.visitOf(d2.begin).units).toBe(1);
    expect(world.codes(world.visitOf(d2.begin))).toContain("UNITS_OVER_CATEGORY");
  });
});

describe("dates in the service location's time zone", () => {
  it("splits a visit across local midnight into two days, each rounded on its own", () => {
    world = simpleWorld("America/Chicago");
    // 23:30 CDT on 2026-04-14 to 00:40 CDT on 2026-04-15.
    const { begin } = world.visit("P1", "C1", "2026-04-15T04:30:00Z", 70);
    world.verify();
    const v = world.visitOf(begin);
    expect(v.days.map((d) => [d.local_date, d.minutes, d.units])).toEqual([
      ["2026-04-14", 30, 2],
      ["2026-04-15", 40, 3],
    ]);
    expect(v.units).toBe(5);
  });

  const pastAuthorizationEnd = () => simpleWorld("America/Chicago", { period: { from: "2026-04-01", to: "2026-04-14" } });
  const diedOn14th = () => {
    const w = new VisitWorld();
    w.addClient("C1", "America/Chicago", { dateOfDeath: "2026-04-14" });
    w.addProvider("P1");
    w.addAuthorization({ authorizationId: "A1", clientNdNumber: "C1", providerNumber: "P1" });
    return w;
  };
  it.each([
    // 23:00 CDT on 2026-04-14 (the authorization's last day) to 01:00 CDT on 2026-04-15.
    ["the authorization's last midnight", pastAuthorizationEnd, "2026-04-15T04:00:00Z", 120, "DAY_OUTSIDE_AUTHORIZATION_PERIOD", [["2026-04-14", 60, 60, 4], ["2026-04-15", 60, 0, 0]]],
    // 23:30 CDT on 2026-04-14 (the day of death) to 00:30 CDT on 2026-04-15.
    ["the midnight after the day of death", diedOn14th, "2026-04-15T04:30:00Z", 60, "DAY_AFTER_DEATH", [["2026-04-14", 30, 30, 2], ["2026-04-15", 30, 0, 0]]],
  ] as const)("pays the first day of a visit that runs past %s, and not the day after", (_, makeWorld, beginIso, minutes, code, days) => {
    world = makeWorld();
    const { begin } = world.visit("P1", "C1", beginIso, minutes);
    world.verify();
    const v = world.visitOf(begin);
    expect(v.status).toBe("verified-with-flags");
    expect(world.codes(v)).toEqual([code]);
    expect(v.days.map((d) => [d.local_date, d.minutes, d.paid_minutes, d.units])).toEqual(days);
  });

  it("puts a Mountain-time visit on its Mountain date (23:30 MDT is already the next day in Chicago)", () => {
    world = simpleWorld("America/Denver");
    const { begin } = world.visit("P1", "C1", "2026-04-15T05:30:00Z", 20);
    world.verify();
    expect(world.visitOf(begin).days.map((d) => d.local_date)).toEqual(["2026-04-14"]);
  });

  it("counts real elapsed minutes across the spring-forward change (01:30 CST to 03:30 CDT is 60 minutes)", () => {
    world = simpleWorld("America/Chicago");
    const { begin } = world.visit("P1", "C1", "2026-03-08T07:30:00Z", 60);
    world.verify();
    const v = world.visitOf(begin);
    expect(v.days).toEqual([{ local_date: "2026-03-08", minutes: 60, paid_minutes: 60, units: 4 }]);
  });

  it("counts real elapsed minutes across the fall-back change (00:30 CDT to 02:30 CST is 180 minutes)", () => {
    world = simpleWorld("America/Chicago");
    const { begin } = world.visit("P1", "C1", "2026-11-01T05:30:00Z", 180);
    world.verify();
    const v = world.visitOf(begin);
    expect(v.days).toEqual([{ local_date: "2026-11-01", minutes: 180, paid_minutes: 180, units: 12 }]);
  });
});
