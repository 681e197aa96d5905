// Ways the tester's command can expose its simulated device to other programs (an emulated
// HCI controller on a pseudo-terminal for noble, a serial console on a pseudo-terminal for
// serialport). Each exposure adds its own flags and starts from the running device; main.ts
// registers the flags of every exposure listed here and starts those whose flags were given.
import type { Command } from "commander";
import type { SimulatedDevice } from "../device/simulatedDevice.js";
import { hciPtyExposure, serialPtyExposure, tcpConsoleExposure } from "../transports/testerExposures.js";

export interface DeviceExposure {
  /** Adds this exposure's flags to the command. */
  addOptions(command: Command): void;
  /** Starts when its flags were given; returns a stop function, or null when not asked for. */
  start(device: SimulatedDevice, flags: Record<string, unknown>, log: (line: string) => void): Promise<(() => Promise<void>) | null>;
}

/** The transports add their exposures here (simulator/transports/ owns them). */
export const DEVICE_EXPOSURES: DeviceExposure[] = [hciPtyExposure, serialPtyExposure, tcpConsoleExposure];
