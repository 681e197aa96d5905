// A Nordic UART byte pipe to the fob at a known BLE address: listen until it advertises,
// connect, and hand back the pipe (for device commands: journal pull, time sync,
// provisioning over BLE). Releasing the pipe also releases the adapter. A provisioned fob
// rotates its address every 15 minutes, so the address must be a current one.
import type { Noble, Peripheral } from "@stoprocent/noble";
import type { BytePipe } from "./deviceLink.js";
import { openBluetoothAdapter } from "./bluetoothAdapter.js";
import { LinkError } from "./linkError.js";
import { DEFAULT_CONNECT_TIMEOUT_MS, openNordicUartPipe } from "./nordicUartLink.js";

function sameAddress(a: string, b: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/[^0-9a-f]/g, "");
  return norm(a) === norm(b);
}

function findPeripheral(noble: Noble, address: string, timeoutMs: number): Promise<Peripheral> {
  return new Promise((resolve, reject) => {
    const onDiscover = (peripheral: Peripheral) => {
      if (!sameAddress(peripheral.address, address)) return;
      done();
      resolve(peripheral);
    };
    const timer = setTimeout(() => {
      done();
      reject(
        new LinkError(
          "not-found",
          `${address} did not advertise within ${timeoutMs} ms: press the fob's button first (a Puck.js is on air for 2 minutes after a press); a provisioned fob changes its address every 15 minutes, so give the address it advertises now (evv read --ble prints it)`,
        ),
      );
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      noble.removeListener("discover", onDiscover);
      noble.stopScanningAsync().catch(() => undefined);
    };
    noble.on("discover", onDiscover);
    noble.startScanningAsync([], true).catch((error: Error) => {
      done();
      reject(new LinkError("unavailable", `cannot scan: ${error.message}`));
    });
  });
}

export async function openBlePipeByAddress(address: string, options: { scanTimeoutMs?: number; connectTimeoutMs?: number; noble?: Noble } = {}): Promise<BytePipe> {
  const adapter = await openBluetoothAdapter(undefined, options.noble);
  try {
    const peripheral = await findPeripheral(adapter.noble, address, options.scanTimeoutMs ?? 15000);
    const pipe = await openNordicUartPipe(peripheral, options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
    return {
      write: (bytes) => pipe.write(bytes),
      onBytes: (listener) => pipe.onBytes(listener),
      onDropped: (listener) => pipe.onDropped(listener),
      close: async () => {
        await pipe.close();
        adapter.release();
      },
    };
  } catch (error) {
    adapter.release();
    throw error;
  }
}
