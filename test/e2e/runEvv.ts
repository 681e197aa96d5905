// The end-to-end tests run the real CLI the way the demo does.
export { runEvv, type EvvRun } from "../../demo/evvProcess.js";
