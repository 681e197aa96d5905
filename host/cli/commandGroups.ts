// Every command group of the CLI, in the order `evv --help` lists them.
import type { Command } from "commander";
import { registerDeviceCommands } from "./commands/device.js";
import { registerKeystoreCommands } from "./commands/keystore.js";
import { registerReadCommand } from "./commands/read.js";

export type CommandGroup = (program: Command) => void;

export const commandGroups: CommandGroup[] = [registerReadCommand, registerKeystoreCommands, registerDeviceCommands];
