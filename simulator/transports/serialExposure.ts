// A simulated device's serial console on a pseudo-terminal: the device's "serialData" goes
// out on the simulator's side of a PtyPair, and what the host writes on its side reaches
// device.serialWrite. The host opens PtyPair.hostPath with the real serialport.
import { SerialPort } from "serialport";
import { BaudPacer } from "./baudPacer.js";
import { FaultInjector, type LinkFault } from "./linkFault.js";
import { PtyPair } from "./ptyPair.js";
import type { TransportDevice } from "./transportDevice.js";

export class SerialExposure {
  private constructor(
    private readonly pair: PtyPair,
    private readonly port: SerialPort,
    private readonly faults: FaultInjector,
    private readonly detach: () => void,
    private readonly pacers: BaudPacer[],
  ) {}

  /** The path the host opens, like a USB adapter's /dev/ttyACM0. */
  get hostPath(): string {
    return this.pair.hostPath;
  }

  /**
   * baudRate paces the bytes both ways as the board's UART would (9600 for the Puck.js and
   * Pixl.js console); 0, the default, passes them at pseudo-terminal speed (firmware uploads
   * in tests would otherwise take a minute, as they do on the wire).
   */
  static async open(device: TransportDevice, options: { fault?: LinkFault | null; baudRate?: number } = {}): Promise<SerialExposure> {
    const baudRate = options.baudRate ?? 0;
    const pair = await PtyPair.open();
    const port = new SerialPort({ path: pair.devicePath, baudRate: baudRate || 9600, autoOpen: false, hupcl: false });
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    const writeToPort = (bytes: Uint8Array) => {
      if (port.isOpen) port.write(Buffer.from(bytes));
    };
    const toDevice = (bytes: Uint8Array) => device.serialWrite(bytes);
    const pacers = baudRate > 0 ? [new BaudPacer(baudRate, writeToPort), new BaudPacer(baudRate, toDevice)] : [];
    const toHost = pacers.length ? (bytes: Uint8Array) => pacers[0].push(bytes) : writeToPort;
    const faults = new FaultInjector(options.fault ?? null, {
      forward: pacers.length ? (bytes) => pacers[1].push(bytes) : toDevice,
      answer: toHost,
      hangUp: () => pair.hangUpHostSide(),
    });
    port.on("data", (data: Buffer) => faults.fromHost(new Uint8Array(data)));
    device.on("serialData", toHost);
    return new SerialExposure(pair, port, faults, () => device.off("serialData", toHost), pacers);
  }

  /** Arms a fault for the host's next request of a command. */
  injectFault(fault: LinkFault | null): void {
    this.faults.arm(fault);
  }

  async close(): Promise<void> {
    this.detach();
    for (const pacer of this.pacers) pacer.stop();
    if (this.port.isOpen) await new Promise<void>((resolve) => this.port.close(() => resolve()));
    await this.pair.close();
  }
}
