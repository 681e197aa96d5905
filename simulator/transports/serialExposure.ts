// A simulated device's serial console on a pseudo-terminal: the device's "serialData" goes
// out on the simulator's side of a PtyPair, and what the host writes on its side reaches
// device.serialWrite. The host opens PtyPair.hostPath with the real serialport.
import { SerialPort } from "serialport";
import { FaultInjector, type LinkFault } from "./linkFault.js";
import { PtyPair } from "./ptyPair.js";
import type { TransportDevice } from "./transportDevice.js";

export class SerialExposure {
  private constructor(
    private readonly pair: PtyPair,
    private readonly port: SerialPort,
    private readonly faults: FaultInjector,
    private readonly detach: () => void,
  ) {}

  /** The path the host opens, like a USB adapter's /dev/ttyACM0. */
  get hostPath(): string {
    return this.pair.hostPath;
  }

  static async open(device: TransportDevice, options: { fault?: LinkFault | null } = {}): Promise<SerialExposure> {
    const pair = await PtyPair.open();
    const port = new SerialPort({ path: pair.devicePath, baudRate: 9600, autoOpen: false, hupcl: false });
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    const toHost = (bytes: Uint8Array) => {
      if (port.isOpen) port.write(Buffer.from(bytes));
    };
    const faults = new FaultInjector(options.fault ?? null, {
      forward: (bytes) => device.serialWrite(bytes),
      answer: toHost,
      hangUp: () => pair.hangUpHostSide(),
    });
    port.on("data", (data: Buffer) => faults.fromHost(new Uint8Array(data)));
    device.on("serialData", toHost);
    return new SerialExposure(pair, port, faults, () => device.off("serialData", toHost));
  }

  /** Arms a fault for the host's next request of a command. */
  injectFault(fault: LinkFault | null): void {
    this.faults.arm(fault);
  }

  async close(): Promise<void> {
    this.detach();
    if (this.port.isOpen) await new Promise<void>((resolve) => this.port.close(() => resolve()));
    await this.pair.close();
  }
}
