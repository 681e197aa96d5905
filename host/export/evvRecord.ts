// One exported EVV record: the six federal EVV elements (21st Century Cures Act) and North
// Dakota's service-record elements, with the verifier's decision. The schema is the export's
// contract; records are built from the database and checked against it.
import { z } from "zod";
import { visitStatus } from "../domain/visit.js";

export const evvRecord = z.object({
  visitId: z.string(),
  // Federal elements
  typeOfService: z.string(), // procedure code and program, e.g. "T1019 MSP-PC"
  individualReceivingService: z.string(), // client ND number
  dateOfService: z.string(), // local date at the service location
  location: z.string(), // service location address
  individualProvidingService: z.string(), // the individual caregiver's name
  caregiverId: z.string(), // the caregiver's ID within the QSP (an individual QSP: its provider number)
  beginTime: z.string(), // ISO 8601 with the location's offset
  endTime: z.string(),
  // North Dakota service-record elements
  clientName: z.string(),
  clientNdNumber: z.string(),
  providerName: z.string(),
  providerNumber: z.string(),
  serviceLocationId: z.string(),
  timeZone: z.string(),
  tasks: z.array(z.string()),
  // Verification
  procedureCode: z.string(),
  authorizationId: z.string(),
  presenceCheckIn: z.string(), // challenge, nfc, advert, typed; "manual" for an end recorded by hand
  presenceCheckOut: z.string(),
  deviceId: z.string(), // "" for a visit recorded by hand
  /** How the visit was proven: by the device alone, or recorded / corrected by hand (never shown as device-verified). */
  verification: z.enum(["device", "manual-correction", "manual-entry"]),
  /** The manual entry's reason code ("" for a device visit). */
  manualReason: z.string(),
  status: visitStatus,
  units: z.number().int(),
  reasonCodes: z.array(z.string()),
});
export type EvvRecord = z.infer<typeof evvRecord>;

export const EVV_RECORD_CSV_COLUMNS: readonly (keyof EvvRecord)[] = [
  "visitId",
  "typeOfService",
  "individualReceivingService",
  "dateOfService",
  "location",
  "individualProvidingService",
  "caregiverId",
  "beginTime",
  "endTime",
  "clientName",
  "clientNdNumber",
  "providerName",
  "providerNumber",
  "serviceLocationId",
  "timeZone",
  "tasks",
  "procedureCode",
  "authorizationId",
  "presenceCheckIn",
  "presenceCheckOut",
  "deviceId",
  "verification",
  "manualReason",
  "status",
  "units",
  "reasonCodes",
];
