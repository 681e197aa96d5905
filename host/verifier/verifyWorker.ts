// A verification worker thread: its own read-only connection and verification context; verifies
// the slices the writer thread sends and posts each outcome back on its results port, then
// bumps the shared signal so the (synchronously waiting) writer wakes. It also ticks a shared
// progress counter per provider–client pair, so a long slice is not mistaken for a dead worker.
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { openDatabaseReadOnly } from "../storage/database.js";
import { InMemoryMasterKeys } from "./masterKeys.js";
import { SliceVerifier, type Slice, type SliceOutcome } from "./sliceVerifier.js";
import type { VerifierSettings } from "./settings.js";
import { SIGNAL_PROGRESS, SIGNAL_RESULTS } from "./verifySignal.js";

export interface VerifyWorkerData {
  dbPath: string;
  keys: [number, Uint8Array][];
  settings: VerifierSettings;
  runId: number;
  results: MessagePort;
  signal: Int32Array;
}

export type VerifyTask = { slice: number; components: Slice } | { stop: true };
export type VerifyResult = { slice: number; outcome: SliceOutcome } | { slice: number; error: string };

const data = workerData as VerifyWorkerData;

function post(result: VerifyResult): void {
  data.results.postMessage(result);
  Atomics.add(data.signal, SIGNAL_RESULTS, 1);
  Atomics.notify(data.signal, SIGNAL_RESULTS);
}

let verifier: SliceVerifier | null = null;
let startError: string | null = null;
const db = (() => {
  try {
    const db = openDatabaseReadOnly(data.dbPath);
    verifier = new SliceVerifier(db, new InMemoryMasterKeys(data.keys), data.settings, data.runId, () => Atomics.add(data.signal, SIGNAL_PROGRESS, 1));
    return db;
  } catch (error) {
    startError = (error as Error).stack ?? String(error);
    return null;
  }
})();

parentPort!.on("message", (task: VerifyTask) => {
  if ("stop" in task) {
    db?.close();
    parentPort!.close();
    data.results.close();
    return;
  }
  if (!verifier) return post({ slice: task.slice, error: startError ?? "worker not started" });
  try {
    post({ slice: task.slice, outcome: verifier.verify(task.components) });
  } catch (error) {
    post({ slice: task.slice, error: (error as Error).stack ?? String(error) });
  }
});
