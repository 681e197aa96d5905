// How a CSV row of authorizations or clients maps onto the JSON record (column names are the
// JSON field names, nested ones flattened: unitsAdl, periodFrom, locationId ...).
import { csvBoolean, csvNumber, csvText } from "./csvInput.js";

export const AUTHORIZATION_CSV_COLUMNS = [
  "authorizationId",
  "clientNdNumber",
  "providerNumber",
  "procedureCode",
  "serviceProgram",
  "periodFrom",
  "periodTo",
  "liveIn",
  "evvRequired",
] as const;

export function authorizationFromCsv(row: Record<string, string>): unknown {
  const unitColumns = ["unitsAdl", "unitsMedicationAssistance", "unitsOther", "unitsMealPreparation", "unitsLaundryShoppingHousekeeping"];
  const hasUnits = unitColumns.some((c) => csvText(row[c]) !== undefined);
  return {
    authorizationId: csvText(row.authorizationId),
    clientNdNumber: csvText(row.clientNdNumber),
    providerNumber: csvText(row.providerNumber),
    procedureCode: csvText(row.procedureCode),
    serviceProgram: csvText(row.serviceProgram),
    period: { from: csvText(row.periodFrom), to: csvText(row.periodTo) },
    units: hasUnits
      ? {
          adl: csvNumber(row.unitsAdl),
          medicationAssistance: csvNumber(row.unitsMedicationAssistance),
          other: csvNumber(row.unitsOther),
          mealPreparation: csvNumber(row.unitsMealPreparation),
          laundryShoppingHousekeeping: csvNumber(row.unitsLaundryShoppingHousekeeping),
        }
      : undefined,
    unitsPer: csvText(row.unitsPer),
    maxDays: csvNumber(row.maxDays),
    liveIn: csvBoolean(row.liveIn),
    evvRequired: csvBoolean(row.evvRequired),
    priorApprovalOver12Hours: csvBoolean(row.priorApprovalOver12Hours),
    priorApprovalLiveInWpc: csvBoolean(row.priorApprovalLiveInWpc),
    serviceAgreementHoursPerDay: csvNumber(row.serviceAgreementHoursPerDay),
    serviceLocationId: csvText(row.serviceLocationId),
  };
}

export const CLIENT_CSV_COLUMNS = ["ndNumber", "name", "locationId", "address", "timeZone"] as const;

export function clientFromCsv(row: Record<string, string>): unknown {
  return {
    ndNumber: csvText(row.ndNumber),
    name: csvText(row.name),
    serviceLocation: { locationId: csvText(row.locationId), address: csvText(row.address), timeZone: csvText(row.timeZone) },
    dateOfDeath: csvText(row.dateOfDeath),
  };
}

export const STAY_CSV_COLUMNS = ["clientNdNumber", "kind", "from"] as const;

export function stayFromCsv(row: Record<string, string>): unknown {
  return { clientNdNumber: csvText(row.clientNdNumber), kind: csvText(row.kind), from: csvText(row.from), returned: csvText(row.returned) };
}

export const CAREGIVER_CSV_COLUMNS = ["caregiverId", "providerNumber", "firstName", "lastName"] as const;

export function caregiverFromCsv(row: Record<string, string>): unknown {
  return {
    caregiverId: csvText(row.caregiverId),
    providerNumber: csvText(row.providerNumber),
    firstName: csvText(row.firstName),
    lastName: csvText(row.lastName),
    staffId: csvText(row.staffId),
    email: csvText(row.email),
  };
}
