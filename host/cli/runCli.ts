// Runs the parsed program and turns failures into a clear message and a meaningful exit code.
import type { Command } from "commander";
import { cliFailure, EXIT_USAGE } from "./cliError.js";
import { reportFailure, takeOverUsageErrors, wantsJson } from "./errorOutput.js";

export async function runCli(program: Command, argv: string[]): Promise<void> {
  const json = wantsJson(argv.slice(2));
  takeOverUsageErrors(program, json);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    const e = error as { code?: string; exitCode?: number; message?: string };
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || (e.code === "commander.help" && !e.exitCode)) {
      process.exitCode = 0;
      return;
    }
    if (e.code === "commander.help") {
      // A command group called without a subcommand: its help went to stderr.
      if (json) reportFailure("a subcommand is needed (see --help)", EXIT_USAGE, true);
      process.exitCode = EXIT_USAGE;
      return;
    }
    if (typeof e.code === "string" && e.code.startsWith("commander.")) {
      // Every error commander raises is a usage error (unknown option or command, missing
      // argument or required option, a value outside its choices): exit 2, whatever commander says.
      if (json) reportFailure((e.message ?? "").replace(/^error: /, ""), EXIT_USAGE, true);
      process.exitCode = EXIT_USAGE;
      return;
    }
    const { message, exitCode } = cliFailure(error);
    reportFailure(message, exitCode, json);
    process.exitCode = exitCode;
  }
}
