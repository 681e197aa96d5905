// Tells a typo (twelve digits, wrong check digit) from another malformed code.
import { dammValid } from "../../protocol/checkDigit.js";

export function isCodeTypo(code: string): boolean {
  return /^[0-9]{12}$/.test(code) && !dammValid(code);
}
