// The values a state (or Sandata) assigns for an Alternate-EVV export, in one settings file
// (`evv export sandata --settings file.json`, every key optional). The defaults are North
// Dakota's where the policy fixes them (T1019, T1020, the Central and Mountain zones) and
// placeholders where Sandata has assigned nothing for ND yet (payer, programs, task IDs, reason
// codes: see docs/formats.md#sandata-settings and ../shared/aggregators/sandata-alt-evv.md §5).
import { readFileSync } from "node:fs";
import { z } from "zod";
import { InputFileError, describeIssue } from "../domain/inputFile.js";
import { manualReason } from "../domain/manualVisit.js";
import { serviceProgram } from "../domain/authorization.js";
import { taskCategory } from "../domain/taskCategory.js";

/** Sandata's time zone names (the list fields must use, case-sensitive). */
export const SANDATA_TIME_ZONES = [
  "US/Alaska",
  "US/Aleutian",
  "US/Arizona",
  "US/Central",
  "US/East-Indiana",
  "US/Eastern",
  "US/Hawaii",
  "US/Indiana-Starke",
  "US/Michigan",
  "US/Mountain",
  "US/Pacific",
  "US/Samoa",
  "America/Indiana/Indianapolis",
  "America/Indiana/Knox",
  "America/Indiana/Marengo",
  "America/Indiana/Petersburg",
  "America/Indiana/Vevay",
  "America/Indiana/Vincennes",
] as const;
export const sandataTimeZone = z.enum(SANDATA_TIME_ZONES);

const procedure = z.object({
  code: z.string().min(1).max(5, "at most 5 characters"),
  modifiers: z.array(z.string().length(2, "modifiers are 2 characters")).max(4, "at most 4 modifiers").default([]),
});
const reasonCode = z.string().min(1).max(4, "at most 4 characters");

export const sandataSettings = z
  .object({
    providerQualifier: z.string().min(1).max(20).default("MedicaidID"),
    clientQualifier: z.string().min(1).max(20).default("ClientCustomID"),
    employeeQualifier: z.string().min(1).max(20).default("EmployeeCustomID"),
    payerId: z.string().min(1).max(64).default("NDHHS"),
    /** PayerProgram (at most 9 characters) per ND service program. */
    payerPrograms: z.record(serviceProgram, z.string().min(1).max(9)).default({
      "MSP-PC": "MSPPC",
      WPC: "WPC",
      "SPED-PC": "SPEDPC",
      "SPED-PC-daily": "SPEDPCD",
      FHC: "FHC",
      FPC: "FPC",
      ExSPED: "EXSPED",
    }),
    procedures: z.object({ T1019: procedure, T1020: procedure }).default({ T1019: { code: "T1019", modifiers: [] }, T1020: { code: "T1020", modifiers: [] } }),
    /** TaskID (at most 4 characters) per task category. */
    taskIds: z.record(taskCategory, z.string().min(1).max(4)).default({ adl: "ADL", medicationAssistance: "MED", other: "OTH", mealPreparation: "MEAL", laundryShoppingHousekeeping: "LSH" }),
    /** IANA zone of a service location → Sandata's name. */
    timeZones: z.record(z.string(), sandataTimeZone).default({
      "America/Chicago": "US/Central",
      "America/North_Dakota/Center": "US/Central",
      "America/North_Dakota/New_Salem": "US/Central",
      "America/North_Dakota/Beulah": "US/Central",
      "America/Denver": "US/Mountain",
      "America/Boise": "US/Mountain",
    }),
    /** ReasonCode of a manual entry's VisitChanges, per manual reason (CT's fixed-device code is 27, device check-in/out failures 24/25, other 22). */
    manualReasonCodes: z.record(manualReason, reasonCode).default({
      "fob-malfunction": "27",
      "device-not-placed": "27",
      "fob-lost-power": "27",
      "check-in-failed": "24",
      "check-out-failed": "25",
      "wrong-time-recorded": "22",
      other: "22",
    }),
    /** ReasonCode of the change record on a visit re-sent because a verification changed it. */
    reverificationReasonCode: reasonCode.default("22"),
    /** Reason codes that need a ChangeReasonMemo. */
    memoRequiredFor: z.array(reasonCode).default(["22"]),
    /** VisitLocationType on calls: "1" home, "2" community; null leaves it out. */
    visitLocationType: z.enum(["1", "2"]).nullable().default("1"),
    /** Records per file (one POST): 1 to 5,000. */
    batchSize: z.number().int().min(1).max(5000, "Sandata takes at most 5,000 records a request").default(5000),
  })
  .strict();
export type SandataSettings = z.infer<typeof sandataSettings>;

export function loadSandataSettings(file: string | undefined): SandataSettings {
  if (file === undefined) return sandataSettings.parse({});
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new InputFileError(`${file}: cannot read JSON (${(error as Error).message})`);
  }
  const parsed = sandataSettings.safeParse(raw);
  if (!parsed.success) throw new InputFileError(parsed.error.issues.map((i) => describeIssue(file, i)).join("\n"));
  return parsed.data;
}
