// Runs the real CLI as a subprocess (node bin/evv.js ...), asynchronously so that simulated
// devices in the calling process (the demo, a test) keep answering while it runs.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../bin/evv.js", import.meta.url));

export interface EvvRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runEvv(args: string[], env: Record<string, string> = {}, timeoutMs = 45_000): Promise<EvvRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`evv ${args.join(" ")} did not exit within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
