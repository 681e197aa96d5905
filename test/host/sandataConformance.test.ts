// Conformance of the Sandata Alternate-EVV export with the reference's field rules
// (../shared/aggregators/sandata-alt-evv.md): every exported record is checked field by field
// (required, no unknown fields, lengths, formats, allowed values) and across fields (calls,
// adjusted times, change records), and across records and exports (SequenceID strictly rising,
// employees and clients before the visits that use them, batches of at most the batch size).
import { afterEach, describe, expect, it } from "vitest";
import { VisitWorld } from "./fixtures/visitWorld.js";
import { exportSandata, type SandataExport } from "../../host/export/sandataExport.js";
import { sandataSettings } from "../../host/export/sandataSettings.js";
import { checkSandataRecord, SANDATA_DATETIME } from "../../host/export/sandataFieldRules.js";
import { recordManualVisit } from "../../host/storage/manualVisits.js";
import { manualVisitEntry } from "../../host/domain/manualVisit.js";

let world: VisitWorld;
afterEach(() => world?.close());

/** Everything sent so far, as Sandata would hold it. */
class SandataIntake {
  lastSequence = 0;
  readonly employees = new Set<string>();
  readonly clients = new Set<string>();
  readonly visitsSeen = new Set<string>();
  readonly callIds = new Map<string, string>();

  /** Checks an export as Sandata would take it; returns every problem. */
  take(result: SandataExport, batchSize: number): string[] {
    const problems: string[] = [];
    let order = 0;
    for (const batch of result.batches) {
      const kindOrder = ["employees", "clients", "visits"].indexOf(batch.kind);
      if (kindOrder < order) problems.push(`${batch.file}: ${batch.kind} after a later kind`);
      order = kindOrder;
      if (batch.records.length < 1 || batch.records.length > Math.min(batchSize, 5000)) problems.push(`${batch.file}: ${batch.records.length} records`);
      expect(JSON.parse(batch.text)).toEqual(batch.records);
      for (const r of batch.records) {
        const seq = r.SequenceID as number;
        if (!(seq > this.lastSequence)) problems.push(`${batch.file}: SequenceID ${seq} not above ${this.lastSequence}`);
        this.lastSequence = seq;
        const provider = (r.ProviderIdentification as { ProviderID: string }).ProviderID;
        if (batch.kind === "employees") {
          problems.push(...checkSandataRecord("employee", r));
          this.employees.add(`${provider}|${r.EmployeeIdentifier as string}`);
        } else if (batch.kind === "clients") {
          problems.push(...checkSandataRecord("client", r));
          this.clients.add(`${provider}|${r.ClientIdentifier as string}`);
        } else {
          const id = r.VisitOtherID as string;
          problems.push(...checkSandataRecord("visit", r, { update: this.visitsSeen.has(id), memoRequiredFor: ["22"] }).map((p) => `visit ${id}: ${p}`));
          this.visitsSeen.add(id);
          if (!this.employees.has(`${provider}|${r.EmployeeIdentifier as string}`)) problems.push(`visit ${id}: employee ${r.EmployeeIdentifier as string} not sent before`);
          if (!this.clients.has(`${provider}|${r.ClientID as string}`)) problems.push(`visit ${id}: client ${r.ClientID as string} not sent before`);
          for (const call of r.Calls as { CallExternalID: string }[]) {
            const owner = this.callIds.get(call.CallExternalID);
            if (owner !== undefined && owner !== id) problems.push(`visit ${id}: CallExternalID ${call.CallExternalID} also used by ${owner}`);
            this.callIds.set(call.CallExternalID, id);
          }
        }
      }
    }
    return problems;
  }
}

