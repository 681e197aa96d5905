// The `evv` command line. Each command group lives in host/cli/commands/ and registers itself (program.ts).
import { evvProgram } from "./program.js";
import { runCli } from "./runCli.js";

await runCli(evvProgram(), process.argv);
