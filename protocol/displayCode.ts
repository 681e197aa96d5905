// The display code: 12 digits, read in three groups of four.
//
//   T T T T  S M M M  M M M C
//   time     status, MAC (6 digits), Damm check digit
//
// TTTT = step mod 10000. The verifier recovers the full step from the time the code was
// entered (SPEC.md "Recovering the minute").
import type { HashFunction } from "./hashFunction.js";
import { hmacSha256 } from "./hmac.js";
import { writeU32be } from "./bytes.js";
import { dammCheckDigit, dammValid } from "./checkDigit.js";
import { DOMAIN_DISPLAY_CODE } from "./domains.js";

export const DISPLAY_CODE_DIGITS = 12;
export const TIME_FIELD_MODULUS = 10000;
/** How far ahead of the entry time a device clock may run and still be recovered, in steps. */
export const DEFAULT_FAST_ALLOWANCE_STEPS = 120;
export const MAC_DIGITS_MODULUS = 1000000;

/** Status digit bits (0..7); 8 and 9 never occur. */
export const DISPLAY_STATUS_MOVED = 1;
export const DISPLAY_STATUS_BATTERY_LOW = 2;
export const DISPLAY_STATUS_TAMPER = 4;

export interface DisplayCodeFields {
  timeField: number;
  statusDigit: number;
  macDigits: number;
}

function displayMacDigits(hash: HashFunction, deviceKey: Uint8Array, deviceId: number, step: number, statusDigit: number): number {
  const message = new Uint8Array(10);
  message[0] = DOMAIN_DISPLAY_CODE;
  writeU32be(message, 1, deviceId);
  writeU32be(message, 5, step);
  message[9] = statusDigit;
  const mac = hmacSha256(hash, deviceKey, message);
  // First 48 bits as an exact double, reduced mod 10^6 (bias below 2^-28).
  const high = mac[0] * 65536 + mac[1] * 256 + mac[2];
  const low = mac[3] * 65536 + mac[4] * 256 + mac[5];
  return (((high % MAC_DIGITS_MODULUS) * 16777216) % MAC_DIGITS_MODULUS + low) % MAC_DIGITS_MODULUS;
}

/** The 12 digits, ungrouped. */
export function makeDisplayCode(hash: HashFunction, deviceKey: Uint8Array, deviceId: number, step: number, statusDigit: number): string {
  if (statusDigit < 0 || statusDigit > 7) throw new Error("status digit must be 0..7");
  const body =
    String(step % TIME_FIELD_MODULUS).padStart(4, "0") +
    String(statusDigit) +
    String(displayMacDigits(hash, deviceKey, deviceId, step, statusDigit)).padStart(6, "0");
  return body + dammCheckDigit(body);
}

/** "1234 5678 9012": how the code is shown and printed. */
export function groupDisplayCode(code: string): string {
  return code.slice(0, 4) + " " + code.slice(4, 8) + " " + code.slice(8, 12);
}

/** Strips spaces and dashes a person may type between groups. */
export function normalizeDisplayCode(typed: string): string {
  let out = "";
  for (let i = 0; i < typed.length; i++) {
    const c = typed[i];
    if (c !== " " && c !== "-") out += c;
  }
  return out;
}

/**
 * Checks the shape and the check digit without any key: this is what catches a typo at once.
 * Returns null when well formed, else a sentence saying what is wrong.
 */
export function displayCodeProblem(code: string): string | null {
  if (code.length !== DISPLAY_CODE_DIGITS) return "a visit code has " + DISPLAY_CODE_DIGITS + " digits, this has " + code.length;
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c < 48 || c > 57) return "a visit code has digits only; character " + (i + 1) + " is '" + code[i] + "'";
  }
  if (!dammValid(code)) return "the check digit does not match: a digit is mistyped or two digits are swapped";
  if (code.charCodeAt(4) - 48 > 7) return "the fifth digit (status) is never 8 or 9";
  return null;
}

export function displayCodeFields(code: string): DisplayCodeFields {
  return {
    timeField: parseInt(code.slice(0, 4), 10),
    statusDigit: parseInt(code.slice(4, 5), 10),
    macDigits: parseInt(code.slice(5, 11), 10),
  };
}

/**
 * The step a time field stands for: the latest step s <= entryStep + fastAllowance with
 * s mod 10000 == timeField. Codes typed up to (10000 - 1 - fastAllowance) minutes late
 * (6 days 20 hours 39 minutes with the default) are recovered exactly.
 */
export function recoverStep(timeField: number, entryStep: number, fastAllowanceSteps: number): number {
  const ceiling = entryStep + fastAllowanceSteps;
  const back = (((ceiling - timeField) % TIME_FIELD_MODULUS) + TIME_FIELD_MODULUS) % TIME_FIELD_MODULUS;
  return ceiling - back;
}

/** True when the code's MAC digits are those of this device at this step. */
export function displayCodeMatches(hash: HashFunction, deviceKey: Uint8Array, deviceId: number, step: number, code: string): boolean {
  // A well-formed code (its check digit holds) with this step's time field is this device's
  // code exactly when its six MAC digits are.
  if (displayCodeProblem(code) !== null) return false;
  const fields = displayCodeFields(code);
  if (step % TIME_FIELD_MODULUS !== fields.timeField) return false;
  return displayMacDigits(hash, deviceKey, deviceId, step, fields.statusDigit) === fields.macDigits;
}
