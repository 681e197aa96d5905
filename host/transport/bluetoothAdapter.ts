// The BLE adapter through the unchanged @stoprocent/noble stack. On Linux it is the kernel's
// HCI socket; with BLUETOOTH_HCI_SOCKET_UART_PORT=<path> (and optionally
// BLUETOOTH_HCI_SOCKET_UART_BAUDRATE) noble drives an HCI controller over a UART instead,
// which is how a USB HCI dongle in UART mode, or the simulator's emulated controller, is used.
// Loaded lazily: `evv --help` and serial reads never touch Bluetooth.
import { createRequire } from "node:module";
import type { Noble } from "@stoprocent/noble";
import { LinkError } from "./linkError.js";

export const DEFAULT_POWER_ON_TIMEOUT_MS = 5000;

export interface BluetoothAdapter {
  readonly noble: Noble;
  /** Stops scanning, drops connections and releases the adapter, so the process can exit. */
  release(): void;
}

/** The default noble instance, powered on; or `noble` given (in-process bindings for tests). */
export async function openBluetoothAdapter(timeoutMs = DEFAULT_POWER_ON_TIMEOUT_MS, given?: Noble): Promise<BluetoothAdapter> {
  const noble = given ?? ((await import("@stoprocent/noble")).default as Noble);
  try {
    await noble.waitForPoweredOnAsync(timeoutMs);
  } catch (error) {
    release(noble);
    const where = process.env.BLUETOOTH_HCI_SOCKET_UART_PORT
      ? `the HCI controller on ${process.env.BLUETOOTH_HCI_SOCKET_UART_PORT}`
      : "the Bluetooth adapter";
    throw new LinkError("unavailable", `${where} did not power on within ${timeoutMs} ms (state: ${noble.state}; ${(error as Error).message})`);
  }
  return { noble, release: () => release(noble) };
}

function release(noble: Noble): void {
  try {
    noble.stop();
  } catch {
    // Already stopped or never started: nothing to release.
  }
}

/**
 * A separate noble instance on an HCI UART at `path` (same driver as
 * BLUETOOTH_HCI_SOCKET_UART_PORT, without the environment variable): for tests and the bench,
 * which run several adapters in one process.
 */
export function nobleOnHciUart(path: string, baudRate = 1000000): Noble {
  const require = createRequire(import.meta.url);
  const { withBindings } = require("@stoprocent/noble") as { withBindings: (type: string, options: object) => Noble };
  return withBindings("hci", { hciDriver: "uart", bindParams: { uart: { port: path, baudRate } } });
}
