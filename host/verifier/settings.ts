// The verifier's settings, with their defaults, in one schema (`evv verify --settings <file>`).
import { z } from "zod";
import { DEFAULT_FAST_ALLOWANCE_STEPS } from "../../protocol/displayCode.js";

export const verifierSettings = z.object({
  /** A code or advertisement received by HHS more than this long after the device showed it is refused (ND practice: 6 days). */
  lateEntryLimitHours: z.number().positive("must be positive").max(160, "must be at most 160 hours (the display code recovers the minute up to ~166 hours)").default(144),
  /** A challenge answer received by HHS longer than this after its minute goes to review (RECEIVED_LATE). */
  challengeReceiptLimitHours: z.number().positive("must be positive").default(144),
  /** An NFC frame received longer than this after its minute goes to review. (An advertisement, heard
   *  passively, is a typed code's equal: it is refused past lateEntryLimitHours, counted to receipt.) */
  nfcReceiptLimitHours: z.number().positive("must be positive").default(144),
  /** How far a device clock (after drift correction) may stand from the reader's clock. */
  driftToleranceSeconds: z.number().int().min(0, "must not be negative").default(120),
  /** How far ahead of the entry time a device clock may run for a typed code (protocol default). */
  fastAllowanceSteps: z.number().int().min(0).max(1000).default(DEFAULT_FAST_ALLOWANCE_STEPS),
  /** Failed typed codes per provider and client within a rolling hour before typed entry locks. */
  typedFailuresPerHour: z.number().int().min(1, "must be at least 1").default(5),
  /** ... and within a rolling day. */
  typedFailuresPerDay: z.number().int().min(1, "must be at least 1").default(20),
  /** ... and in all, whatever the clocks say: past it typed entry for the pair stays locked. */
  typedFailuresInAll: z.number().int().min(1, "must be at least 1").default(50),
  /** A check-out further than this from the open check-in does not close it: both go to review (a forgotten check-out). */
  maxVisitHours: z.number().positive().default(24),
});
export type VerifierSettings = z.infer<typeof verifierSettings>;

export const DEFAULT_SETTINGS: VerifierSettings = verifierSettings.parse({});
