// Chromium's Bluetooth emulation (CDP BluetoothEmulation, on the browser's session) bridged to a
// simulated fob running the real bundle: the page's navigator.bluetooth is Chromium's own; the
// emulated peripheral offers the Nordic UART service, its chooser prompt is answered through
// DeviceAccess, the page's writes to RX go to the fob's BLE UART (device.bleWrite) and the fob's
// answer bytes (device "bleData") go back to the page.
//
// What the emulation cannot do: deliver a notification. CDP's CharacteristicOperationType has
// read, write, subscribe and unsubscribe only, so the peripheral's TX also allows a read, and
// the fob's answer reaches the page as the answer to its read of TX (the lowest level the
// emulation allows). A real fob's TX notifies only, and the app reads only where TX allows it.
import type { BrowserContext, CDPSession, Page } from "playwright-core";
import type { SimulatedDevice } from "../../simulator/device/simulatedDevice.js";

const NUS = "6e400001-b5a3-f393-e0a9-e50e24dcca9e";
const RX = "6e400002-b5a3-f393-e0a9-e50e24dcca9e";
const TX = "6e400003-b5a3-f393-e0a9-e50e24dcca9e";

export interface BluetoothBridge {
  /** What the page wrote to RX, as text. */
  written: string[];
  /** The emulation's operations, in order (for the test's account of what happened). */
  operations: string[];
}

export async function bridgeFobToChromium(context: BrowserContext, page: Page, device: SimulatedDevice, address = "0C:0F:0E:00:00:01"): Promise<BluetoothBridge> {
  const browser = context.browser();
  if (!browser) throw new Error("no browser session for BluetoothEmulation");
  const cdp: CDPSession = await browser.newBrowserCDPSession();
  const pageCdp: CDPSession = await context.newCDPSession(page);
  const send = (method: string, params: object = {}) => cdp.send(method as never, params as never) as Promise<Record<string, string>>;
  const bridge: BluetoothBridge = { written: [], operations: [] };
  let pending: number[] = [];
  let readWaiter: (() => void) | null = null;
  device.on("bleData", (bytes: Uint8Array) => {
    pending.push(...bytes);
    readWaiter?.();
  });

  await send("BluetoothEmulation.enable", { state: "powered-on", leSupported: true });
  await send("BluetoothEmulation.simulatePreconnectedPeripheral", { address, name: "EVV fob", manufacturerData: [], knownServiceUuids: [NUS] });
  const { serviceId } = await send("BluetoothEmulation.addService", { address, serviceUuid: NUS });
  const rx = (await send("BluetoothEmulation.addCharacteristic", { serviceId, characteristicUuid: RX, properties: { write: true, writeWithoutResponse: true } })).characteristicId;
  const tx = (await send("BluetoothEmulation.addCharacteristic", { serviceId, characteristicUuid: TX, properties: { notify: true, read: true } })).characteristicId;
  // The client characteristic configuration descriptor, which notifications need.
  await send("BluetoothEmulation.addDescriptor", { characteristicId: tx, descriptorUuid: "00002902-0000-1000-8000-00805f9b34fb" });
  cdp.on("BluetoothEmulation.descriptorOperationReceived" as never, (event: { descriptorId: string; type: string }) => {
    bridge.operations.push(`descriptor ${event.type}`);
    void send("BluetoothEmulation.simulateDescriptorOperationResponse", { descriptorId: event.descriptorId, type: event.type, code: 0 });
  });

  // The browser's device chooser: pick the fob once per prompt (a second pick crashes Chromium 156).
  const answered = new Set<string>();
  await pageCdp.send("DeviceAccess.enable" as never);
  pageCdp.on("DeviceAccess.deviceRequestPrompted" as never, (event: { id: string; devices: { id: string }[] }) => {
    bridge.operations.push(`prompt ${JSON.stringify(event.devices)}`);
    const fob = event.devices.find((d) => d.id.toLowerCase() === address.toLowerCase());
    if (!fob || answered.has(event.id)) return;
    answered.add(event.id);
    void pageCdp.send("DeviceAccess.selectPrompt" as never, { id: event.id, deviceId: fob.id } as never);
  });

  cdp.on("BluetoothEmulation.gattOperationReceived" as never, (event: { address: string; type: string }) => {
    bridge.operations.push(`gatt ${event.type}`);
    if (event.type === "connection" && !device.isBleConnected()) device.bleConnect();
    void send("BluetoothEmulation.simulateGATTOperationResponse", { address: event.address, type: event.type, code: 0 });
  });
  cdp.on("BluetoothEmulation.characteristicOperationReceived" as never, (event: { characteristicId: string; type: string; data?: string; writeType?: string }) => {
    bridge.operations.push(`${event.characteristicId === rx ? "rx" : "tx"} ${event.type}`);
    if (event.characteristicId === rx && event.type === "write") {
      const bytes = Buffer.from(event.data ?? "", "base64");
      bridge.written.push(bytes.toString("latin1"));
      device.bleWrite(new Uint8Array(bytes));
      if (event.writeType === "write-with-response") void send("BluetoothEmulation.simulateCharacteristicOperationResponse", { characteristicId: rx, type: "write", code: 0 });
      return;
    }
    if (event.characteristicId === tx && event.type === "read") {
      const answer = () => {
        readWaiter = null;
        const data = Buffer.from(pending).toString("base64");
        pending = [];
        void send("BluetoothEmulation.simulateCharacteristicOperationResponse", { characteristicId: tx, type: "read", code: 0, data });
      };
      if (pending.length > 0) answer();
      else readWaiter = answer;
      return;
    }
    void send("BluetoothEmulation.simulateCharacteristicOperationResponse", { characteristicId: event.characteristicId, type: event.type, code: 0 });
  });
  return bridge;
}
