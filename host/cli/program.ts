// The `evv` program: every command group of host/cli/commands/ registered on one commander tree.
import { Command } from "commander";
import { commandGroups } from "./commandGroups.js";

export function evvProgram(): Command {
  const program = new Command();
  program
    .name("evv")
    .description("Open EVV fob tool: read visit codes, provision devices, verify visits against ND rules")
    .version("0.1.0")
    .showHelpAfterError()
    .addHelpText("after", "\nExit codes: 0 done, 1 unexpected failure, 2 bad arguments, 3 bad input, 4 device or link failed, 5 rejected, 6 storage unavailable (read-only, disk full, database locked).");
  for (const group of commandGroups) group(program);
  return program;
}
