// The entry of a worker thread whose module is TypeScript (tsxThread.ts): the host runs
// TypeScript through tsx's loader (as bin/evv.js does), so the thread registers it, then loads
// the module named by its first argument. A module that cannot load ends the thread with an
// error, which its owner handles (the commit thread's fails the submissions rather than hang them).
import { register } from "tsx/esm/api";

register();
await import(process.argv[2]);
