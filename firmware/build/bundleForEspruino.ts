// Bundles a TypeScript entry point into one minified ES2015 script for Espruino and runs the
// dialect check on the result: the one path every bundle (firmware and protocol) goes through.
import { build, transform } from "esbuild";
import { splitLongLines } from "./shortLines.js";
import { inlineConstants, unwrapBundle } from "./inlineConstants.js";
import { checkEspruinoDialect, type DialectProblem } from "./espruinoDialect.js";
import { lazifyFunctions } from "./lazyFunctions.js";

/** The Storage file the firmware is stored in (host/provisioning/bundleUpload.ts): lazy functions are read from it. */
export const BUNDLE_STORAGE_FILE = ".boot0";

export interface EspruinoBundle {
  code: string;
  problems: DialectProblem[];
}

export async function bundleForEspruino(entryPoint: string, options: { minify: boolean; define?: Record<string, string>; lazy?: boolean }): Promise<EspruinoBundle> {
  const result = await build({
    entryPoints: [entryPoint],
    bundle: true,
    write: false,
    format: "iife",
    target: "es2015",
    platform: "neutral",
    // Minified after the constants are inlined (inlineConstants reads the readable names).
    minify: false,
    legalComments: "none",
    define: options.define ?? {},
    logLevel: "silent",
  });
  // firmware/espruino/espruinoGlobals.ts calls the interpreter's require through this name so
  // that esbuild does not wrap it in its dynamic-require shim (which needs Proxy).
  const bundled = result.outputFiles[0].text.replace(/\bespruinoRequire\(/g, "require(");
  if (!options.minify) return { code: bundled, problems: checkEspruinoDialect(bundled, entryPoint) };
  // Constants inlined and the IIFE unwrapped (fewer JsVars held: the bundle's functions live in
  // Espruino's global scope), minified as a module so that its top-level names are shortened
  // (esbuild never gives one the name of a global the code uses: E, NRF, g ...), then cut into
  // short lines, so that an uncaught error's report (which holds its source line) stays small.
  const minified = await transform(unwrapBundle(inlineConstants(bundled)), { minify: true, format: "esm", target: "es2015", legalComments: "none", logLevel: "silent" });
  const whole = minified.code.trimEnd();
  // The dialect is checked on the whole program, then on the file as stored (the lazy
  // functions' texts are in its head comment).
  const problems = checkEspruinoDialect(whole, entryPoint);
  const code = options.lazy === false ? splitLongLines(whole) : lazifyFunctions(whole, BUNDLE_STORAGE_FILE, splitLongLines).code;
  return { code, problems: [...problems, ...checkEspruinoDialect(code, entryPoint)] };
}
