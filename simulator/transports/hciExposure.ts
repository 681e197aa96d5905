// An emulated HCI controller on a pseudo-terminal, with simulated devices in range. The host
// runs the unchanged noble stack with BLUETOOTH_HCI_SOCKET_UART_PORT=<hostPath>: noble's
// UART driver opens that path with serialport, exactly as it would a USB HCI dongle.
import { SerialPort } from "serialport";
import { HciController, currentAddressOf, type DeviceInRange } from "./hciController.js";
import type { LinkFault } from "./linkFault.js";
import { PtyPair } from "./ptyPair.js";
import type { TransportDevice } from "./transportDevice.js";

export interface HciDeviceOptions {
  /** dBm the scanner hears; default -55. */
  rssi?: number;
  /**
   * Random static address for a device without one of its own (no macAddress); default
   * derived from its position. A device with its own address is heard at its current one.
   */
  address?: string;
}

export class HciExposure {
  private readonly inRange: DeviceInRange[] = [];

  private constructor(
    private readonly pair: PtyPair,
    private readonly port: SerialPort,
    readonly controller: HciController,
  ) {}

  /** Set BLUETOOTH_HCI_SOCKET_UART_PORT to this for noble. */
  get hostPath(): string {
    return this.pair.hostPath;
  }

  static async open(): Promise<HciExposure> {
    const pair = await PtyPair.open();
    const port = new SerialPort({ path: pair.devicePath, baudRate: 1000000, autoOpen: false, hupcl: false });
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    const controller = new HciController((bytes) => {
      if (port.isOpen) port.write(Buffer.from(bytes));
    });
    port.on("data", (data: Buffer) => controller.fromHost(new Uint8Array(data)));
    return new HciExposure(pair, port, controller);
  }

  /**
   * Puts a device in range of the controller. Returns the address it is heard at now: a
   * device that rotates its address (the EVV firmware, every 15 minutes) is heard at the new
   * one from its next advertising event, so read device.macAddress again before connecting.
   */
  addDevice(device: TransportDevice, options: HciDeviceOptions = {}): string {
    const n = this.inRange.length + 1;
    if (options.address !== undefined && device.macAddress !== undefined)
      throw new Error(`this device has its own address (${device.macAddress}): it cannot be given ${options.address}`);
    const address = options.address ?? `c4:7a:10:00:00:${n.toString(16).padStart(2, "0")}`;
    const entry = { device, address, rssi: options.rssi ?? -55 };
    this.inRange.push(entry);
    this.controller.addDevice(entry);
    return currentAddressOf(entry);
  }

  /** Out of range: no advertisement is heard and a connection times out. */
  setInRange(address: string, inRange: boolean): void {
    this.controller.setInRange(address, inRange);
  }

  injectFault(fault: LinkFault | null): void {
    this.controller.injectFault(fault);
  }

  async close(): Promise<void> {
    this.controller.stop();
    if (this.port.isOpen) await new Promise<void>((resolve) => this.port.close(() => resolve()));
    await this.pair.close();
  }
}
