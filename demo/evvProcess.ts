// Runs the real CLI (node bin/evv.js ...) or another command as a subprocess, asynchronously:
// simulated devices in the calling process (the demo, a test) keep answering while it runs, and
// the caller's event loop stays free (a test runner's worker answers its runner meanwhile).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../bin/evv.js", import.meta.url));

export interface EvvRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ProcessOptions {
  /** Added to (and overriding) this process's environment. */
  env?: Record<string, string>;
  cwd?: string;
  /** The process is killed and the run refused after this long. */
  timeoutMs?: number;
}

/** Runs a command to its end; resolves with its exit code and everything it printed. */
export function runProcess(command: string, args: string[], options: ProcessOptions = {}): Promise<EvvRun> {
  const timeoutMs = options.timeoutMs ?? 45_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...options.env }, cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${command} ${args.join(" ")} did not exit within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // "close", not "exit": the process may exit before its last output is read from the pipes.
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function runEvv(args: string[], env: Record<string, string> = {}, timeoutMs = 45_000): Promise<EvvRun> {
  return runProcess(process.execPath, [bin, ...args], { env, timeoutMs });
}
