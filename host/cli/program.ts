// The `evv` program: the command groups of host/cli/commands/ registered on one commander tree;
// only the group the command line names, or all of them (commandGroups.ts).
import { Command } from "commander";
import { commandGroups, groupsFor } from "./commandGroups.js";

/** `args`: the command line after `node evv` (only the groups it needs are loaded); none: the whole tree. */
export async function evvProgram(args?: readonly string[]): Promise<Command> {
  const program = new Command();
  program
    .name("evv")
    .description("Open EVV fob tool: read visit codes, provision devices, verify visits against ND rules")
    .version("0.1.0")
    .showHelpAfterError()
    .addHelpText("after", "\nExit codes: 0 done, 1 unexpected failure, 2 bad arguments, 3 bad input, 4 device or link failed, 5 rejected, 6 storage unavailable (read-only, disk full, database locked).");
  const groups = args === undefined ? commandGroups : groupsFor(args);
  const registrations = await Promise.all(groups.map((group) => group.load()));
  for (const register of registrations) register(program);
  return program;
}
