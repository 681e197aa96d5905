// `npm run build:firmware`: one minified ES2015 bundle per board in dist/firmware/, each
// checked against the Espruino dialect and against the board's Storage capacity. Exits
// non-zero on any dialect problem or a bundle that does not fit.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { bundleForEspruino } from "./bundleForEspruino.js";
import { BOARD_FACTS, BOARD_NAMES, bundlePathFor } from "./boardFacts.js";

/** Storage a device needs beside the bundle: config, clock, 4 journal segments, headroom for compaction. */
export const STORAGE_RESERVED_BYTES = 8 * 1024;

let failed = false;
for (const board of BOARD_NAMES) {
  const facts = BOARD_FACTS[board];
  const bundle = await bundleForEspruino(facts.entry, { minify: true });
  const path = bundlePathFor(board);
  if (bundle.problems.length > 0) {
    failed = true;
    console.error(`${board}: ${bundle.problems.length} problem(s) outside the Espruino dialect:`);
    for (const problem of bundle.problems) console.error(`  ${problem.message}`);
    continue;
  }
  const bytes = Buffer.byteLength(bundle.code, "utf8");
  const budget = facts.storageBytes - STORAGE_RESERVED_BYTES;
  const fits = bytes <= budget;
  if (!fits) failed = true;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bundle.code);
  const share = ((100 * bytes) / facts.storageBytes).toFixed(1);
  console.log(
    `${path.padEnd(28)} ${String(bytes).padStart(7)} bytes  ${share.padStart(5)}% of ${facts.title} Storage (${facts.storageBytes} bytes)` +
      (fits ? "" : `  TOO BIG: more than ${budget} bytes leaves no room for the journal`),
  );
}
if (failed) {
  console.error("build:firmware failed");
  process.exit(1);
}