/** An agency with two caregivers at a Central-time client, an individual QSP at a Mountain-time client; device, typed, manual and corrected visits. */
function fullWorld(): VisitWorld {
  const w = new VisitWorld();
  w.addClient("ND-100", "America/Chicago");
  w.addClientName("ND-100", "Ada Mae Lindqvist");
  w.addClient("ND-200", "America/Denver");
  w.addClientName("ND-200", "Bernard O'Neil");
  w.addProvider("QSP-A1", { kind: "agency", name: "Prairie Rose Home Care" });
  w.addCaregiver("QSP-A1", "EMP-000017", { firstName: "Lena", lastName: "Vold" });
  w.db.prepare("UPDATE caregivers SET staff_id = '000000017' WHERE caregiver_id = 'EMP-000017'").run();
  w.addCaregiver("QSP-A1", "E22", { firstName: "Mary Ann", lastName: "Jones-Smith" });
  w.addProvider("QSP-I2", { name: "Dana Berg" });
  w.db.prepare("UPDATE caregivers SET staff_id = 'I2' WHERE caregiver_id = 'QSP-I2'").run();
  w.addAuthorization({ authorizationId: "AU1", clientNdNumber: "ND-100", providerNumber: "QSP-A1" });
  w.addAuthorization({ authorizationId: "AU2", clientNdNumber: "ND-200", providerNumber: "QSP-I2", serviceProgram: "WPC" });
  return w;
}

