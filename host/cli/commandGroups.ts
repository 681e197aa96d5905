// Every command group of the CLI, in the order `evv --help` lists them.
import type { Command } from "commander";
import { registerDeviceCommands } from "./commands/device.js";
import { registerKeystoreCommands } from "./commands/keystore.js";
import { registerReadCommand } from "./commands/read.js";
import { registerImportCommand } from "./commands/import.js";
import { registerVerifyCommand } from "./commands/verify.js";
import { registerExportCommands } from "./commands/export.js";
import { registerReportCommands } from "./commands/report.js";
import { registerVisitCommands } from "./commands/visit.js";
import { registerServeCommand } from "./commands/serve.js";
import { registerCaregiverCommands } from "./commands/caregiver.js";
import { registerReaderCommands } from "./commands/reader.js";

export type CommandGroup = (program: Command) => void;

export const commandGroups: CommandGroup[] = [
  registerReadCommand,
  registerKeystoreCommands,
  registerDeviceCommands,
  registerImportCommand,
  registerVerifyCommand,
  registerVisitCommands,
  registerExportCommands,
  registerReportCommands,
  registerServeCommand,
  registerCaregiverCommands,
  registerReaderCommands,
];
