// `evv serve` runs the intake service on a thread of its own (serveThread.ts), so that the thread's
// V8 heap can be sized for the service: its young generation (where each request's objects are
// born and die) is given SERVICE_YOUNG_GENERATION_MB, a 64 MiB semi-space instead of node's
// 16 MiB. A node option (--max-semi-space-size) would do the same but cannot be set from inside
// a running process, and an operator would have to remember it; a worker's resourceLimits can.
// Measured on the intake bench (host/service/README.md): about 25 µs less CPU a reading, most of
// it the parallel scavenges that copied the 1,000 connections' live objects four times as often.
// The process stays one process: kill -9 stops the service with it, and this thread only passes
// signals on (SIGTERM and SIGINT: stop gracefully; SIGHUP: reload the credentials file) and turns
// the thread's outcome into the command's exit code.
import { startTsxThread } from "../threads/tsxThread.js";
import { CliError, EXIT_FAILURE } from "./cliError.js";
import type { ServeOptions } from "./commands/serve.js";

/** The service thread's young generation, MiB (V8 gives a third of it to each semi-space: 64 MiB). */
export const SERVICE_YOUNG_GENERATION_MB = 192;

/** What the service thread posts when it ends: nothing (stopped), or the failure as `evv` reports it. */
export type ServeThreadOutcome = { stopped: true } | { failed: { message: string; exitCode: number } };

/** What this thread posts to the service thread. */
export type ServeThreadCommand = { stop: NodeJS.Signals } | { reloadCredentials: true };

export async function runServeThread(options: ServeOptions): Promise<void> {
  const thread = startTsxThread(new URL("./serveThread.ts", import.meta.url), {
    workerData: options,
    resourceLimits: { maxYoungGenerationSizeMb: SERVICE_YOUNG_GENERATION_MB },
  });
  const send = (command: ServeThreadCommand) => thread.postMessage(command);
  const onTerm = () => send({ stop: "SIGTERM" });
  const onInt = () => send({ stop: "SIGINT" });
  const onHup = () => send({ reloadCredentials: true });
  process.on("SIGTERM", onTerm);
  process.on("SIGINT", onInt);
  process.on("SIGHUP", onHup);
  try {
    const outcome = await new Promise<ServeThreadOutcome>((resolve, reject) => {
      let ended: ServeThreadOutcome | null = null;
      thread.on("message", (message: ServeThreadOutcome) => (ended = message));
      thread.on("error", reject);
      thread.on("exit", (code) => (ended ? resolve(ended) : reject(new Error(`the service thread stopped (exit ${code}) without saying why`))));
    });
    if ("failed" in outcome) throw new CliError(outcome.failed.message, outcome.failed.exitCode);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`evv serve failed: ${(error as Error).message}`, EXIT_FAILURE);
  } finally {
    process.off("SIGTERM", onTerm);
    process.off("SIGINT", onInt);
    process.off("SIGHUP", onHup);
  }
}
