// The intake service's commit thread: its own connection to the database (synchronous = FULL),
// one batch at a time from groupCommit.ts, committed and fsync'd here so that the event loop
// goes on taking requests meanwhile. A batch the database is too busy to take (an `evv verify`
// run holds it) is retried every `retryMs` for up to `maxWaitMs`, then answered busy; a storage
// failure (a full disk, read-only storage) is answered as one, in storageFailure's words. Each
// batch's `intake.readings` audit entry is sealed with the seal key the service passes (its copy
// here is wiped when the thread closes).
import { parentPort, workerData } from "node:worker_threads";
import { openDatabase } from "../storage/database.js";
import { isPostgresLocation, isWriterLockTimeout } from "../storage/sqlDatabase.js";
import { sealAuditWith } from "../storage/auditLog.js";
import { storageFailure } from "../storage/storageFailure.js";
import { batchCommitter, type IntakeJob } from "./batchCommit.js";

const { dbPath, auditSealKey, retryMs, maxWaitMs, walAutocheckpointPages } = workerData as {
  dbPath: string;
  auditSealKey: Uint8Array;
  retryMs: number;
  maxWaitMs: number;
  walAutocheckpointPages: number;
};
const db = openDatabase(dbPath);
sealAuditWith(db, auditSealKey);
db.pragma("synchronous = FULL");
db.pragma("busy_timeout = 50");
// The WAL is checkpointed by a thread of its own (walCheckpointer.mjs); this connection only when it has grown large.
if (!isPostgresLocation(dbPath)) db.pragma(`wal_autocheckpoint = ${walAutocheckpointPages}`);
const commit = batchCommitter(db);
const port = parentPort!;

function attempt(batch: number, jobs: IntakeJob[], firstTry: number): void {
  try {
    port.postMessage({ batch, outcomes: commit(jobs) });
  } catch (error) {
    const busy = isWriterLockTimeout(error);
    if (busy && Date.now() - firstTry < maxWaitMs) setTimeout(() => attempt(batch, jobs, firstTry), retryMs);
    else if (busy) port.postMessage({ batch, error: { unavailable: true, message: `the database stayed busy for ${maxWaitMs} ms; nothing was stored` } });
    else {
      // The storage failing (a full disk, read-only, I/O) is the service's state, not the request's: the reader keeps the reading and sends it again.
      const storage = storageFailure(error);
      port.postMessage({ batch, error: { unavailable: storage !== null, message: storage ?? (error as Error).message } });
    }
  }
}

port.on("message", (message: { batch: number; jobs: IntakeJob[] } | { close: true }) => {
  if ("close" in message) {
    db.close();
    auditSealKey.fill(0);
    port.close();
    return;
  }
  attempt(message.batch, message.jobs, Date.now());
});
