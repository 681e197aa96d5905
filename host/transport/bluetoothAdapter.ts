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
  const where = process.env.BLUETOOTH_HCI_SOCKET_UART_PORT && !given
    ? `the HCI controller on ${process.env.BLUETOOTH_HCI_SOCKET_UART_PORT}`
    : "the Bluetooth adapter";
  try {
    await poweredOn(noble, timeoutMs, where);
  } catch (error) {
    release(noble);
    throw error;
  }
  return { noble, release: () => release(noble) };
}

/** Resolves once powered on; fails at once when the stack says it never will. */
function poweredOn(noble: Noble, timeoutMs: number, where: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null) => {
      clearTimeout(timer);
      noble.removeListener("stateChange", onState);
      if (error) reject(error);
      else resolve();
    };
    const onState = (state: string) => {
      if (state === "poweredOn") done(null);
      else if (state === "unsupported") done(new LinkError("unavailable", `${where} is missing or does not support Bluetooth LE (for an HCI controller on a UART set BLUETOOTH_HCI_SOCKET_UART_PORT)`));
      else if (state === "unauthorized") done(new LinkError("unavailable", `${where} needs permission: run with the capability cap_net_raw or as a member of the bluetooth group`));
    };
    const timer = setTimeout(() => done(new LinkError("unavailable", `${where} did not power on within ${timeoutMs} ms (state: ${noble.state})`)), timeoutMs);
    noble.on("stateChange", onState);
    if (noble.state === "poweredOn") done(null);
  });
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
