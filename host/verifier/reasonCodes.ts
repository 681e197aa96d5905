// Reason codes: a stable code for machines and a sentence for people. The severity decides the
// visit's status: any "reject" → rejected; else any "review" → needs-review; else any "flag" →
// verified-with-flags; else verified.
export type Severity = "reject" | "review" | "flag";

export const REASONS = {
  UNKNOWN_CLIENT: ["reject", "The client's ND number is not in the client list."],
  UNKNOWN_PROVIDER: ["reject", "The provider number is not in the provider list."],
  CODE_TYPO: ["reject", "The check digit does not match: a digit was mistyped or two digits were swapped."],
  CODE_MALFORMED: ["reject", "The typed code is not a well-formed 12-digit visit code."],
  FRAME_MALFORMED: ["reject", "The frame read from the device is not a frame of this protocol."],
  FRAME_KIND_MISMATCH: ["reject", "The frame's kind (advertisement or NFC) does not match how the reading says it was taken."],
  DEVICE_UNKNOWN: ["reject", "The device named in the challenge answer is not in the registry."],
  KEY_VERSION_MISSING: ["reject", "The keystore has no master key of the device's key version."],
  NO_DEVICE_AT_LOCATION: ["reject", "No device was assigned to the client's service location at that time."],
  DEVICE_NOT_AT_LOCATION: ["reject", "The device that answered was not assigned to the client's service location at that time."],
  DEVICE_RETIRED: ["reject", "The device had been retired before that time."],
  MAC_MISMATCH: ["reject", "The code or frame does not verify with the key of any device at the client's service location."],
  TYPED_THROTTLED: ["reject", "Too many wrong typed codes for this provider and client (recently, or in all); typed entry is locked."],
  CLOCK_NOT_SET: ["reject", "The device clock was not set (it restarted after power loss); its time proves nothing."],
  STALE_FRAME: ["reject", "The frame is older than the reader's clock allows: a replayed or stored advertisement."],
  LATE_ENTRY: ["reject", "The code or advertisement reached HHS after the late-entry limit (counted from its minute to its receipt)."],
  CODE_FROM_FUTURE: ["reject", "The code's time is later than when it was entered."],
  READER_UNKNOWN: ["reject", "The reading was signed by a reader that is not enrolled."],
  READER_REVOKED: ["reject", "The reading was received after HHS revoked the reader that signed it."],
  RECEIVED_LATE: ["review", "HHS received the challenge answer or NFC frame long after its minute (the method's receipt limit)."],
  READER_COUNTER_BACK: ["flag", "The signing reader's counter did not go up: a restored or copied reader key."],
  NO_AUTHORIZATION: ["reject", "There is no authorization for this provider and client."],
  OUTSIDE_AUTHORIZATION_PERIOD: ["reject", "The visit falls outside the period of every authorization for this provider and client."],
  LOCATION_MISMATCH: ["reject", "The device was not at the authorization's service location at the time of the visit."],
  DUPLICATE_VISIT: ["reject", "The same visit (provider, client, begin and end) was already recorded."],
  DUPLICATE_READING: ["reject", "The same code, frame or answer (device, minute, check-in or check-out) was already recorded."],
  SERVICE_AFTER_DEATH: ["reject", "The visit is dated after the client's date of death."],
  DAY_OUTSIDE_AUTHORIZATION_PERIOD: ["flag", "The visit runs past midnight into a day after the authorization's period ends: that day is not paid."],
  DAY_REFUSED: ["flag", "One day of this visit across midnight is refused by the rule named in the detail; the visit's other days are paid."],
  DAY_AFTER_DEATH: ["flag", "The visit runs past midnight into the day after the client's date of death: that day is not paid."],
  DAILY_RATE_ABSENT_DAY: ["reject", "Daily rate is not paid for a day in hospital, a facility or on leave (only the day of return)."],
  DAILY_RATE_ALREADY_BILLED: ["reject", "Only one daily-rate (T1020) unit per client per day: another provider already has this date."],
  LIVE_IN_SAME_DATE: ["reject", "Two live-in providers of one client may not bill the same date; the other provider has this date."],
  MISSING_CHECK_OUT: ["review", "A check-in without a matching check-out."],
  MISSING_CHECK_IN: ["review", "A check-out without a matching check-in."],
  CAREGIVER_OVERLAP: ["review", "The caregiver has another visit at the same time."],
  CLIENT_OVERLAP: ["review", "The client has a visit from another caregiver at the same time."],
  CAREGIVER_NOT_NAMED: ["review", "The agency's readings name no caregiver: caps and the audit are per person, so the visit is not paid until a caregiver is recorded."],
  UNKNOWN_CAREGIVER: ["review", "The caregiver ID is not among the provider's caregivers."],
  LIVE_IN_WPC_NO_PRIOR_APPROVAL: ["review", "A live-in family member paid at the WPC unit rate needs prior approval of Program Administration, and the authorization records none."],
  MANUAL_TARGET_NOT_CORRECTABLE: ["review", "The manual entry names a visit it cannot correct (none such, or rejected): it stands as a manual visit of its own."],
  CLOCK_OUT_OF_TOLERANCE: ["flag", "The device clock, after drift correction, differs from the reader's clock by more than the tolerance."],
  DEVICE_MOVED: ["flag", "The device reported that it was moved."],
  DEVICE_TAMPER: ["flag", "The device reported tampering."],
  DEVICE_CHANGED: ["flag", "Check-in and check-out were taken from different devices."],
  UNKNOWN_TASK: ["flag", "A recorded task is not in the task catalog; it is counted as 'other'."],
  NO_TASKS_RECORDED: ["flag", "No tasks were recorded; the service record needs them."],
  UNDER_8_MINUTES: ["flag", "Fewer than 8 minutes of unit-rate care that day: no unit is billable."],
  DAILY_RATE_UNDER_ONE_HOUR: ["flag", "Less than one hour of care that day: the daily rate is not billable."],
  CAP_12_HOURS: ["flag", "More than 12 paid hours of unit-rate care that day for this caregiver without prior approval: the excess is not paid."],
  PRIOR_APPROVED_OVER_12_HOURS: ["flag", "More than 12 hours of unit-rate care that day for this caregiver, paid under the authorization's prior approval."],
  MANUAL_ENTRY: ["flag", "Recorded by hand by staff (not proven by the device)."],
  MANUAL_CORRECTION: ["flag", "Times or caregiver corrected by hand by staff (the device proved only part of it)."],
  CAP_10_HOURS: ["flag", "More than 10 hours that day under a 10-hour program (FHC, FPC, SPED-PC daily, live-in family): the excess is not paid."],
  LIVE_IN_SPLIT: ["flag", "The live-in provider's 10 daily hours are split across recipients: this recipient's share is used up."],
  WEEK_OVER_80_HOURS: ["flag", "The caregiver has more than 80 hours of care in this week, across all clients: caregiver and QSP flagged for audit."],
  UNITS_OVER_CATEGORY: ["flag", "Units beyond the authorized meal preparation or laundry/shopping/housekeeping units are not billable."],
  UNITS_OVER_AUTHORIZATION: ["flag", "Units beyond the authorization's total are not billable."],
  MAX_DAYS_EXCEEDED: ["flag", "More daily-rate days than the authorization allows: the excess days are not billable."],
} as const satisfies Record<string, readonly [Severity, string]>;

export type ReasonCode = keyof typeof REASONS;

export interface Reason {
  code: ReasonCode;
  /** Specifics (a date, a count), appended to the sentence. */
  detail?: string;
}

export function severityOf(code: ReasonCode): Severity {
  return REASONS[code][0];
}

export function sentenceOf(reason: Reason): string {
  return reason.detail ? `${REASONS[reason.code][1]} (${reason.detail})` : REASONS[reason.code][1];
}

export { type VisitStatus } from "../domain/visit.js";
import type { VisitStatus } from "../domain/visit.js";

export function statusOf(reasons: readonly Reason[]): VisitStatus {
  let review = false;
  let flag = false;
  for (const r of reasons) {
    const severity = REASONS[r.code][0];
    if (severity === "reject") return "rejected";
    if (severity === "review") review = true;
    else flag = true;
  }
  return review ? "needs-review" : flag ? "verified-with-flags" : "verified";
}
