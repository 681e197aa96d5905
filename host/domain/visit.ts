// A visit as the verifier decided it: paired check-in and check-out readings, the device and
// presence method that proved them, tasks, per-day minutes and units, status and reasons.
// This is the shape `evv report visits --json` prints.
import { z } from "zod";
import { presenceMethod } from "../capture/reading.js";
import { deviceIdHex, instant, localDate, ndNumber, providerNumber } from "./identifiers.js";
import { procedureCode } from "./authorization.js";

export const visitStatus = z.enum(["verified", "verified-with-flags", "needs-review", "rejected"]);
export type VisitStatus = z.infer<typeof visitStatus>;

export const visitReason = z.object({
  code: z.string().regex(/^[A-Z0-9_]+$/),
  sentence: z.string(),
});

export const visitDay = z.object({
  date: localDate,
  minutes: z.number().int().min(0),
  paidMinutes: z.number().int().min(0),
  units: z.number().int().min(0),
});
export type VisitDay = z.infer<typeof visitDay>;

export const visit = z.object({
  visitId: z.string().min(1),
  providerNumber: providerNumber,
  /** The individual caregiver; null when an agency's readings named none. */
  caregiverId: z.string().nullable(),
  clientNdNumber: ndNumber,
  authorizationId: z.string().nullable(),
  procedureCode: procedureCode.nullable(),
  checkInReadingId: z.string().nullable(),
  checkOutReadingId: z.string().nullable(),
  deviceId: deviceIdHex.nullable(),
  begin: instant.nullable(),
  end: instant.nullable(),
  presenceCheckIn: presenceMethod.nullable(),
  presenceCheckOut: presenceMethod.nullable(),
  tasks: z.array(z.string()),
  status: visitStatus,
  units: z.number().int().min(0),
  days: z.array(visitDay),
  reasons: z.array(visitReason),
  /** The manual entry that recorded or corrected the visit (`evv visit list`); null when the device alone proved it. */
  manualEntry: z.number().int().nullable(),
});
export type Visit = z.infer<typeof visit>;
