// A fob as the registry knows it: identity, board, firmware, key version, where it hangs and when.
import { z } from "zod";
import { deviceIdHex, instant, locationId } from "./identifiers.js";
import { board, type BoardName } from "./boardName.js";

export { board };
export type Board = BoardName;

export const deviceRegistration = z.object({
  deviceId: deviceIdHex,
  board: board,
  firmwareHash: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lower-case hex digits (SHA-256)"),
  keyVersion: z.number().int().min(1, "must be 1..255").max(255, "must be 1..255"),
  provisionedAt: instant,
});
export type DeviceRegistration = z.infer<typeof deviceRegistration>;

const assignmentPeriod = z.object({
  locationId: locationId,
  from: instant,
  to: instant.optional(),
});
const toAfterFrom = (a: { from: string; to?: string }) => a.to === undefined || Date.parse(a.to) > Date.parse(a.from);

export const deviceAssignment = assignmentPeriod
  .extend({ deviceId: deviceIdHex })
  .refine(toAfterFrom, { message: "to must be after from", path: ["to"] });
export type DeviceAssignment = z.infer<typeof deviceAssignment>;

/** One comparison of the device clock with a trusted clock (reader or verifier). */
export const clockObservation = z.object({
  deviceId: deviceIdHex,
  /** The trusted time, ISO 8601. */
  observedAt: instant,
  /** The device's clock at that moment, Unix seconds. */
  deviceTime: z.number().int().min(0).max(0xffffffff),
  source: z.string().min(1).default("reader"),
});
export type ClockObservation = z.infer<typeof clockObservation>;

/** The file `evv import devices` reads: registrations with their assignments. */
export const deviceFileEntry = deviceRegistration.extend({
  assignments: z.array(assignmentPeriod.refine(toAfterFrom, { message: "to must be after from", path: ["to"] })).default([]),
  retiredAt: instant.optional(),
});
export const deviceFile = z.array(deviceFileEntry).min(1, "must hold at least one device");
export type DeviceFileEntry = z.infer<typeof deviceFileEntry>;
