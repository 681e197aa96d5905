// Runs the real `evv serve` as a child process (node bin/evv.js serve ...) and waits for its
// "intake service ready" log line, which names the URL. Used by the end-to-end tests and the bench.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../../bin/evv.js", import.meta.url));

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** Every log line so far (pino JSON). */
  log: string[];
  /** SIGTERM, and the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL (kill -9), and wait for the exit. */
  kill9(): Promise<void>;
}

/**
 * `wrap` runs the service through another command: it gets the service's own command line and
 * gives the one to run (e.g. `unshare ... sh -c "<set-up> && exec <it>"`, which keeps the pid).
 */
export function startServe(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 30_000,
  nodeArgs: string[] = [],
  wrap: (commandLine: string[]) => string[] = (commandLine) => commandLine,
): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    const [command, ...argv] = wrap([process.execPath, ...nodeArgs, bin, "serve", ...args]);
    const child = spawn(command, argv, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    const log: string[] = [];
    let stderr = "";
    let pending = "";
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`evv serve did not get ready within ${timeoutMs} ms\n${log.join("\n")}\n${stderr}`));
    }, timeoutMs);
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout!.on("data", (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const line of lines) {
        log.push(line);
        let entry: { msg?: string; url?: string };
        try {
          entry = JSON.parse(line) as typeof entry;
        } catch {
          continue;
        }
        if (entry.msg === "intake service ready" && entry.url) {
          clearTimeout(timer);
          resolve({
            url: entry.url,
            child,
            log,
            stop: async () => {
              child.kill("SIGTERM");
              return exited;
            },
            kill9: async () => {
              child.kill("SIGKILL");
              await exited;
            },
          });
        }
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`evv serve exited (${code}) before it was ready\n${log.join("\n")}\n${stderr}`));
    });
  });
}

/** For a test's teardown: kill -9 a service the test left running. */
export async function killIfRunning(serve: ServeProcess | null): Promise<void> {
  if (serve && serve.child.exitCode === null && serve.child.signalCode === null) await serve.kill9();
}
