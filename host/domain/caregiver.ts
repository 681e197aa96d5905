// An individual caregiver: the person who gives the care (the federal EVV element "individual
// providing the service"). An agency QSP has employees, each with an ID of the agency's; an
// individual QSP is its own caregiver (caregiverId = its provider number, created with it).
import { z } from "zod";
import { providerNumber } from "./identifiers.js";

/** A caregiver's ID within its QSP: letters, digits and dashes. */
export const caregiverId = z.string().regex(/^[A-Za-z0-9-]{1,20}$/, "must be 1-20 letters, digits or dashes");

/** A person's name part as aggregators take it: letters, spaces and - . ' */
const namePart = z
  .string()
  .min(1, "must not be empty")
  .max(30, "must be at most 30 characters")
  .regex(/^[\p{L} .'-]+$/u, "must be letters, spaces, dashes, dots or apostrophes");

export const caregiver = z.object({
  caregiverId: caregiverId,
  providerNumber: providerNumber,
  firstName: namePart,
  lastName: namePart,
  /** The staff ID an aggregator knows the caregiver by (Sandata EmployeeIdentifier, at most 9); defaults to caregiverId when that fits. */
  staffId: z.string().regex(/^[A-Za-z0-9]{1,9}$/, "must be 1-9 letters or digits").optional(),
  email: z.string().email("must be an e-mail address").max(64, "must be at most 64 characters").optional(),
});
export type Caregiver = z.infer<typeof caregiver>;

export const caregiverFile = z.array(caregiver).min(1, "must hold at least one caregiver");

/** An individual QSP's name as first and last name (the last word is the last name). */
export function splitPersonName(name: string): { firstName: string; lastName: string } {
  const words = name.trim().split(/\s+/);
  if (words.length < 2) return { firstName: words[0] ?? name, lastName: words[0] ?? name };
  return { firstName: words.slice(0, -1).join(" ").slice(0, 30), lastName: words[words.length - 1].slice(0, 30) };
}
