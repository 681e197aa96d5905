// The typed code's check, as each digit is typed: the same rule and the same plain words as
// `evv read --typed` (protocol/displayCode.ts, one implementation).
import { DISPLAY_CODE_DIGITS, displayCodeProblem, groupDisplayCode, normalizeDisplayCode } from "../../protocol/displayCode.js";

export interface CodeCheck {
  /** The 12 digits when the code passes its check, else null. */
  code: string | null;
  /** What to tell the caregiver now. */
  message: string;
  /** True when the caregiver has to change something (not merely type more). */
  wrong: boolean;
}

export function checkTypedCode(typed: string): CodeCheck {
  const code = normalizeDisplayCode(typed.trim());
  if (code.length === 0) return { code: null, message: `Type the ${DISPLAY_CODE_DIGITS} digits the fob shows.`, wrong: false };
  const problem = displayCodeProblem(code);
  if (problem === null) return { code, message: `${groupDisplayCode(code)}: check digit correct; the verifier checks the rest.`, wrong: false };
  const wrong = (why: string): CodeCheck => ({ code: null, message: `Not a visit code: ${why}. Check the fob's display and type it again.`, wrong: true });
  if (code.length < DISPLAY_CODE_DIGITS) {
    // A character that is not a digit is wrong at once, before the twelfth digit (protocol's words for it).
    const shapeProblem = displayCodeProblem(code.padEnd(DISPLAY_CODE_DIGITS, "0"));
    if (shapeProblem !== null && shapeProblem.startsWith("a visit code has digits only")) return wrong(shapeProblem);
    return { code: null, message: `${code.length} of ${DISPLAY_CODE_DIGITS} digits typed.`, wrong: false };
  }
  return wrong(problem);
}
