// Runs one real `evv` command for the demo, prints it as an operator would type it, and fails
// the demo when it fails.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../bin/evv.js", import.meta.url));

export interface StepOutput {
  stdout: string;
  stderr: string;
}

export function runEvvStep(args: string[], env: Record<string, string>, say: (line: string) => void): Promise<StepOutput> {
  say(`   $ evv ${args.map((a) => (a.includes(" ") ? JSON.stringify(a) : a)).join(" ")}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) reject(new Error(`evv ${args.join(" ")} exited ${code}:\n${stderr}${stdout}`));
      else {
        const shown = stdout.trim().split("\n").filter((l) => l.length > 0);
        if (!args.includes("--json") && shown.length <= 2) for (const line of shown) say(`     ${line}`);
        resolve({ stdout, stderr });
      }
    });
  });
}
