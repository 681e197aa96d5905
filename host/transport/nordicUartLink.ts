// The BLE Nordic UART DeviceLink: connect, find the NUS service, subscribe to TX
// notifications, write requests to RX without response in chunks of at most 20 bytes
// (the default ATT MTU minus 3, as Espruino expects), and report a lost connection as a drop.
import type { Characteristic, Peripheral } from "@stoprocent/noble";
import type { BytePipe, DeviceLink } from "./deviceLink.js";
import { LineLink } from "./lineLink.js";
import { LinkError } from "./linkError.js";

export const NUS_SERVICE = "6e400001b5a3f393e0a9e50e24dcca9e";
export const NUS_RX = "6e400002b5a3f393e0a9e50e24dcca9e";
export const NUS_TX = "6e400003b5a3f393e0a9e50e24dcca9e";
export const NUS_CHUNK = 20;
export const DEFAULT_CONNECT_TIMEOUT_MS = 8000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new LinkError("timeout", `${what} did not complete within ${ms} ms`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function openNordicUartPipe(peripheral: Peripheral, timeoutMs: number): Promise<BytePipe> {
  await withTimeout(peripheral.connectAsync(), timeoutMs, `connecting to ${peripheral.address}`, () => peripheral.cancelConnect?.());
  const dropListeners: Array<(reason: string) => void> = [];
  let closing = false;
  const onDisconnect = (reason: unknown) => {
    if (closing) return;
    closing = true;
    const text = typeof reason === "number" ? `BLE link lost, HCI reason 0x${reason.toString(16).padStart(2, "0")}` : `BLE link lost (${String(reason)})`;
    for (const listener of dropListeners) listener(text);
  };
  peripheral.once("disconnect", onDisconnect);
  let rx: Characteristic | undefined;
  let tx: Characteristic | undefined;
  try {
    const { characteristics } = await withTimeout(
      peripheral.discoverSomeServicesAndCharacteristicsAsync([NUS_SERVICE], [NUS_RX, NUS_TX]),
      timeoutMs,
      "finding the Nordic UART service",
      () => undefined,
    );
    rx = characteristics.find((c) => c.uuid === NUS_RX);
    tx = characteristics.find((c) => c.uuid === NUS_TX);
    if (!rx || !tx) throw new LinkError("malformed", `${peripheral.address} has no Nordic UART service (RX/TX characteristics missing)`);
    await withTimeout(tx.subscribeAsync(), timeoutMs, "subscribing to Nordic UART TX", () => undefined);
  } catch (error) {
    closing = true;
    await peripheral.disconnectAsync().catch(() => undefined);
    throw closingError(error);
  }
  const rxCharacteristic = rx;
  const txCharacteristic = tx;
  return {
    write: async (bytes) => {
      for (let i = 0; i < bytes.length; i += NUS_CHUNK) {
        await rxCharacteristic.writeAsync(Buffer.from(bytes.subarray(i, i + NUS_CHUNK)), true);
      }
    },
    onBytes: (listener) => txCharacteristic.on("data", (data: Buffer) => listener(new Uint8Array(data))),
    onDropped: (listener) => dropListeners.push(listener),
    close: async () => {
      if (closing) return;
      closing = true;
      peripheral.removeListener("disconnect", onDisconnect);
      await withTimeout(peripheral.disconnectAsync(), 2000, "disconnecting", () => undefined).catch(() => undefined);
    },
  };
}

function closingError(error: unknown): Error {
  return error instanceof LinkError ? error : new LinkError("dropped", `BLE connection failed: ${(error as Error).message}`);
}

export async function openNordicUartLink(peripheral: Peripheral, timeoutMs = DEFAULT_CONNECT_TIMEOUT_MS, maxLineLength?: number): Promise<DeviceLink> {
  const pipe = await openNordicUartPipe(peripheral, timeoutMs);
  return new LineLink("ble", `BLE ${peripheral.address} (Nordic UART)`, pipe, maxLineLength);
}
