// A service location: where care is given and a fob is installed; dates there are local dates.
import { z } from "zod";
import { ianaTimeZone, locationId } from "./identifiers.js";

export const serviceLocation = z.object({
  locationId: locationId,
  address: z.string().min(1, "must not be empty"),
  timeZone: ianaTimeZone,
});
export type ServiceLocation = z.infer<typeof serviceLocation>;
