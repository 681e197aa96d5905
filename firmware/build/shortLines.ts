// Breaks a minified bundle into short lines. Espruino's report of an uncaught error copies the
// whole source line around the error into RAM, so one 15,000-character line could exhaust a
// Puck.js (firmware/README.md "Memory"). esbuild's own lineLimit splits string literals with a
// backslash-newline, which Espruino reads as a newline inside the string; this splits only
// after a `;`, `,` or `{` token, where a line break never changes what the code means.
import { tokenizer } from "acorn";

/** A line is broken at the first safe token after this many characters. */
export const BUNDLE_LINE_TARGET = 80;

export function splitLongLines(code: string, target: number = BUNDLE_LINE_TARGET): string {
  let out = "";
  let from = 0;
  let lineStart = 0;
  for (const token of tokenizer(code, { ecmaVersion: 2020 })) {
    const label = token.type.label;
    if (label !== ";" && label !== "," && label !== "{") continue;
    const newline = code.lastIndexOf("\n", token.end - 1);
    if (newline >= lineStart) lineStart = newline + 1;
    if (token.end - lineStart < target) continue;
    out += code.slice(from, token.end) + "\n";
    from = token.end;
    lineStart = token.end;
  }
  return out + code.slice(from);
}
