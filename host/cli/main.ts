// The `evv` command line. Each command group lives in host/cli/commands/ and registers itself
// (program.ts); only the one the command line names is loaded (commandGroups.ts).
import { evvProgram } from "./program.js";
import { runCli } from "./runCli.js";

await runCli(await evvProgram(process.argv.slice(2)), process.argv);
