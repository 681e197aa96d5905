// What happens in the three simulated days of `npm start`: who visits whom, how each reading is
// taken, and the faults planted on purpose with the reason the verifier (or the reader) must
// give for each.
import { DateTime } from "luxon";

export type ReadMethod = "ble" | "serial" | "typed";

export interface PlannedReading {
  /** Local wall time at the client's home, "2026-12-07T08:00". */
  at: string;
  event: "check-in" | "check-out";
  method: ReadMethod;
  tasks?: string[];
  /** A typed code mistyped first (two digits swapped): the reader must refuse it at once. */
  typoFirst?: boolean;
  /** Keep a photo of the code shown (a later fault re-sends it). */
  photograph?: string;
  /** Type a code from an earlier photo instead of the one on the display. */
  typePhoto?: string;
}

export type WorldEvent =
  | { kind: "move"; locationId: string; at: string; timeZone: string }
  | { kind: "clock-jump"; locationId: string; at: string; timeZone: string; minutes: number }
  | { kind: "sync-time"; locationId: string; at: string; timeZone: string };

export interface PlannedVisit {
  clientNdNumber: string;
  providerNumber: string;
  /** The individual caregiver (an agency's employee, or the individual QSP itself). */
  caregiverId: string;
  locationId: string;
  timeZone: string;
  readings: PlannedReading[];
  /** The planted fault, in words, and the reason code that must catch it; none for a clean visit. */
  fault?: { what: string; reason: string };
}

// Ada is served by an agency whose two caregivers take turns; Bernard and Clara by individual QSPs.
const ADA_LENA = { clientNdNumber: "ND-100234", providerNumber: "QSP-A1001", caregiverId: "A1001-07", locationId: "bismarck-lindqvist", timeZone: "America/Chicago" };
const ADA_MARY = { ...ADA_LENA, caregiverId: "A1001-12" };
const BERNARD = { clientNdNumber: "ND-200581", providerNumber: "QSP-I2002", caregiverId: "QSP-I2002", locationId: "dickinson-olson", timeZone: "America/Denver" };
const CLARA = { clientNdNumber: "ND-300777", providerNumber: "QSP-I3003", caregiverId: "QSP-I3003", locationId: "minot-haugen", timeZone: "America/Chicago" };

/** Monday 2026-12-07, 05:00 in Bismarck: before the first visit. */
export const WORLD_START = DateTime.fromISO("2026-12-07T05:00", { zone: "America/Chicago" }).toMillis();

export const visits: PlannedVisit[] = [
  // Monday: clean visits over every method.
  { ...ADA_LENA, readings: [
    { at: "2026-12-07T08:00", event: "check-in", method: "ble" },
    { at: "2026-12-07T10:30", event: "check-out", method: "ble", tasks: ["bathing", "dressing", "medication"] },
  ] },
  { ...BERNARD, readings: [
    { at: "2026-12-07T09:00", event: "check-in", method: "serial" },
    { at: "2026-12-07T11:15", event: "check-out", method: "typed", tasks: ["bathing", "meal-preparation"] },
  ] },
  { ...CLARA, readings: [
    { at: "2026-12-07T10:00", event: "check-in", method: "serial" },
    { at: "2026-12-07T12:30", event: "check-out", method: "serial", tasks: ["adl", "meal-preparation"] },
  ] },
  // Tuesday.
  { ...ADA_MARY, fault: { what: "the fob was taken down and moved 20 minutes before the visit", reason: "DEVICE_MOVED" }, readings: [
    { at: "2026-12-08T08:00", event: "check-in", method: "ble" },
    { at: "2026-12-08T10:00", event: "check-out", method: "ble", tasks: ["bathing", "laundry"] },
  ] },
  { ...BERNARD, fault: { what: "13.5 hours in one day for one caregiver without prior approval", reason: "CAP_12_HOURS" }, readings: [
    { at: "2026-12-08T06:00", event: "check-in", method: "typed", typoFirst: true, photograph: "tuesday-check-in" },
    { at: "2026-12-08T19:30", event: "check-out", method: "serial", tasks: ["bathing", "meal-preparation", "housekeeping"] },
  ] },
  { ...CLARA, readings: [
    { at: "2026-12-08T09:00", event: "check-in", method: "serial" },
    { at: "2026-12-08T11:00", event: "check-out", method: "serial", tasks: ["adl", "medication"] },
  ] },
  // Wednesday.
  { ...ADA_LENA, readings: [
    { at: "2026-12-09T08:00", event: "check-in", method: "ble" },
    { at: "2026-12-09T09:30", event: "check-out", method: "ble", tasks: ["bathing", "meal-preparation"] },
  ] },
  { ...BERNARD, fault: { what: "a photographed code (Tuesday's check-in) texted to the absent caregiver and typed in on Wednesday", reason: "DUPLICATE_READING" }, readings: [
    { at: "2026-12-09T09:05", event: "check-in", method: "typed", typePhoto: "tuesday-check-in" },
  ] },
  { ...CLARA, fault: { what: "the fob's clock jumped 25 minutes ahead overnight", reason: "CLOCK_OUT_OF_TOLERANCE" }, readings: [
    { at: "2026-12-09T10:00", event: "check-in", method: "serial" },
    { at: "2026-12-09T12:00", event: "check-out", method: "serial", tasks: ["adl", "meal-preparation"] },
  ] },
];

export const worldEvents: WorldEvent[] = [
  { kind: "move", locationId: ADA_LENA.locationId, at: "2026-12-08T07:40", timeZone: ADA_LENA.timeZone },
  { kind: "clock-jump", locationId: CLARA.locationId, at: "2026-12-08T23:00", timeZone: CLARA.timeZone, minutes: 25 },
  { kind: "sync-time", locationId: CLARA.locationId, at: "2026-12-09T14:00", timeZone: CLARA.timeZone },
];

/**
 * The visit agency staff record by hand on Thursday: the fob at Ada's home had lost power, so
 * Mary Ann Jones's visit is entered with `evv visit record`; it must be paid, marked MANUAL_ENTRY,
 * never shown as device-verified, and carried in the exports as a manual visit.
 */
export const MANUAL_VISIT = {
  ...ADA_MARY,
  begin: "2026-12-10T08:00",
  end: "2026-12-10T10:15",
  tasks: ["bathing", "dressing", "laundry"],
  reason: "fob-lost-power",
  enteredBy: "prairie-rose.office",
} as const;

/** The planted fault that the reader itself catches (nothing is logged, so the verifier never sees it). */
export const TYPO_FAULT = { what: "a typed code with two digits swapped", reason: "CODE_TYPO" };

export function instantOf(localTime: string, timeZone: string): number {
  const t = DateTime.fromISO(localTime, { zone: timeZone });
  if (!t.isValid) throw new Error(`scenario: bad local time ${localTime} in ${timeZone}`);
  return t.toMillis();
}