describe("the Sandata export satisfies every field rule of the reference", () => {
  it("exports employees, clients and visits (FVV, Manual, corrected), each conforming, in batches, with SequenceIDs rising across exports", () => {
    world = fullWorld();
    const e1 = world.visit("QSP-A1", "ND-100", "2026-04-14T13:00:00.250Z", 125, ["bathing", "meal-preparation", "laundry"], "EMP-000017");
    world.visit("QSP-A1", "ND-100", "2026-04-14T19:00:00Z", 60, ["medication"], "E22");
    world.visit("QSP-I2", "ND-200", "2026-04-15T03:30:00Z", 180, ["bathing"]); // across local midnight in Mountain time
    const typedMs = Date.parse("2026-04-16T15:00:00Z");
    world.typed("QSP-I2", "ND-200", "check-in", typedMs, typedMs + 3600_000);
    world.typed("QSP-I2", "ND-200", "check-out", typedMs + 45 * 60_000, typedMs + 3600_000 + 5_000, { tasks: ["dressing"] });
    const lone = world.challenge("QSP-A1", "ND-100", "check-in", Date.parse("2026-04-17T13:00:00Z"), { caregiverId: "E22" });
    world.verify();
    const entry = (fields: Record<string, unknown>) => manualVisitEntry.parse({ providerNumber: "QSP-A1", clientNdNumber: "ND-100", tasks: ["bathing"], enteredBy: "agency.kim", ...fields });
    recordManualVisit(world.db, entry({ caregiverId: "E22", correctsVisit: lone.readingId, end: "2026-04-17T14:10:00Z", reason: "check-out-failed" }));
    recordManualVisit(world.db, entry({ caregiverId: "EMP-000017", begin: "2026-04-18T08:00:00-05:00", end: "2026-04-18T09:30:00-05:00", reason: "fob-lost-power" }));
    world.verify();

    const settings = sandataSettings.parse({ batchSize: 2 });
    const intake = new SandataIntake();
    const first = exportSandata(world.db, settings, { now: new Date("2026-04-20T10:00:00Z") });
    expect(first.counts).toEqual({ employees: 3, clients: 2, visits: 6, updates: 0 });
    expect(first.batches.map((b) => `${b.file}:${b.records.length}`)).toEqual([
      "sandata-1-employees-001.json:2",
      "sandata-1-employees-002.json:1",
      "sandata-2-clients-001.json:2",
      "sandata-3-visits-001.json:2",
      "sandata-3-visits-002.json:2",
      "sandata-3-visits-003.json:2",
    ]);
    expect(intake.take(first, 2)).toEqual([]);

    const visits = first.batches.filter((b) => b.kind === "visits").flatMap((b) => b.records);
    const byId = new Map(visits.map((v) => [v.VisitOtherID as string, v]));
    const device = byId.get(e1.begin.readingId)!;
    expect(device).toMatchObject({ EmployeeIdentifier: "000000017", EmployeeOtherID: "EMP-000017", VisitTimeZone: "US/Central", AdjInDateTime: null, AdjOutDateTime: null, BillVisit: true });
    expect(device.Calls).toEqual([
      expect.objectContaining({ CallAssignment: "Time In", CallType: "FVV", CallDateTime: "2026-04-14T13:00:00Z" }),
      expect.objectContaining({ CallAssignment: "Time Out", CallType: "FVV" }),
    ]);
    expect(device.VisitChanges).toBeUndefined();
    expect((device.Tasks as { TaskID: string }[]).map((t) => t.TaskID)).toEqual(["ADL", "MEAL", "LSH"]);
    for (const v of visits) for (const c of v.Calls as { CallDateTime: string; CallExternalID: string }[]) {
      expect(c.CallDateTime).toMatch(SANDATA_DATETIME);
      expect(c.CallExternalID.length).toBeLessThanOrEqual(16);
    }
    const mountain = visits.find((v) => v.ClientID === "ND-200")!;
    expect(mountain.VisitTimeZone).toBe("US/Mountain");
    const corrected = byId.get(lone.readingId)!;
    expect(corrected).toMatchObject({ AdjInDateTime: null, AdjOutDateTime: "2026-04-17T14:10:00Z" });
    expect((corrected.Calls as { CallType: string }[]).map((c) => c.CallType)).toEqual(["FVV"]);
    expect(corrected.VisitChanges).toEqual([{ SequenceID: String(corrected.SequenceID), ChangeMadeBy: "agency.kim", ChangeDateTime: expect.stringMatching(SANDATA_DATETIME), ReasonCode: "25", ChangeReasonMemo: expect.any(String) }]);
    const manual = visits.find((v) => (v.VisitOtherID as string).startsWith("manual-"))!;
    expect((manual.Calls as { CallType: string }[]).map((c) => c.CallType)).toEqual(["Manual", "Manual"]);
    expect(manual.VisitChanges).toEqual([expect.objectContaining({ ReasonCode: "27", ChangeMadeBy: "agency.kim" })]);
    const clients = first.batches.filter((b) => b.kind === "clients").flatMap((b) => b.records);
    expect(clients[0]).toMatchObject({ ClientFirstName: "Ada-Mae", ClientLastName: "Lindqvist", ClientAddress: [{ ClientAddressLine1: "1 ND-100 St", ClientCity: "Bismarck", ClientState: "ND", ClientZip: "58501" }] });

    // Nothing changed: nothing to send, and the counter does not move.
    const again = exportSandata(world.db, settings);
    expect(again.batches).toEqual([]);
    expect(again.firstSequence).toBeNull();

    // A visit sent before is corrected by hand: it goes again as an update with its change record, above every SequenceID sent.
    recordManualVisit(world.db, entry({ caregiverId: "EMP-000017", correctsVisit: e1.begin.readingId, begin: "2026-04-14T08:30:00-05:00", reason: "wrong-time-recorded", memo: "caregiver arrived at 8:30" }));
    world.verify();
    const update = exportSandata(world.db, settings);
    expect(update.counts).toEqual({ employees: 0, clients: 0, visits: 1, updates: 1 });
    expect(intake.take(update, 2)).toEqual([]);
    const updated = update.batches[0].records[0];
    expect(updated).toMatchObject({ VisitOtherID: e1.begin.readingId, AdjInDateTime: "2026-04-14T13:30:00Z", AdjOutDateTime: null });
    expect(updated.VisitChanges).toEqual([expect.objectContaining({ ReasonCode: "22", ChangeReasonMemo: "caregiver arrived at 8:30", ChangeMadeBy: "agency.kim" })]);

    // Sending everything again: every record again, every SequenceID new and higher.
    const all = exportSandata(world.db, settings, { all: true });
    expect(all.counts).toMatchObject({ employees: 3, clients: 2, visits: 6 });
    expect(intake.take(all, 2)).toEqual([]);
    expect(all.firstSequence).toBe(update.lastSequence! + 1);
  });

  it("refuses the whole export, naming each record and rule, when a record cannot conform (and marks nothing sent)", () => {
    world = fullWorld();
    world.addCaregiver("QSP-A1", "EMPLOYEE-1234", { firstName: "Ola", lastName: "Nordmann" });
    world.db.prepare("UPDATE service_locations SET time_zone = 'America/Phoenix' WHERE location_id = 'loc-ND-200'").run();
    expect(() => exportSandata(world.db, sandataSettings.parse({}))).toThrow(/EMPLOYEE-1234 of QSP-A1: needs a staffId[\s\S]*client ND-200: time zone America\/Phoenix has no Sandata name/);
    expect(world.db.prepare("SELECT count(*) AS n FROM aggregator_sent").get()).toEqual({ n: 0 });
    expect(world.db.prepare("SELECT count(*) AS n FROM aggregator_sequence").get()).toEqual({ n: 0 });
  });

  it("refuses a batch size above Sandata's 5,000", () => {
    expect(sandataSettings.safeParse({ batchSize: 5001 }).success).toBe(false);
  });
});

