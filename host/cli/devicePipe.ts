// Which link a device command talks over: --serial <path> (serialport) or --ble <address>
// (noble, Nordic UART: set BLUETOOTH_HCI_SOCKET_UART_PORT for a UART HCI controller).
// Both give the same byte pipe.
import { Option } from "commander";
import type { BytePipe } from "../transport/deviceLink.js";
import { DEFAULT_SERIAL_BAUD, openSerialPipe } from "../transport/serialPipe.js";
import { openBlePipeByAddress } from "../transport/blePipeByAddress.js";
import { CliError, EXIT_DEVICE, EXIT_USAGE } from "./cliError.js";

export interface DeviceLinkOptions {
  serial?: string;
  baud: string;
  ble?: string;
}

export function deviceLinkOptions(): Option[] {
  return [
    new Option("--serial <path>", "serial port of the device's console (e.g. /dev/ttyUSB0)"),
    new Option("--baud <rate>", "serial baud rate").default(String(DEFAULT_SERIAL_BAUD)),
    new Option("--ble <address>", "BLE address of the device (Nordic UART)"),
  ];
}

/** Checks the link options without opening anything (so usage errors come before any other work). */
export function checkDeviceLinkOptions(options: DeviceLinkOptions): void {
  if ((options.serial === undefined) === (options.ble === undefined)) throw new CliError("give exactly one of --serial <path> or --ble <address>", EXIT_USAGE);
  if (options.serial !== undefined && options.serial.trim() === "") throw new CliError("--serial: the serial port path is empty", EXIT_USAGE);
  if (options.ble !== undefined && !/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(options.ble)) throw new CliError(`--ble: ${JSON.stringify(options.ble)} is not a BLE address like c4:7a:10:00:00:01`, EXIT_USAGE);
  const baud = Number(options.baud);
  if (!Number.isInteger(baud) || baud <= 0) throw new CliError(`--baud: must be a positive whole number, got ${options.baud}`, EXIT_USAGE);
}

export async function openDevicePipe(options: DeviceLinkOptions): Promise<BytePipe> {
  checkDeviceLinkOptions(options);
  try {
    if (options.serial !== undefined) return await openSerialPipe(options.serial, Number(options.baud));
    return await openBlePipeByAddress(options.ble!);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError((error as Error).message, EXIT_DEVICE);
  }
}
