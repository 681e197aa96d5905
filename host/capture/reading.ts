// What a reader captures at a visit: one record per check-in or check-out, appended to the
// local visit log (JSON Lines). The reader holds no keys; the verifier decides later.
// This schema is the contract between the reader (`evv read`) and the verifier (`evv import`).
import { z } from "zod";

export const hex = (bytes: number) =>
  z
    .string()
    .length(bytes * 2, `must be ${bytes * 2} hex digits`)
    .regex(/^[0-9a-f]+$/, "must be lower-case hex");

/** How presence at the device was proven, strongest first. */
export const presenceMethod = z.enum([
  "challenge", // the device answered this reader's fresh nonce over BLE UART or serial
  "nfc", // the device's NFC frame, read by touch
  "advert", // a BLE advertisement frame heard by the reader
  "typed", // a display code typed in by the caregiver
]);
export type PresenceMethod = z.infer<typeof presenceMethod>;

export const challengeEvidence = z.object({
  nonce: hex(16),
  deviceId: hex(4),
  deviceTime: z.number().int().min(0).max(0xffffffff),
  status: z.number().int().min(0).max(255),
  journalSeq: z.number().int().min(0).max(0xffffffff),
  mac: hex(16),
});

export const reading = z
  .object({
    readingId: z.string().uuid(),
    /** Identifies the reader installation (not a person). */
    readerId: z.string().min(1),
    /** QSP provider number of the caregiver who took the reading. */
    providerNumber: z.string().min(1),
    /** The individual caregiver (an agency employee's ID, or the individual QSP's provider number); left out only in logs from before caregivers were recorded. */
    caregiverId: z.string().regex(/^[A-Za-z0-9-]{1,20}$/, "must be 1-20 letters, digits or dashes").optional(),
    /** ND number of the client the caregiver says the visit is for. */
    clientNdNumber: z.string().min(1),
    event: z.enum(["check-in", "check-out"]),
    /** The reader's own clock when it captured, ISO 8601 with offset. */
    readerTime: z.string().datetime({ offset: true }),
    method: presenceMethod,
    transport: z.enum(["ble", "serial", "nfc", "keyboard"]),
    /** 12-digit display code, as typed (method "typed"). */
    typedCode: z.string().regex(/^[0-9]{12}$/).optional(),
    /** 24-byte advertisement or NFC frame (methods "advert" and "nfc", and alongside a challenge when seen). */
    frame: hex(24).optional(),
    rssi: z.number().int().min(-127).max(20).optional(),
    challenge: challengeEvidence.optional(),
    /** Tasks performed (service-record element), at check-out. */
    tasks: z.array(z.string().min(1)).optional(),
  })
  .superRefine((r, ctx) => {
    if (r.method === "typed" && !r.typedCode) ctx.addIssue({ code: "custom", path: ["typedCode"], message: "a typed reading needs typedCode" });
    if ((r.method === "advert" || r.method === "nfc") && !r.frame) ctx.addIssue({ code: "custom", path: ["frame"], message: `a ${r.method} reading needs frame` });
    if (r.method === "challenge" && !r.challenge) ctx.addIssue({ code: "custom", path: ["challenge"], message: "a challenge reading needs challenge" });
  });
export type Reading = z.infer<typeof reading>;