describe("the conformance checker itself catches what Sandata refuses", () => {
  const good = {
    ProviderIdentification: { ProviderQualifier: "MedicaidID", ProviderID: "QSP-A1" },
    VisitOtherID: "v1",
    SequenceID: 7,
    EmployeeQualifier: "EmployeeCustomID",
    EmployeeIdentifier: "E22",
    ClientIDQualifier: "ClientCustomID",
    ClientID: "ND-100",
    PayerID: "NDHHS",
    PayerProgram: "MSPPC",
    ProcedureCode: "T1019",
    VisitTimeZone: "US/Central",
    AdjInDateTime: null,
    AdjOutDateTime: null,
    BillVisit: true,
    Calls: [
      { CallExternalID: "a", CallDateTime: "2026-04-14T13:00:00Z", CallAssignment: "Time In", CallType: "FVV", ProcedureCode: "T1019" },
      { CallExternalID: "b", CallDateTime: "2026-04-14T14:00:00Z", CallAssignment: "Time Out", CallType: "FVV", ProcedureCode: "T1019" },
    ],
  };
  const calls = good.Calls;
  it.each([
    ["a good visit", {}, null],
    ["a time zone not on Sandata's list", { VisitTimeZone: "America/Chicago" }, "VisitTimeZone"],
    ["a time with milliseconds", { Calls: [{ ...calls[0], CallDateTime: "2026-04-14T13:00:00.000Z" }, calls[1]] }, "CallDateTime: must be UTC"],
    ["a CallExternalID longer than 16", { Calls: [{ ...calls[0], CallExternalID: "0123456789abcdef-in" }, calls[1]] }, "CallExternalID: 19 characters"],
    ["a field the format does not have", { EmployeeName: "Lena Vold" }, "EmployeeName: not a field"],
    ["a field marked do not provide", { HoursToBill: 1 }, "HoursToBill"],
    ["the renamed VisitTasks", { VisitTasks: [] }, "VisitTasks: not a field"],
    ["a missing SequenceID", { SequenceID: undefined }, "SequenceID: required"],
    ["a SequenceID as text", { SequenceID: "7" }, "SequenceID: must be a whole number"],
    ["adjusted times without a change record", { AdjInDateTime: "2026-04-14T13:05:00Z" }, "VisitChanges: required"],
    ["three calls", { Calls: [...calls, calls[1]] }, "at most 2"],
    ["a check-out before the check-in", { Calls: [calls[0], { ...calls[1], CallDateTime: "2026-04-14T12:00:00Z" }] }, "Time Out call must be after"],
    ["a Manual call without a change record", { Calls: [{ ...calls[0], CallType: "Manual" }, calls[1]] }, "VisitChanges: required (Manual calls)"],
    ["an unknown call type", { Calls: [{ ...calls[0], CallType: "Fob" }, calls[1]] }, "CallType"],
  ])("%s", (_what, change, problem) => {
    const visit = { ...good, ...change } as Record<string, unknown>;
    for (const k of Object.keys(visit)) if (visit[k] === undefined) delete visit[k];
    const problems = checkSandataRecord("visit", visit);
    if (problem === null) expect(problems).toEqual([]);
    else expect(problems.join("\n")).toContain(problem);
  });

  it("wants a change record on every update, with a memo for reason 22", () => {
    expect(checkSandataRecord("visit", good, { update: true, memoRequiredFor: ["22"] }).join()).toContain("VisitChanges: required (an update)");
    const change = { SequenceID: "7", ChangeMadeBy: "evv verify", ChangeDateTime: "2026-04-15T00:00:00Z", ReasonCode: "22" };
    expect(checkSandataRecord("visit", { ...good, VisitChanges: [change] }, { update: true, memoRequiredFor: ["22"] }).join()).toContain("ChangeReasonMemo: required");
  });
});
