// The intake service's WAL checkpoint thread (SQLite only; groupCommit.ts starts it). The commit
// thread's connection checkpoints only once the WAL is large (groupCommit.ts says why): a checkpoint copies the WAL's
// pages into the database file and fsyncs it, tens of milliseconds on a disk, and on the commit
// thread every reading waiting for the next batch waited for it too. Here, on a connection of its
// own, a PASSIVE checkpoint every `intervalMs` copies what no reader still needs, beside the
// commits (WAL mode lets a checkpoint and a writer run at once), so the WAL stays small and is
// rewound by the next commit once it is all copied. Commits stay durable by their own WAL fsync.
// Plain JavaScript so that it loads without a TypeScript loader.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

const { dbPath, intervalMs } = workerData;
const db = new Database(dbPath);
db.pragma("busy_timeout = 50");
// The checkpoint fsyncs the WAL before it copies and the database file after (as at FULL).
db.pragma("synchronous = FULL");

const timer = setInterval(() => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (error) {
    // Busy (another checkpoint, e.g. an `evv verify` run's) or gone: the next tick tries again.
    if (!String(error?.code).startsWith("SQLITE_BUSY")) parentPort.postMessage({ error: error.message });
  }
}, intervalMs);

parentPort.on("message", (message) => {
  if (message?.close) {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
