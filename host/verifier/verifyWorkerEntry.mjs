// Worker-thread entry when the bundled worker script cannot be written (verifyWorkerScript.ts):
// the host runs TypeScript through tsx's loader (as bin/evv.js does), so a worker registers it
// before loading the worker module. A worker that cannot start says so on
// its results port (the writer thread waits there, not on worker events).
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

try {
  register();
  await import("./verifyWorker.ts");
} catch (error) {
  workerData.results.postMessage({ slice: -1, error: String(error?.stack ?? error) });
  Atomics.add(workerData.signal, 0, 1); // SIGNAL_RESULTS (verifySignal.ts)
  Atomics.notify(workerData.signal, 0);
}
