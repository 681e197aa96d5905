// A client (the individual receiving care), with the service location and the absences that
// decide daily-rate billing (hospital, facility, leave; the day of death).
import { z } from "zod";
import { localDate, ndNumber } from "./identifiers.js";
import { serviceLocation } from "./serviceLocation.js";

export const absenceKind = z.enum(["hospital", "facility", "leave"]);

/** Away from `from` (inclusive) until the day of return `returned` (billable again). */
export const absence = z
  .object({ kind: absenceKind, from: localDate, returned: localDate.optional() })
  .refine((a) => a.returned === undefined || a.returned >= a.from, { message: "returned must not be before from", path: ["returned"] });
export type Absence = z.infer<typeof absence>;

export const client = z.object({
  ndNumber: ndNumber,
  name: z.string().min(1, "must not be empty"),
  serviceLocation: serviceLocation,
  /** Stays away from home. Left out, a re-import keeps the stays already stored; given (even []), it replaces them. */
  absences: z.array(absence).optional(),
  dateOfDeath: localDate.optional(),
});
export type Client = z.infer<typeof client>;

export const clientFile = z.array(client).min(1, "must hold at least one client");

/** One stay as `evv import stays` reads it (CSV or JSON): a client's absence with its ND number. */
export const clientStay = z
  .object({ clientNdNumber: ndNumber, kind: absenceKind, from: localDate, returned: localDate.optional() })
  .refine((a) => a.returned === undefined || a.returned >= a.from, { message: "returned must not be before from", path: ["returned"] });
export type ClientStay = z.infer<typeof clientStay>;

export const stayFile = z.array(clientStay).min(1, "must hold at least one stay");
