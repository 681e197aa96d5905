// `npm run bench cliStart`: how long `evv` takes from its start to its exit for commands that do
// little else (the start-up a caregiver or an HHS script waits for on every command), beside the
// references measured in the same run: node starting alone, and node starting with tsx's loader,
// which `evv` runs under (bin/evv.js). Each command BENCH_CLI_RUNS times (10); median, fastest
// and slowest wall-clock time. `evv` loads only the command group its command line names
// (host/cli/commandGroups.ts); `evv --help` loads them all. `keystore versions` also derives the
// keystore's key from its passphrase (scrypt), slow by design.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Keystore } from "../host/keystore/keystore.js";
import { benchNumber, positive } from "./benchSetting.js";

const RUNS = benchNumber("BENCH_CLI_RUNS", 10, positive);
const evv = fileURLToPath(new URL("../bin/evv.js", import.meta.url));

/** Wall-clock seconds of `node <args>`, RUNS times; a run that does not exit 0 ends the bench saying what it printed. */
function timed(args: string[], env: Record<string, string>): number[] {
  const seconds: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const run = spawnSync(process.execPath, args, { env: { ...process.env, ...env }, encoding: "utf8" });
    seconds.push((performance.now() - t0) / 1000);
    if (run.status !== 0) throw new Error(`cliStart bench: node ${args.join(" ")} exited ${run.status}: ${run.stderr.trim().slice(0, 300)}`);
  }
  return seconds.sort((a, b) => a - b);
}

const line = (what: string, s: number[]) => `  ${what.padEnd(44)} median ${s[Math.floor(s.length / 2)].toFixed(2)} s (fastest ${s[0].toFixed(2)}, slowest ${s[s.length - 1].toFixed(2)})`;

export default function bench(): void {
  const dir = mkdtempSync(join(tmpdir(), "evv-cli-start-bench-"));
  try {
    const env = { EVV_DB: join(dir, "evv.db"), EVV_KEYSTORE: join(dir, "keystore.json"), EVV_PASSPHRASE: "cli start bench" };
    Keystore.create(env.EVV_KEYSTORE, env.EVV_PASSPHRASE);
    console.log(`wall-clock time from start to exit, ${RUNS} runs each:`);
    console.log(line("reference: node -e 0", timed(["-e", "0"], env)));
    console.log(line("reference: node --import tsx -e 0", timed(["--import", "tsx", "-e", "0"], env)));
    for (const command of [["--version"], ["keystore", "versions"], ["device", "list", "--json"], ["verify", "--help"], ["read", "--help"], ["--help"]]) {
      console.log(line(`evv ${command.join(" ")}`, timed([evv, ...command], env)));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
