// Runs one real `evv` command for the demo, prints it as an operator would type it, and fails
// the demo when it fails.
import { runEvv, type EvvRun } from "./evvProcess.js";

export async function runEvvStep(args: string[], env: Record<string, string>, say: (line: string) => void): Promise<EvvRun> {
  say(`   $ evv ${args.map((a) => (a.includes(" ") ? JSON.stringify(a) : a)).join(" ")}`);
  const run = await runEvv(args, env, 120_000);
  if (run.code !== 0) throw new Error(`evv ${args.join(" ")} exited ${run.code}:\n${run.stderr}${run.stdout}`);
  const shown = run.stdout.trim().split("\n").filter((l) => l.length > 0);
  if (!args.includes("--json") && shown.length <= 2) for (const line of shown) say(`     ${line}`);
  return run;
}
