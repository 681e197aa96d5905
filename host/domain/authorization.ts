// A service authorization (preauth): who may bill what for whom, when, and how much.
import { z } from "zod";
import { localDate, locationId, ndNumber, providerNumber } from "./identifiers.js";

export const procedureCode = z.enum(["T1019", "T1020"]);
export type ProcedureCode = z.infer<typeof procedureCode>;

/**
 * Funding program. The 10-hour daily cap applies to Family Home Care, Family Personal Care and
 * SPED-PC daily rate; the 12-hour cap to unit-rate waiver and state-plan personal care.
 */
export const serviceProgram = z.enum(["MSP-PC", "WPC", "SPED-PC", "SPED-PC-daily", "FHC", "FPC", "ExSPED"]);
export type ServiceProgram = z.infer<typeof serviceProgram>;
export const TEN_HOUR_PROGRAMS: readonly ServiceProgram[] = ["FHC", "FPC", "SPED-PC-daily"];

const units = z.number().int("must be a whole number of units").min(0, "must not be negative");

/** Units authorized per task category (15-minute units for T1019), for each `unitsPer` span. */
export const categoryUnits = z.object({
  adl: units,
  medicationAssistance: units,
  other: units,
  mealPreparation: units,
  laundryShoppingHousekeeping: units,
});
export type CategoryUnits = z.infer<typeof categoryUnits>;

export const unitsSpan = z.enum(["period", "week", "month"]);
export type UnitsSpan = z.infer<typeof unitsSpan>;

export const authorization = z
  .object({
    authorizationId: z.string().min(1, "must not be empty").max(64, "must be at most 64 characters"),
    clientNdNumber: ndNumber,
    providerNumber: providerNumber,
    procedureCode: procedureCode,
    serviceProgram: serviceProgram,
    period: z.object({ from: localDate, to: localDate }).refine((p) => p.to >= p.from, { message: "to must not be before from", path: ["to"] }),
    /** Required for T1019 (unit rate). */
    units: categoryUnits.optional(),
    /** What span `units` are for: the whole period, each week (Monday to Sunday) or each calendar month. */
    unitsPer: unitsSpan.default("period"),
    /** T1020: at most this many billed days in the period (optional). */
    maxDays: z.number().int().min(0).optional(),
    liveIn: z.boolean(),
    evvRequired: z.boolean(),
    /** HHS prior approval to pay more than 12 hours a day. */
    priorApprovalOver12Hours: z.boolean().default(false),
    /** Program Administration's prior approval for a live-in family member paid at the WPC unit rate. */
    priorApprovalLiveInWpc: z.boolean().default(false),
    /** Live-in service agreement: hours of care per day for this recipient (the provider's 10 split across recipients). */
    serviceAgreementHoursPerDay: z.number().min(0).max(24).optional(),
    /** Defaults to the client's service location. */
    serviceLocationId: locationId.optional(),
  })
  .superRefine((a, ctx) => {
    if (a.procedureCode === "T1019" && a.units === undefined)
      ctx.addIssue({ code: "custom", path: ["units"], message: "a T1019 (unit rate) authorization needs units per task category" });
  });
export type Authorization = z.infer<typeof authorization>;

export const authorizationFile = z.array(authorization).min(1, "must hold at least one authorization");

export function totalUnits(u: CategoryUnits): number {
  return u.adl + u.medicationAssistance + u.other + u.mealPreparation + u.laundryShoppingHousekeeping;
}
