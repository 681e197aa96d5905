// `npm run bench`: runs every bench/*.bench.ts in name order; each prints its figures next to
// their reference. Figures only: nothing here fails on a time.
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL(".", import.meta.url));
const only = process.argv[2];
for (const file of readdirSync(dir).filter((f) => f.endsWith(".bench.ts")).sort()) {
  if (only && !file.includes(only)) continue;
  console.log(`\n## ${file.replace(".bench.ts", "")}`);
  const module = (await import(`./${file}`)) as { default: () => Promise<void> | void };
  await module.default();
}
