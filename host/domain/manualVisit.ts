// A visit recorded or corrected by hand (agency or HHS staff), when the fob could not prove it:
// fob malfunction, device not yet placed, lost power... Each entry names who made it, when and
// why; it is kept, audit-logged, and the verifier treats the visit as manual, never as proven
// by the device.
import { z } from "zod";
import { instant, ndNumber, providerNumber } from "./identifiers.js";
import { caregiverId } from "./caregiver.js";

/** Why a visit was recorded or corrected by hand. */
export const manualReason = z.enum([
  "fob-malfunction", // the fob did not answer or showed nothing
  "device-not-placed", // no fob hung at the home yet
  "fob-lost-power", // battery dead or power lost
  "check-in-failed", // the check-in read failed (any device)
  "check-out-failed", // the check-out read failed (any device)
  "wrong-time-recorded", // a reading's time was not the real time of care
  "other", // anything else: a memo is required
]);
export type ManualReason = z.infer<typeof manualReason>;

export const MANUAL_REASON_SENTENCES: Record<ManualReason, string> = {
  "fob-malfunction": "the fob malfunctioned",
  "device-not-placed": "no fob was placed at the home yet",
  "fob-lost-power": "the fob had lost power",
  "check-in-failed": "the check-in could not be read",
  "check-out-failed": "the check-out could not be read",
  "wrong-time-recorded": "a recorded time was not the real time of care",
  other: "another reason (see the memo)",
};

export const manualVisitEntry = z
  .object({
    /** Set to correct a verified visit (its visit ID: the check-in reading's ID); left out to record a new visit. */
    correctsVisit: z.string().min(1).max(50).optional(),
    providerNumber: providerNumber,
    clientNdNumber: ndNumber,
    caregiverId: caregiverId,
    /** The real begin and end (ISO 8601 with offset). A correction may give only the one it fixes. */
    begin: instant.optional(),
    end: instant.optional(),
    tasks: z.array(z.string().min(1)).default([]),
    reason: manualReason,
    memo: z.string().max(256, "must be at most 256 characters").optional(),
    /** Who made the entry (a staff user name). */
    enteredBy: z.string().min(1, "must name who made the entry").max(64, "must be at most 64 characters"),
  })
  .superRefine((e, ctx) => {
    if (e.correctsVisit === undefined && (e.begin === undefined || e.end === undefined))
      ctx.addIssue({ code: "custom", path: ["begin"], message: "a new manual visit needs both begin and end" });
    if (e.correctsVisit !== undefined && e.begin === undefined && e.end === undefined)
      ctx.addIssue({ code: "custom", path: ["begin"], message: "a correction needs begin, end or both" });
    if (e.begin !== undefined && e.end !== undefined && Date.parse(e.end) <= Date.parse(e.begin))
      ctx.addIssue({ code: "custom", path: ["end"], message: "end must be after begin" });
    if (e.reason === "other" && !e.memo) ctx.addIssue({ code: "custom", path: ["memo"], message: "reason other needs a memo" });
  });
export type ManualVisitEntry = z.infer<typeof manualVisitEntry>;
