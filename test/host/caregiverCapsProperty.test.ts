// Laws of the daily hour caps per individual caregiver (host/verifier/rules/dailyHourCaps.ts),
// for any visits of an agency's two caregivers at two clients on one day: no caregiver is paid
// more than 12 hours, no visit more than its minutes, and one caregiver's pay never depends on
// the other's visits.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { applyDailyHourCaps } from "../../host/verifier/rules/dailyHourCaps.js";
import type { ServiceDay } from "../../host/verifier/rules/serviceDay.js";
import type { VisitDraft } from "../../host/verifier/visitDraft.js";
import type { AuthorizationInfo, ProviderInfo } from "../../host/verifier/verificationContext.js";

const DAY = "2026-04-14";
const DAY_START = Date.parse("2026-04-14T05:00:00Z");
const provider: ProviderInfo = { providerNumber: "A1", name: "Agency", kind: "agency", livesWith: new Map() };
const providers = new Map([["A1", provider]]);

function authorization(client: string): AuthorizationInfo {
  return {
    authorizationId: `AU-${client}`,
    clientNdNumber: client,
    providerNumber: "A1",
    procedureCode: "T1019",
    serviceProgram: "MSP-PC",
    periodFrom: "2026-01-01",
    periodTo: "2026-12-31",
    units: null,
    unitsPer: "period",
    maxDays: null,
    liveIn: false,
    evvRequired: true,
    priorApprovalOver12Hours: false,
    priorApprovalLiveInWpc: false,
    serviceAgreementHoursPerDay: null,
    locationId: `loc-${client}`,
  };
}

type Planned = { caregiver: "E1" | "E2"; client: "C1" | "C2"; start: number; minutes: number };

/** Service days (one per client) for the planned visits; returns each visit's day slice too. */
function serviceDays(planned: readonly Planned[]): { days: ServiceDay[]; slices: { plan: Planned; day: { minutes: number; paidMinutes: number } }[] } {
  const byClient = new Map<string, ServiceDay>();
  const slices: { plan: Planned; day: { date: string; minutes: number; paidMinutes: number; units: number } }[] = [];
  planned.forEach((plan, i) => {
    const visit = { visitId: `v${i}`, providerNumber: "A1", caregiverId: plan.caregiver, clientNdNumber: plan.client, reasons: [] } as unknown as VisitDraft;
    const day = { date: DAY, minutes: plan.minutes, paidMinutes: plan.minutes, units: 0 };
    let sd = byClient.get(plan.client);
    if (!sd) {
      sd = { authorization: authorization(plan.client), providerNumber: "A1", clientNdNumber: plan.client, date: DAY, segments: [], reasons: [], billable: true, units: 0 };
      byClient.set(plan.client, sd);
    }
    sd.segments.push({ visit, day, beginMs: DAY_START + plan.start * 60_000 + i });
    slices.push({ plan, day });
  });
  return { days: [...byClient.values()], slices };
}

const plannedVisit = fc.record({
  caregiver: fc.constantFrom<"E1" | "E2">("E1", "E2"),
  client: fc.constantFrom<"C1" | "C2">("C1", "C2"),
  start: fc.integer({ min: 0, max: 1200 }),
  minutes: fc.integer({ min: 1, max: 600 }),
});

describe("daily hour caps per individual caregiver (property)", () => {
  it("pays no caregiver more than 12 hours, no visit more than its minutes, and each caregiver independently of the other", () => {
    fc.assert(
      fc.property(fc.array(plannedVisit, { maxLength: 12 }), (planned) => {
        const together = serviceDays(planned);
        applyDailyHourCaps(together.days, providers);
        for (const caregiver of ["E1", "E2"] as const) {
          const mine = together.slices.filter((s) => s.plan.caregiver === caregiver);
          const paid = mine.reduce((sum, s) => sum + s.day.paidMinutes, 0);
          expect(paid).toBeLessThanOrEqual(12 * 60);
          for (const s of mine) expect(s.day.paidMinutes).toBeLessThanOrEqual(s.plan.minutes);
          // The same caregiver's visits alone are paid exactly the same.
          const alone = serviceDays(planned.filter((p) => p.caregiver === caregiver));
          applyDailyHourCaps(alone.days, providers);
          expect(alone.slices.map((s) => s.day.paidMinutes)).toEqual(mine.map((s) => s.day.paidMinutes));
          // Under 12 hours in all, nothing is cut.
          if (mine.reduce((sum, s) => sum + s.plan.minutes, 0) <= 12 * 60) for (const s of mine) expect(s.day.paidMinutes).toBe(s.plan.minutes);
        }
      }),
      { numRuns: 300 },
    );
  });
});
