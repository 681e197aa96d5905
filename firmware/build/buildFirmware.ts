// `npm run build:firmware`: one minified ES2015 bundle per board in dist/firmware/, each
// checked against the Espruino dialect and the board's Storage capacity. Prints each bundle's
// size; exits 1 (writing nothing for that board) on any dialect problem or a bundle too large.
import { buildBundles } from "./firmwareBuild.js";
import { BOARD_FACTS, BOARD_NAMES } from "./boardFacts.js";

const results = await buildBundles(
  BOARD_NAMES.map((name) => ({ facts: BOARD_FACTS[name] })),
  "dist/firmware",
);
for (const r of results) {
  const share = ((100 * r.bytes) / r.storageBytes).toFixed(1);
  const line = `${r.path.padEnd(28)} ${String(r.bytes).padStart(7)} bytes  ${share.padStart(5)}% of ${BOARD_FACTS[r.board as keyof typeof BOARD_FACTS].title} Storage (${r.storageBytes} bytes)`;
  if (r.written) console.log(line);
  else {
    console.error(`${line}  NOT WRITTEN: ${r.problems.length} problem(s):`);
    for (const problem of r.problems) console.error(`  ${problem}`);
  }
}
if (results.some((r) => !r.written)) {
  console.error("build:firmware failed");
  process.exit(1);
}
