// Identifiers and value shapes shared by every record of the domain model.
import { z } from "zod";
import { DateTime, IANAZone } from "luxon";

/** North Dakota client number (ND#): letters, digits and dashes. */
export const ndNumber = z.string().regex(/^[A-Za-z0-9-]{1,20}$/, "must be 1-20 letters, digits or dashes");
/** QSP provider number. */
export const providerNumber = z.string().regex(/^[A-Za-z0-9-]{1,20}$/, "must be 1-20 letters, digits or dashes");
/** Device ID: u32 written as 8 lower-case hex digits. */
export const deviceIdHex = z.string().regex(/^[0-9a-f]{8}$/, "must be 8 lower-case hex digits");
export const locationId = z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/, "must be 1-40 letters, digits, dots, dashes or underscores");

/** An IANA time zone name that luxon knows (North Dakota: America/Chicago, America/Denver, ...). */
export const ianaTimeZone = z.string().refine((zone) => IANAZone.isValidZone(zone), { message: "must be an IANA time zone such as America/Chicago" });

/** A calendar date, YYYY-MM-DD, that exists. */
export const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD")
  .refine((text) => DateTime.fromISO(text, { zone: "UTC" }).isValid, { message: "must be a real calendar date" });

/** An instant, ISO 8601 with an offset. */
export const instant = z.string().datetime({ offset: true });
