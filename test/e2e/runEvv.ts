// The tests run the real CLI, and the other commands they start, the way the demo does: as
// subprocesses awaited, never synchronously (a worker blocked past vitest's 60 s RPC limit fails
// the whole run, and a test's own timeout cannot stop a synchronous run).
export { runEvv, runProcess, type EvvRun } from "../../demo/evvProcess.js";
