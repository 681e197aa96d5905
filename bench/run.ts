// `npm run bench`: runs every bench/*.bench.ts in name order; each prints its figures next to
// their reference. Figures only: nothing here fails on a time.
// package.json runs it with a 64 MiB semi-space (`node --max-semi-space-size=64`), as the intake
// service has (host/cli/serveThreadRunner.ts): in the intake bench this process is the load
// generator, and each of its garbage collections stops all 1,000 readers at once and counts in
// their latency (a real reader is a device of its own); with node's 16 MiB it paused 15 or 16
// times, 190 to 260 ms in all, in a 3-second latency run, against 2 to 7 with 64 MiB.
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL(".", import.meta.url));
const only = process.argv[2];
const benches = readdirSync(dir).filter((f) => f.endsWith(".bench.ts")).sort();
const chosen = benches.filter((file) => !only || file.includes(only));
if (chosen.length === 0) {
  console.error(`npm run bench: no bench is named like "${only}"; the benches: ${benches.map((f) => f.replace(".bench.ts", "")).join(", ")}`);
  process.exit(2);
}
for (const file of chosen) {
  console.log(`\n## ${file.replace(".bench.ts", "")}`);
  const module = (await import(`./${file}`)) as { default: () => Promise<void> | void };
  await module.default();
}
