// A worker thread running a TypeScript module (tsxThreadEntry.mjs registers tsx's loader in the
// thread first, as bin/evv.js does for the CLI): the intake service's thread and its commit thread.
import { Worker, type WorkerOptions } from "node:worker_threads";

const ENTRY = new URL("./tsxThreadEntry.mjs", import.meta.url);

/** Starts a thread that runs `module` (a .ts file's URL) with these options (workerData, resourceLimits, execArgv…). */
export function startTsxThread(module: URL, options: Omit<WorkerOptions, "argv"> = {}): Worker {
  return new Worker(ENTRY, { ...options, argv: [module.href] });
}
