// Runs the parsed program and turns failures into a clear message and a meaningful exit code.
import type { Command } from "commander";
import { CliError, EXIT_ENVIRONMENT, EXIT_FAILURE, storageFailure } from "./cliError.js";

export async function runCli(program: Command, argv: string[]): Promise<void> {
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    const e = error as { code?: string; exitCode?: number; message?: string };
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") {
      process.exitCode = 0;
      return;
    }
    if (typeof e.code === "string" && e.code.startsWith("commander.")) {
      process.exitCode = e.exitCode ?? 2;
      return;
    }
    if (error instanceof CliError) {
      process.stderr.write(`evv: ${error.message}\n`);
      process.exitCode = error.exitCode;
      return;
    }
    const storage = storageFailure(error);
    process.stderr.write(`evv: ${storage ?? e.message ?? String(error)}\n`);
    process.exitCode = storage ? EXIT_ENVIRONMENT : EXIT_FAILURE;
  }
}
