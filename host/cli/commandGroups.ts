// Every command group of the CLI, in the order `evv --help` lists them, each with the top-level
// commands it registers. A group's module (and everything it imports: the reader's transports,
// the verifier, the service) is loaded only when the command line names one of its commands, or
// when the whole tree is needed (`evv --help`, no command, a command not known): each module goes
// through tsx's loader at start-up, and loading all of them for every command made `evv` take
// about twice as long to start (README, "The `evv` command"; `npm run bench cliStart`).
import type { Command } from "commander";

export interface CommandGroup {
  /** The top-level commands (`evv <name>`) the group registers. */
  readonly names: readonly string[];
  /** Loads the group's module and gives its registration. */
  readonly load: () => Promise<(program: Command) => void>;
}

export const commandGroups: readonly CommandGroup[] = [
  { names: ["read"], load: async () => (await import("./commands/read.js")).registerReadCommand },
  { names: ["keystore"], load: async () => (await import("./commands/keystore.js")).registerKeystoreCommands },
  { names: ["device"], load: async () => (await import("./commands/device.js")).registerDeviceCommands },
  { names: ["import"], load: async () => (await import("./commands/import.js")).registerImportCommand },
  { names: ["verify"], load: async () => (await import("./commands/verify.js")).registerVerifyCommand },
  { names: ["visit"], load: async () => (await import("./commands/visit.js")).registerVisitCommands },
  { names: ["export"], load: async () => (await import("./commands/export.js")).registerExportCommands },
  { names: ["report"], load: async () => (await import("./commands/report.js")).registerReportCommands },
  { names: ["serve"], load: async () => (await import("./commands/serve.js")).registerServeCommand },
  { names: ["caregiver", "throttle"], load: async () => (await import("./commands/caregiver.js")).registerCaregiverCommands },
  { names: ["reader"], load: async () => (await import("./commands/reader.js")).registerReaderCommands },
];

/**
 * The groups that `evv <args>` needs: none for `--version` alone; the one registering the command
 * its first argument names; every group when the first argument is another option (`--help`),
 * commander's own `help` command, missing, or no group's command (so that the error lists what
 * there is).
 */
export function groupsFor(args: readonly string[]): readonly CommandGroup[] {
  const named = args[0];
  if (args.length === 1 && (named === "--version" || named === "-V")) return [];
  const group = named === undefined ? undefined : commandGroups.find((g) => g.names.includes(named));
  return group ? [group] : commandGroups;
}
