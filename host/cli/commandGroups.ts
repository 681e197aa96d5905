// Every command group of the CLI, in the order `evv --help` lists them.
import type { Command } from "commander";

export type CommandGroup = (program: Command) => void;

export const commandGroups: CommandGroup[] = [];
