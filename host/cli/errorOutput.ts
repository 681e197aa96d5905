// How `evv` reports a failure: one line `evv: <message>` on stderr, or with --json one JSON
// document on stdout, {"error": {"code", "exitCode", "message"}}, so a script that reads
// stdout always gets JSON: the result on success, this object on failure (README "Exit codes").
import type { Command } from "commander";
import { EXIT_BAD_INPUT, EXIT_DEVICE, EXIT_ENVIRONMENT, EXIT_FAILURE, EXIT_REJECTED, EXIT_USAGE } from "./cliError.js";

const CODE_NAMES: Record<number, string> = {
  [EXIT_FAILURE]: "FAILURE",
  [EXIT_USAGE]: "USAGE",
  [EXIT_BAD_INPUT]: "BAD_INPUT",
  [EXIT_DEVICE]: "DEVICE",
  [EXIT_REJECTED]: "REJECTED",
  [EXIT_ENVIRONMENT]: "STORAGE_UNAVAILABLE",
};

export function errorCodeName(exitCode: number): string {
  return CODE_NAMES[exitCode] ?? "FAILURE";
}

export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end === -1 ? argv : argv.slice(0, end)).includes("--json");
}

export function reportFailure(message: string, exitCode: number, json: boolean): void {
  if (json) process.stdout.write(JSON.stringify({ error: { code: errorCodeName(exitCode), exitCode, message } }, null, 2) + "\n");
  else process.stderr.write(`evv: ${message}\n`);
}

/** Every command in the tree, the program first. */
export function commandTree(program: Command): Command[] {
  return [program, ...program.commands.flatMap((c) => commandTree(c))];
}

/**
 * Makes every command in the tree throw its usage errors instead of exiting (commander's
 * exitOverride is copied only to subcommands created after it is called), and, with --json,
 * keeps commander's own text off stderr: runCli prints the error as JSON instead.
 */
export function takeOverUsageErrors(program: Command, json: boolean): void {
  for (const command of commandTree(program)) {
    command.exitOverride();
    if (json) command.configureOutput({ writeErr: () => undefined, outputError: () => undefined });
  }
}
