// The Damm check digit: a weakly totally anti-symmetric quasigroup of order 10. It detects
// every single-digit substitution and every transposition of two adjacent digits.
const DAMM_TABLE = [
  "0317598642",
  "7092154863",
  "4206871359",
  "1750983426",
  "6123045978",
  "3674209581",
  "5869720134",
  "8945362017",
  "9438617205",
  "2581436790",
];

function dammInterim(digits: string): number {
  let interim = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    interim = DAMM_TABLE[interim].charCodeAt(d) - 48;
  }
  return interim;
}

/** The digit to append to `digits`; throws on a non-digit. */
export function dammCheckDigit(digits: string): string {
  const interim = dammInterim(digits);
  if (interim < 0) throw new Error("check digit needs digits only");
  return String(interim);
}

/** True when `digitsWithCheck` (check digit last) is consistent. */
export function dammValid(digitsWithCheck: string): boolean {
  return digitsWithCheck.length > 0 && dammInterim(digitsWithCheck) === 0;
}
